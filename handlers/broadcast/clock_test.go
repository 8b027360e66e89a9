package broadcast_test

import (
	"testing"
	"time"
)

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
