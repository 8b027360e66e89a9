package broadcast_test

import (
	"sync"
	"testing"
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

// waitUntil polls cond (a state in Redis or the fake API) until it holds; it
// fails the test after a minute. It synchronises on state, never on time.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
