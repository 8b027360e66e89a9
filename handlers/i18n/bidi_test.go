package i18n_test

import (
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

func TestFixLines(t *testing.T) {
	tests := []struct {
		name, lang, in, want string
	}{
		{"arabic line unchanged", "ar", "مرحبا", "مرحبا"},
		{"latin start gets RLM", "ar", "Dorfmark تتبع", i18n.RLM + "Dorfmark تتبع"},
		{"digits start gets RLM", "ar", "0151 جوال", i18n.RLM + "0151 جوال"},
		{"tag skipped, arabic", "ar", "<b>المناطق</b>", "<b>المناطق</b>"},
		{"tag skipped, latin", "ar", "<b>Walsrode</b>", i18n.RLM + "<b>Walsrode</b>"},
		{"emoji start", "ar", "📍 <b>Dorfmark</b>", i18n.RLM + "📍 <b>Dorfmark</b>"},
		{"embedding start", "ar", i18n.LRE + "05161" + i18n.PDF, i18n.RLM + i18n.LRE + "05161" + i18n.PDF},
		{"per line", "ar", "مرحبا\nWalsrode\n\nهاتف", "مرحبا\n" + i18n.RLM + "Walsrode\n\nهاتف"},
		{"german untouched", "de", "Walsrode\n0151", "Walsrode\n0151"},
		{"english untouched", "en", "0151", "0151"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.FixLines(tt.lang, tt.in); got != tt.want {
				t.Errorf("FixLines(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	if got := i18n.Embed("ar", "(05161) 487272"); got != i18n.LRE+"(05161) 487272"+i18n.PDF {
		t.Errorf("Embed phone = %q", got)
	}
	if got := i18n.Embed("ar", "هاتف"); got != "هاتف" {
		t.Errorf("Embed arabic = %q", got)
	}
	if got := i18n.Embed("de", "Walsrode"); got != "Walsrode" {
		t.Errorf("Embed in German = %q", got)
	}
}

// Every rendered Arabic message line starts right to left after FixLines.
func TestArabicCatalogueLinesStartRTL(t *testing.T) {
	c := conversationCatalogue(t)
	for _, id := range c.IDs("ar") {
		s, _ := c.Text("ar", id, sample)
		for _, line := range strings.Split(i18n.FixLines("ar", s), "\n") {
			if line == "" || strings.HasPrefix(line, i18n.RLM) {
				continue
			}
			// The line must then start (after tags and spaces) with an Arabic letter.
			plain := strings.TrimLeft(htmltext.Plain(line), " ")
			r := []rune(plain)
			if len(r) > 0 && !(r[0] >= 0x0600 && r[0] <= 0x06FF) {
				t.Errorf("ar/%s: line %q starts left to right without RLM", id, line)
			}
		}
	}
}
