package handlers_test

import (
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
)

// TestOfferingsInParentsLanguage: the card, /angebote and inline results show
// the offerings in the chat's language from the data file's curated
// translations; names and numbers stay as published; German stays German.
func TestOfferingsInParentsLanguage(t *testing.T) {
	tests := []struct {
		lang      string
		card, all []string // in the card; in /angebote
		not       string   // the German wording must not appear
	}{
		{"uk", []string{"Консультації з усіх питань сімейного життя", "Захист дітей"},
			[]string{"• Догляд за дітьми в денної няні (Kindertagespflegeperson)", "• Інформаційні заходи"}, "Kinderschutz"},
		{"ar", []string{"حماية الأطفال"}, []string{"مشاريع متنوعة", "فعاليات إعلامية"}, "Kinderschutz"},
		{"en", []string{"Advice on all questions about family life"}, []string{"• Easy-to-reach advice from the local professionals"}, "Beratung"},
		{"tr", []string{"Çocuk koruma"}, []string{"• Bilgilendirme etkinlikleri"}, "Informationsveranstaltungen"},
		{"de", []string{"Beratung zu allen Fragen rund um das Familienleben", "Kinderschutz"},
			[]string{"• Niedrigschwellige Beratung durch die Fachkräfte vor Ort"}, "Aufmerksamkeit"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c := newChat(t)
			c.lang = tt.lang
			card := htmltext.Plain(texts(c.say("Walsrode")))
			mustContain(t, card, tt.card...)
			mustContain(t, card, "Stephansstift Evangelische Jugendhilfe-Heidekreis", "487272", "Walsrode")
			mustNotContain(t, card, tt.not)
			all := htmltext.Plain(texts(c.say("/angebote")))
			mustContain(t, all, tt.all...)
			mustNotContain(t, all, tt.not)

			outs := c.inline("Dorfmark")
			found := false
			for _, r := range outs[0].Results {
				if strings.Contains(r.Text, "Vier Linden") {
					found = true
					mustContain(t, htmltext.Plain(r.Text), tt.card...)
				}
			}
			if !found {
				t.Errorf("no inline card for Dorfmark in %s", tt.lang)
			}
		})
	}
}
