package main

import (
	"context"
	"strings"
	"testing"
)

// TestChatCallbackRequest: the terminal chat runs a callback request from the
// card's button to the summary, shows the team's message as the team would see
// it, and its scrubbing after the parent withdraws the request.
func TestChatCallbackRequest(t *testing.T) {
	var out, errOut strings.Builder
	input := strings.Join([]string{
		"Walsrode", "3", // the card's "📞 Rückruf erbitten"
		"1",                            // consent
		"kontakt fremd",                // someone else's card: refused
		"0151 2345",                    // a typo: refused
		"kontakt",                      // the own number
		"Anna",                         // the first name (the terminal has none)
		"2", "1", "nach 10 bitte", "1", // topic, morning, note, send
		"/rueckruf", "1", // withdraw
	}, "\n") + "\n"
	e := env{stdin: strings.NewReader(input), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	if err := runChat(context.Background(), nil, e); err != nil {
		t.Fatalf("runChat: %v (stderr: %s)", err, errOut.String())
	}
	got := out.String()
	order := []string{
		"Sind Sie einverstanden?",
		"[📱 Meine Nummer senden: kontakt]",
		"eines anderen Menschen",
		"„0151 2345“ ist keine Telefonnummer",
		"die Nummer +4915123456789 gebe ich weiter",
		"Mit welchem Vornamen",
		"Vorname: Anna",
		"Ihre Bitte ist angekommen",
		"── Team-Chat Sozialraumbezirk Stadt Walsrode (so sieht es das Team) ──",
		"👤 Anna · ☎ +4915123456789",
		"[1] ✋ Übernehmen",
		"Nr. 1 an Stephansstift",
		"ist zurückgezogen",
		"✏️ [Nachricht 1 geändert: Text]",
		"Von den Eltern zurückgezogen. Die Angaben der Eltern sind gelöscht.",
	}
	rest := got
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("output lacks %q (in this order):\n%s", want, got)
		}
		rest = rest[i+len(want):]
	}
	if n := strings.Count(got, "── Team-Chat"); n != 2 {
		t.Errorf("%d team chat headings, want 2 (the request, its scrubbing)", n)
	}
}
