package loadtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/heidekreis/sozialraumbot/directory"
)

// Kind is what a parent does in one step.
type Kind int

// The kinds of steps.
const (
	KindText     Kind = iota // writes a message (commands included)
	KindButton               // presses an inline button of the bot's last keyboard
	KindLocation             // shares a location
	KindInline               // types "@bot <query>" in another chat (inline mode)
)

// Step is one thing a simulated parent does.
type Step struct {
	Kind Kind
	Text string // the message, or the inline query
	Lang string // the user's app language
	// Prefixes are callback data prefixes to look for in the bot's last inline
	// keyboard (KindButton), first match wins; else the keyboard's first button,
	// else Fallback (a bot that sends no keyboards, like the bare echo baseline).
	Prefixes []string
	Fallback string
	Lat, Lon float64 // KindLocation
}

// Script makes realistic dialogues from a directory: place names with typos,
// sentences in several languages, postal codes, button presses, subscriptions,
// shared locations, inline queries and privacy commands.
type Script struct {
	// Omit leaves steps with these texts out of every dialogue.
	Omit []string

	places  []directory.Place
	located []directory.Place
	postal  []string
}

// NewScript prepares dialogues over the places of dir.
func NewScript(dir *directory.Directory) (*Script, error) {
	s := &Script{places: dir.Places(), postal: dir.PostalCodes()}
	for _, p := range s.places {
		if p.HasCoordinates() {
			s.located = append(s.located, p)
		}
	}
	if len(s.places) == 0 || len(s.postal) == 0 || len(s.located) == 0 {
		return nil, fmt.Errorf("loadtest: the directory has no places, postal codes or coordinates")
	}
	return s, nil
}

// sentences put a place into what parents write, in the bot's languages.
var sentences = []struct{ lang, format string }{
	{"de", "Hallo, wir wohnen in %s und suchen Hilfe"},
	{"de", "%s"},
	{"de", "wer ist für %s zuständig?"},
	{"en", "Hi, we live in %s, who can help us?"},
	{"uk", "Ми живемо в %s, потрібна допомога"},
	{"tr", "%s'da oturuyoruz, yardım lazım"},
	{"ar", "نحن نعيش في %s"},
}

// Dialogue returns one parent's session: about a dozen steps.
func (s *Script) Dialogue(rng *rand.Rand) []Step {
	a := s.places[rng.IntN(len(s.places))]
	b := s.places[rng.IntN(len(s.places))]
	loc := s.located[rng.IntN(len(s.located))]
	sent := sentences[rng.IntN(len(sentences))]
	lang := sent.lang
	steps := []Step{
		{Kind: KindText, Text: "/start", Lang: lang},
		{Kind: KindText, Text: Typo(rng, a.Name), Lang: lang},
		{Kind: KindButton, Prefixes: []string{"v1|o|"}, Fallback: "v1|o|" + a.District, Lang: lang},
		{Kind: KindText, Text: fmt.Sprintf(sent.format, b.Name), Lang: lang},
		{Kind: KindButton, Prefixes: []string{"v1|a|"}, Fallback: "v1|a|" + b.District, Lang: lang},
		{Kind: KindText, Text: s.postal[rng.IntN(len(s.postal))], Lang: lang},
		{Kind: KindButton, Prefixes: []string{"v1|p|", "v1|c|"}, Fallback: "v1|n", Lang: lang},
		{Kind: KindLocation, Lat: loc.Lat, Lon: loc.Lon, Lang: lang},
		{Kind: KindButton, Prefixes: []string{"v1|c|"}, Fallback: "v1|c|" + loc.District, Lang: lang},
		{Kind: KindInline, Text: Typo(rng, b.Name), Lang: lang},
		{Kind: KindText, Text: "/abo", Lang: lang},
		{Kind: KindText, Text: "/meinedaten", Lang: lang},
	}
	return slices.DeleteFunc(steps, func(st Step) bool { return slices.Contains(s.Omit, st.Text) })
}

// Typo misspells a name the way people do: a swapped, dropped, doubled or
// replaced letter, or all lower case. Names shorter than five letters stay.
func Typo(rng *rand.Rand, name string) string {
	r := []rune(name)
	if utf8.RuneCountInString(name) < 5 {
		return name
	}
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(5) {
	case 0:
		r[i], r[i+1] = r[i+1], r[i]
	case 1:
		r = append(r[:i:i], r[i+1:]...)
	case 2:
		r = append(r[:i+1:i+1], r[i:]...)
	case 3:
		r[i] = []rune("aeiouenrst")[rng.IntN(10)]
	default:
		return strings.ToLower(name)
	}
	return string(r)
}
