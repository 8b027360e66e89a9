package broadcast_test

import (
	"sync"
	"time"
)

// clock is a settable clock for Options.Now: scheduled starts, quiet hours and
// reminders follow it; nothing in the tests sleeps to move time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
