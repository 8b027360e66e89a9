package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The terminal chat as a staff member: compose with a flyer, date, end, place and
// venue, add an English translation, send; the three simulated parents get the
// flyer, the map pin and the calendar file in their language, and the staff
// member the report.
func TestChatStaff(t *testing.T) {
	in := strings.Join([]string{
		"/ankuendigung",
		"walsrode",
		`foto Elterncafé im Familienzentrum\nDatum: 24.12.2026 15:00\nBis: 17:00\nOrt: Familienzentrum Walsrode`,
		"loc 52.8617 9.5934",
		"5", // 🌐 translation ([1] is the preview's reminder button)
		"1", // English
		"Parents' café at the family centre",
		"3", // ✅ send ([1], [2] are the previews' reminder buttons)
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(in), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	if err := runChat(context.Background(), []string{"--staff", "--quiet-hours", "off", "--lang", "de"}, e); err != nil {
		t.Fatalf("chat: %v\n%s", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"Donnerstag, 24. Dezember 2026, 15:00–17:00 Uhr", // preview, German
		"Thursday, 24 December 2026, 15:00–17:00",        // preview, English
		"Eltern-Chat 9001 (de) erhält", "Eltern-Chat 9002 (en) erhält", "Eltern-Chat 9003 (uk) erhält",
		"🖼 [Foto terminal-foto-1]", "📍 [Karte] Familienzentrum Walsrode", "📎 [Datei termin.ics",
		"Parents' café at the family centre",
		"an Sie (Bericht)", "Zugestellt: 3 von 3",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// The Ukrainian parent has no Ukrainian version: German, not English.
	uk := got[strings.Index(got, "Eltern-Chat 9003 (uk) erhält"):]
	if i := strings.Index(uk, "Abbestellen"); i < 0 || strings.Contains(uk[:i], "Parents'") {
		t.Errorf("the Ukrainian parent did not get the German version")
	}
	if t.Failed() {
		t.Log(got)
	}
}
