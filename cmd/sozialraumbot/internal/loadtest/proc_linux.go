package loadtest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ, 100 on Linux
// for every architecture Go supports).
const userHZ = 100

// readProcessStats reads a process's CPU time (/proc/<pid>/stat: utime and
// stime, all threads) and resident memory (/proc/<pid>/status: VmRSS, VmHWM).
func readProcessStats(pid int) (ProcessStats, bool) {
	dir := "/proc/" + strconv.Itoa(pid) + "/"
	stat, err := os.ReadFile(dir + "stat")
	if err != nil {
		return ProcessStats{}, false
	}
	// The command name (field 2) is in parentheses and may contain spaces.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ProcessStats{}, false
	}
	f := strings.Fields(string(stat[i+1:])) // f[0] is field 3 (state)
	if len(f) < 13 {
		return ProcessStats{}, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return ProcessStats{}, false
	}
	s := ProcessStats{CPU: time.Duration(utime+stime) * time.Second / userHZ}
	status, err := os.ReadFile(dir + "status")
	if err != nil {
		return ProcessStats{}, false
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if k == "VmRSS" {
			s.RSS = kb << 10
		} else {
			s.PeakRSS = kb << 10
		}
	}
	return s, true
}
