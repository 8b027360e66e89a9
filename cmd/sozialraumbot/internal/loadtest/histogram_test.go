package loadtest

import (
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * 100 * time.Microsecond) // 0.1 ms .. 100 ms
	}
	h.Record(20 * time.Second)
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 50*time.Millisecond + 10*time.Microsecond},
		{0.99, 99*time.Millisecond + 10*time.Microsecond},
		{1, 20 * time.Second},
	}
	for _, tt := range tests {
		got := h.Quantile(tt.q)
		// the bucket's upper end: at most one bucket width above the true value
		if got < tt.want-20*time.Microsecond || got > tt.want+time.Millisecond {
			t.Errorf("Quantile(%v) = %s, want about %s", tt.q, got, tt.want)
		}
	}
	if h.Count() != 1001 || h.Max() != 20*time.Second {
		t.Errorf("count %d max %s", h.Count(), h.Max())
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 || empty.Mean() != 0 {
		t.Error("empty histogram not zero")
	}
}

func TestTypoChangesLongNamesOnly(t *testing.T) {
	rng := newRand(7)
	if got := Typo(rng, "Ahl"); got != "Ahl" {
		t.Errorf("short name changed: %q", got)
	}
	changed := 0
	for range 50 {
		if Typo(rng, "Dorfmark") != "Dorfmark" {
			changed++
		}
	}
	if changed < 40 {
		t.Errorf("only %d of 50 typos differ", changed)
	}
}
