package handlers_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// crisisCounter records the languages of crisis answers (the metric hook).
type crisisCounter struct {
	mu    sync.Mutex
	langs []string
}

func (c *crisisCounter) opt() chatOption {
	return func(cfg *handlers.Config) {
		cfg.CrisisAnswered = func(lang string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.langs = append(c.langs, lang)
		}
	}
}

// TestCrisisYouthOfficeNumber: once the data file carries a verified number
// for the Jugendamt, the crisis answer about a child gives it.
func TestCrisisYouthOfficeNumber(t *testing.T) {
	data := strings.Replace(string(directory.Embedded()), `    phone: ""`+"\n    source: \"wp:Landkreis_Heidekreis\"",
		`    phone: "(05162) 12345"`+"\n    source: \"test\"", 1)
	if data == string(directory.Embedded()) {
		t.Fatal("fixture: youth_office.phone not found in the embedded data file")
	}
	d, err := directory.Parse("test.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	c := newChat(t, func(cfg *handlers.Config) { cfg.Directory = d })
	outs := c.say("mein kind wird zuhause geschlagen")
	mustContain(t, texts(outs), "Kinderschutz: Jugendamt des Landkreises Heidekreis <b>(05162) 12345</b> (zu den Dienstzeiten)")
	mustNotContain(t, texts(outs), "Vogteistraße")
}

func TestCrisisAnswer(t *testing.T) {
	tests := []struct {
		name, lang, text string
		wants, nots      []string
	}{
		{"violence de", "de", "Mein Mann schlägt mich",
			[]string{"sofort Hilfe", "Polizei <b>110</b>", "<b>112</b>", "Gewalt gegen Frauen", "<b>116 016</b>", "Gewalt an Männern", "<b>0800 123 99 00</b>", "TelefonSeelsorge", "<b>0800 111 0 111</b>", "Wohnort"},
			[]string{"keinen Ort", "gehört zum", "Jugendamt des"}},
		{"suicide de", "de", "Ich will nicht mehr leben",
			[]string{"Polizei <b>110</b>", "TelefonSeelsorge", "rund um die Uhr", "<b>0800 111 0 222</b>"},
			[]string{"Möhr", "keinen Ort", "116 016"}},
		{"child de", "de", "mein kind wird zuhause geschlagen",
			[]string{"Kinderschutz: Jugendamt des Landkreises Heidekreis, Vogteistraße 19, 29683 Bad Fallingbostel. Ist ein Kind jetzt in Gefahr, rufen Sie die Polizei: <b>110</b>", "Nummer gegen Kummer", "Mo–Sa 14–20 Uhr", "<b>116 111</b>", "Sexueller Missbrauch"},
			[]string{"keinen Ort"}},
		{"place in the message", "de", "ich wohne in soltau und mein mann schlägt mich",
			[]string{"Polizei <b>110</b>", "Ihr Träger vor Ort", "Stephansstift", "(05191) 4455"},
			[]string{"📍", "Wohnort"}},
		{"ukrainian", "uk", "чоловік мене б'є",
			[]string{"поліція <b>110</b>", "<b>116 016</b>", "також українською"},
			[]string{"не знайшов"}},
		{"ukrainian text, German app", "de", "я не хочу жити",
			[]string{"Телефон довіри", "<b>0800 111 0 111</b>"},
			[]string{"keinen Ort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cc crisisCounter
			c := newChat(t, cc.opt())
			c.lang = tt.lang
			outs := c.say(tt.text)
			if len(outs) != 1 {
				t.Fatalf("%d answers, want 1: %s", len(outs), texts(outs))
			}
			got := outs[0].Msg.Text
			mustContain(t, got, tt.wants...)
			mustNotContain(t, got, tt.nots...)
			// The numbers come first: nothing is asked before them.
			if q := strings.Index(got, "?"); q >= 0 && q < strings.Index(got, "110") {
				t.Errorf("a question before the numbers:\n%s", got)
			}
			if len(cc.langs) != 1 {
				t.Errorf("crisis hook called %d times", len(cc.langs))
			}
			// Nothing of the message is stored or logged.
			for _, w := range strings.Fields(tt.text) {
				if len(w) > 4 && strings.Contains(c.logs.String(), w) {
					t.Errorf("log contains %q: %s", w, c.logs.String())
				}
			}
			st, err := c.store.LoadState(t.Context(), c.id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Need != "" || st.Step != "" {
				t.Errorf("state after a crisis: %+v", st)
			}
		})
	}
}

func TestCrisisUsesKnownPlace(t *testing.T) {
	c := newChat(t)
	c.say("Walsrode")
	outs := c.say("er hat gedroht mich umzubringen")
	mustContain(t, texts(outs), "Polizei <b>110</b>", "Ihr Träger vor Ort", "(05161) 487272")
	mustNotContain(t, texts(outs), "Wohnort")
}

func TestEverydayWorryIsNoCrisis(t *testing.T) {
	var cc crisisCounter
	c := newChat(t, cc.opt())
	for _, text := range []string{"Mein Baby schreit die ganze Nacht", "ich habe keine angst vor meinem mann", "er schlägt mich nicht"} {
		got := texts(c.say(text))
		mustNotContain(t, got, "Polizei <b>110</b>")
	}
	if len(cc.langs) != 0 {
		t.Errorf("crisis answers: %v", cc.langs)
	}
}

func TestNeedThenPlace(t *testing.T) {
	c := newChat(t)
	outs := c.say("wir suchen eine tagesmutter für unseren sohn")
	got := texts(outs)
	mustContain(t, got, "Danke, dass Sie mir das schreiben", "Kinderbetreuung", "Wo wohnen Sie?")
	mustNotContain(t, got, "keinen Ort")
	st, _ := c.store.LoadState(t.Context(), c.id)
	if st.Need != "childcare" {
		t.Fatalf("need = %q, want childcare", st.Need)
	}
	// The card after the place answers the need: childcare first.
	outs = c.say("Dorfmark")
	got = texts(outs)
	mustContain(t, got, "Bei der Kinderbetreuung", "Vier Linden", "<b>Angebote:</b> Kinderbetreuung durch eine Kindertagespflegeperson · Beratung")
	// /meinedaten shows the topic, never the text.
	got = texts(c.say("/meinedaten"))
	mustContain(t, got, "Anliegen (nur das Thema): der Kinderbetreuung")
	mustNotContain(t, got, "tagesmutter für unseren")
}

func TestNeedWithPlace(t *testing.T) {
	c := newChat(t)
	outs := c.say("hallo ich bin aus dorfmark und mein sohn macht nur ärger")
	got := texts(outs)
	mustContain(t, got, "Bei Fragen rund um das Familienleben hilft Ihnen dieser Träger", "📍 <b>Dorfmark</b>", "<b>Angebote:</b> Beratung zu allen Fragen")
}

func TestSmallTalkAndQuestions(t *testing.T) {
	c := newChat(t)
	for text, want := range map[string]string{
		"Hallo":                  "Schön, dass Sie schreiben",
		"Danke":                  "Sehr gern!",
		"Tschüss":                "Alles Gute",
		"ja":                     "In Ordnung",
		"Sprechen Sie Englisch?": "Englisch, Ukrainisch",
		"was kostet das":         "nicht in meinen Daten",
	} {
		got := texts(c.say(text))
		mustContain(t, got, want)
		mustNotContain(t, got, "keinen Ort")
	}
	c.lang = "en"
	mustContain(t, texts(c.say("thank you so much")), "You're welcome")
	// With a known district, a question gets the provider's number.
	c.lang = "de"
	c.say("Walsrode")
	mustContain(t, texts(c.say("wann sind sie erreichbar")), "Sprechzeiten", "(05161) 487272")
}

func TestLongCrisisText(t *testing.T) {
	c := newChat(t)
	got := texts(c.say("ich will nicht mehr leben " + strings.Repeat("bitte ", 300)))
	mustContain(t, got, "TelefonSeelsorge")
}
