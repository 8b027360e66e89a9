package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

// A new interval starts with a line of its own; the summary of the old one comes first.
func TestRefusedLogIntervals(t *testing.T) {
	logs := &handlerstest.Log{}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	rl := newRefusedLog(logs.Logger(), nil)
	rl.now = func() time.Time { return now }
	for range 3 {
		rl.refused("192.0.2.1:1")
	}
	now = now.Add(2 * time.Minute)
	rl.refused("192.0.2.2:1")
	rl.flush() // nothing counted after the first of the new interval: no summary
	got := strings.Count(logs.String(), "secret token")
	if got != 3 || !strings.Contains(logs.String(), "count=2") {
		t.Errorf("%d lines, want 3 (first, summary of 2, first of the next interval):\n%s", got, logs.String())
	}
}
