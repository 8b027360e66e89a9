//go:build !linux

package loadtest

// readProcessStats is only implemented on Linux (/proc).
func readProcessStats(int) (ProcessStats, bool) { return ProcessStats{}, false }
