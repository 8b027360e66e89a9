package loadtest

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Sample is the process's memory and goroutines at one moment.
type Sample struct {
	At         time.Duration `json:"at"` // since the start of the measurement
	HeapInuse  uint64        `json:"heap_inuse"`
	HeapAlloc  uint64        `json:"heap_alloc"`
	Sys        uint64        `json:"sys"`
	Goroutines int           `json:"goroutines"`
}

// sampler reads runtime.MemStats and the goroutine count every interval and
// keeps the peaks, plus one series point every seriesEvery.
type sampler struct {
	interval, seriesEvery time.Duration

	mu       sync.Mutex
	peak     Sample
	series   []Sample
	lastKept time.Duration
	start    time.Time
}

func newSampler(interval, seriesEvery time.Duration) *sampler {
	return &sampler{interval: interval, seriesEvery: seriesEvery, start: time.Now(), lastKept: -seriesEvery}
}

// run samples until ctx ends (one final sample included).
func (s *sampler) run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *sampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	now := Sample{At: time.Since(s.start), HeapInuse: m.HeapInuse, HeapAlloc: m.HeapAlloc, Sys: m.Sys,
		Goroutines: runtime.NumGoroutine()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak.HeapInuse = max(s.peak.HeapInuse, now.HeapInuse)
	s.peak.HeapAlloc = max(s.peak.HeapAlloc, now.HeapAlloc)
	s.peak.Sys = max(s.peak.Sys, now.Sys)
	s.peak.Goroutines = max(s.peak.Goroutines, now.Goroutines)
	if now.At-s.lastKept >= s.seriesEvery {
		s.series = append(s.series, now)
		s.lastKept = now.At
	}
}

// result returns the peaks and the series.
func (s *sampler) result() (Sample, []Sample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, append([]Sample(nil), s.series...)
}
