package handlers_test

import (
	"strings"
	"testing"
)

// TestFloodSkippedIsToldOnce: when the transport skipped updates of a flood,
// the parent hears it once, in their language, and then gets the answer to
// the update at hand.
func TestFloodSkippedIsToldOnce(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"de", "übersprungen"},
		{"en", "skipped 7"},
		{"uk", "пропустив"},
		{"ar", "تخطيت"},
		{"tr", "atladım"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c := newChat(t)
			c.lang = tc.lang
			u := c.update()
			u.Text, u.Skipped = "Dorfmark", 7
			outs := c.handle(u)
			if len(outs) < 2 {
				t.Fatalf("%d replies, want the notice and the answer", len(outs))
			}
			if got := outs[0].Msg.Text; !strings.Contains(got, tc.want) || !strings.Contains(got, "7") {
				t.Errorf("notice %q, want it to contain %q and the count", got, tc.want)
			}
			if !strings.Contains(texts(outs[1:]), "Dorfmark") {
				t.Errorf("no answer to the update after the notice: %q", texts(outs[1:]))
			}
			if next := texts(c.say("Soltau")); strings.Contains(next, tc.want) {
				t.Errorf("notice repeated with the next update: %q", next)
			}
		})
	}
}
