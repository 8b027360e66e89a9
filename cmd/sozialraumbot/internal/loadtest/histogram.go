package loadtest

import (
	"sync/atomic"
	"time"
)

// Histogram records durations with fixed memory, safe for concurrent use:
// 10 µs steps up to 100 ms, 1 ms steps up to 10 s, and an overflow bucket.
// Percentiles are exact to the bucket width (reported as the bucket's upper end).
type Histogram struct {
	fine   [10000]atomic.Int64 // [0, 100 ms) in 10 µs
	coarse [9900]atomic.Int64  // [100 ms, 10 s) in 1 ms
	over   atomic.Int64
	count  atomic.Int64
	sum    atomic.Int64 // nanoseconds
	max    atomic.Int64
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	switch {
	case d < 100*time.Millisecond:
		h.fine[d/(10*time.Microsecond)].Add(1)
	case d < 10*time.Second:
		h.coarse[(d-100*time.Millisecond)/time.Millisecond].Add(1)
	default:
		h.over.Add(1)
	}
	h.count.Add(1)
	h.sum.Add(int64(d))
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			break
		}
	}
}

// Count is the number of durations recorded.
func (h *Histogram) Count() int64 { return h.count.Load() }

// Max is the longest duration recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Mean is the average duration.
func (h *Histogram) Mean() time.Duration {
	n := h.count.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load() / n)
}

// Quantile returns the q-quantile (0 < q <= 1): the upper end of the bucket
// holding it, capped at Max.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.count.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q*float64(n) + 0.999999)
	rank = max(1, min(rank, n))
	var seen int64
	capped := func(d time.Duration) time.Duration { return min(d, h.Max()) }
	for i := range h.fine {
		if seen += h.fine[i].Load(); seen >= rank {
			return capped(time.Duration(i+1) * 10 * time.Microsecond)
		}
	}
	for i := range h.coarse {
		if seen += h.coarse[i].Load(); seen >= rank {
			return capped(100*time.Millisecond + time.Duration(i+1)*time.Millisecond)
		}
	}
	return h.Max()
}
