package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func names(cs []MenuCommand) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Command)
	}
	return out
}

func TestMenus(t *testing.T) {
	menus, err := Menus([]string{"de", "en", "de-AT", "fr", "uk", "ar", "tr"})
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, m := range menus {
		langs = append(langs, m.Lang)
	}
	if !slices.Equal(langs, []string{"de", "en", "uk", "ar", "tr"}) {
		t.Fatalf("languages %v: want de, en, uk, ar, tr (no duplicate de-AT, no fr without a catalogue)", langs)
	}
	de, en := menus[0], menus[1]
	tests := []struct {
		name string
		got  []MenuCommand
		want string
	}{
		{"de private", de.Private, "start hilfe bezirke angebote kontakt notfall sprache abo abbestellen termine datenschutz meinedaten loeschen rueckruf"},
		{"de group", de.Group, "hilfe bezirke angebote kontakt notfall termine datenschutz"},
		{"de group admins", de.GroupAdmin, "hilfe bezirke angebote kontakt notfall abo abbestellen termine datenschutz meinedaten loeschen"},
		{"de staff", de.Staff, "start hilfe bezirke angebote kontakt notfall sprache abo abbestellen termine datenschutz meinedaten loeschen rueckruf ankuendigung ankuendigungen stopp korrigieren zurueckholen rueckrufe"},
		{"en private", en.Private, "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback"},
		{"en group", en.Group, "help districts offers contact emergency events privacy"},
		{"en staff", en.Staff, "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback announce broadcasts stop correct recall callbacks"},
		{"ar private (English names)", menus[3].Private, "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback"},
	}
	for _, tt := range tests {
		if got := strings.Join(names(tt.got), " "); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.name, got, tt.want)
		}
	}
	for _, m := range menus {
		if n := len(utf16.Encode([]rune(m.Description))); n == 0 || n > MaxDescription {
			t.Errorf("%s description: %d characters", m.Lang, n)
		}
		if n := len(utf16.Encode([]rune(m.ShortDescription))); n == 0 || n > MaxShortDescription {
			t.Errorf("%s short description: %d characters", m.Lang, n)
		}
		if strings.ContainsAny(m.Description+m.ShortDescription, "<>") {
			t.Errorf("%s: descriptions are plain text, no HTML", m.Lang)
		}
		for _, c := range m.Staff {
			if c.Description == "" || strings.HasPrefix(c.Description, "menu_") {
				t.Errorf("%s /%s: description %q", m.Lang, c.Command, c.Description)
			}
		}
	}
	if de.Private[1].Description != "So helfe ich Ihnen" || en.Private[1].Description != "How I can help" {
		t.Errorf("descriptions: %q, %q", de.Private[1].Description, en.Private[1].Description)
	}
}

// Every command the menus offer does something: none is answered with the
// "unknown command" hint, for staff (who see all of them) in German and English.
func TestMenuCommandsAreHandled(t *testing.T) {
	h, _ := newTestHandler(t)
	h.cfg.Staff = []StaffMember{{UserID: 77, All: true}}
	ctx := context.Background()
	for _, lang := range []string{"de", "en"} {
		unknown := h.text(lang, "unknown_command", nil)
		for _, name := range menuCommandNames() {
			r := &rec{}
			u := Update{ChatID: 77, Private: true, User: User{ID: 77, LanguageCode: lang}, Text: "/" + name}
			if err := h.Handle(ctx, r, u); err != nil {
				t.Fatalf("/%s: %v", name, err)
			}
			if len(r.msgs) == 0 || r.msgs[0].Text == unknown {
				t.Errorf("%s: /%s is in the menu but answered as unknown: %+v", lang, name, r.msgs)
			}
		}
	}
}
