package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// TestMetricsWired: serve wires the Prometheus collectors into every part that
// counts through a hook of its own (bot's Metrics, the conversation's and the
// broadcast worker's functions), so /metrics shows what each of them counted.
func TestMetricsWired(t *testing.T) {
	w := startReloadWorld(t, "v1.yaml", "")
	const parent = 7001
	w.ask(parent, "Waldhof")
	if err := w.app.store.Subscribe(context.Background(), parent, "nord"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.app.broadcast.Start(context.Background(), handlers.Announcement{
		Districts: []string{"nord"}, Text: "Elterncafé", HTML: "Elterncafé", Urgent: true}); err != nil { // urgent: also in quiet hours
		t.Fatal(err)
	}
	if _, err := w.api.WaitChat("sendMessage", parent, 2, drillWait); err != nil {
		t.Fatalf("the broadcast did not arrive: %v", err)
	}
	wants := []string{
		`sozialraumbot_updates_total{type="message"} `,                  // bot: Update
		`sozialraumbot_handler_duration_seconds_count{type="message"} `, // bot: Handled
		`sozialraumbot_replies_total{result="delivered"} `,              // bot: Reply
		`sozialraumbot_resolver_outcomes_total{status="match"} `,        // the conversation: Observe
		`sozialraumbot_broadcast_messages_total{result="delivered"} 1`,  // broadcast: Counted
	}
	deadline := time.Now().Add(drillWait)
	for {
		got := w.metrics()
		var missing []string
		for _, want := range wants {
			if !strings.Contains(got, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %q", missing)
		}
		time.Sleep(20 * time.Millisecond) // the broadcast is counted when its outcome is recorded
	}
}
