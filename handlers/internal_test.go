package handlers

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
)

// memStore is a minimal in-memory Store for tests of unexported paths (the
// package's own tests cannot import redisstore: it imports this package).
type memStore struct {
	mu     sync.Mutex
	states map[int64]State
	subs   map[int64][]string
}

func (m *memStore) LoadState(_ context.Context, id int64) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[id], nil
}

func (m *memStore) SaveState(_ context.Context, id int64, s State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.states == nil {
		m.states = map[int64]State{}
	}
	m.states[id] = s
	return nil
}
func (m *memStore) Subscribe(context.Context, int64, string) error   { return nil }
func (m *memStore) Unsubscribe(context.Context, int64, string) error { return nil }
func (m *memStore) Subscriptions(_ context.Context, id int64) ([]string, error) {
	return m.subs[id], nil
}
func (m *memStore) CountSubscribers(context.Context, string) (int64, error) { return 0, nil }
func (m *memStore) Export(context.Context, int64) (PersonalData, error) {
	return PersonalData{}, nil
}
func (m *memStore) DeleteAll(context.Context, int64) error { return nil }

type rec struct{ msgs []Message }

func (r *rec) Send(_ context.Context, _ int64, m Message) error {
	r.msgs = append(r.msgs, m)
	return nil
}
func (r *rec) SendContact(context.Context, int64, Contact) error    { return nil }
func (r *rec) AnswerCallback(context.Context, string, string) error { return nil }
func (r *rec) AnswerInline(context.Context, string, []InlineResult) error {
	return nil
}

func newTestHandler(t *testing.T) (*Handler, *memStore) {
	t.Helper()
	d, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	st := &memStore{}
	h, err := New(Config{Directory: d, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return h, st
}

// The resolver rarely answers "unknown" with suggestions; drive that path with a
// synthetic result and press a suggestion.
func TestUnknownWithSuggestions(t *testing.T) {
	h, store := newTestHandler(t)
	ctx := context.Background()
	heber, bispingen := placeNamed(t, h, "Heber"), placeNamed(t, h, "Bispingen")
	r := &rec{}
	tu := &turn{r: r, u: Update{ChatID: 1, Private: true}, stateOK: true}
	res := directory.Result{Status: directory.StatusUnknown, Candidates: []directory.Candidate{
		{Place: heber, District: heber.District, Score: 0.5}, {Place: bispingen, District: bispingen.District, Score: 0.4},
		{Place: heber, District: heber.District, Score: 0.3}, // duplicates are offered once
	}}
	if err := h.answerResult(ctx, tu, res, "Hebr <i>"); err != nil {
		t.Fatal(err)
	}
	m := r.msgs[0]
	if !strings.Contains(m.Text, "Meinten Sie") || !strings.Contains(m.Text, "Hebr &lt;i&gt;") {
		t.Errorf("text %q", m.Text)
	}
	if len(m.Buttons) != 3 || m.Buttons[2][0].Data != "v1|n" {
		t.Fatalf("buttons %+v", m.Buttons)
	}
	if !slices.Equal(tu.st.Candidates, []string{heber.ID, bispingen.ID}) || tu.st.Step != stepChoosePlace {
		t.Errorf("state %+v", tu.st)
	}
	_ = store.SaveState(ctx, 1, tu.st)
	r.msgs = nil
	err := h.Handle(ctx, r, Update{ChatID: 1, Callback: &Callback{ID: "x", Data: m.Buttons[1][0].Data}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.msgs) != 1 || !strings.Contains(r.msgs[0].Text, "Bispingen") {
		t.Errorf("after choosing: %+v", r.msgs)
	}
	if st := store.states[1]; st.District != "munster-bispingen" || st.Nonce != "" || st.Candidates != nil {
		t.Errorf("state after choosing %+v", st)
	}
}

func placeNamed(t *testing.T, h *Handler, name string) directory.Place {
	t.Helper()
	for _, p := range h.cfg.Directory.Places() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no place %s", name)
	return directory.Place{}
}

func TestParseCallback(t *testing.T) {
	tests := []struct {
		data, kind string
		n          int
		ok         bool
	}{
		{"v1|p|abcdef|marbostel-wietzendorf", "p", 2, true},
		{"v1|n", "n", 0, true},
		{"v1|c|walsrode", "c", 1, true},
		{"v2|c|walsrode", "", 0, false},
		{"v1", "", 0, false},
		{"v1||walsrode", "", 0, false},
		{"v1|c|wals rode", "", 0, false},
		{"v1|c|wälsrode", "", 0, false},
		{"v1|c|" + strings.Repeat("a", 60), "", 0, false},
		{"", "", 0, false},
		{"\xff", "", 0, false},
	}
	for _, tt := range tests {
		kind, f, ok := parseCallback(tt.data)
		if ok != tt.ok || kind != tt.kind || len(f) != tt.n {
			t.Errorf("parseCallback(%q) = %q, %v, %v", tt.data, kind, f, ok)
		}
	}
	// Every callback the conversation builds fits and parses.
	h, _ := newTestHandler(t)
	for _, p := range h.cfg.Directory.Places() {
		d := cbData(cbPlace, newNonce(), p.ID)
		if len(d) > maxCallbackBytes {
			t.Errorf("place %s: callback data of %d bytes", p.ID, len(d))
		}
		if _, _, ok := parseCallback(d); !ok {
			t.Errorf("place %s: own callback data %q does not parse", p.ID, d)
		}
	}
	for _, d := range h.cfg.Directory.Districts() {
		for _, k := range []string{cbContact, cbOfferings, cbSubscribe, cbUnsub} {
			if _, _, ok := parseCallback(cbData(k, d.ID)); !ok {
				t.Errorf("district %s: callback does not parse", d.ID)
			}
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct{ in, cmd, args string }{
		{"/start", "start", ""},
		{"/Start@SozialraumBot", "start", ""},
		{"/abo walsrode  ", "abo", "walsrode"},
		{"/löschen", "löschen", ""},
	}
	for _, tt := range tests {
		cmd, args, ok := parseCommand(tt.in)
		if !ok || cmd != tt.cmd || args != tt.args {
			t.Errorf("parseCommand(%q) = %q, %q, %v", tt.in, cmd, args, ok)
		}
	}
	for _, no := range []string{"", "/", "Dorfmark", " hallo /start"} {
		if _, _, ok := parseCommand(no); ok {
			t.Errorf("parseCommand(%q) took it for a command", no)
		}
	}
}

func TestVCard(t *testing.T) {
	d := directory.District{
		ID: "x", Name: "Bezirk; mit, Sonderzeichen\\ und\nZeile", Provider: "Träger, GmbH; & Co",
		Phones: []directory.Phone{{Number: "(05161) 1", E164: "+49516111"}, {Number: "0151-2", E164: "+491512", Mobile: true}},
	}
	v := vCard(d, "https://example.org/a,b", "Sozialraumarbeit")
	for _, want := range []string{
		"FN:Träger\\, GmbH\\; & Co\r\n",
		"ORG:Träger\\, GmbH\\; & Co;Bezirk\\; mit\\, Sonderzeichen\\\\ und\\nZeile\r\n",
		"TEL;TYPE=WORK,VOICE:+49516111\r\n", "TEL;TYPE=CELL:+491512\r\n", "URL:https://example.org/a\\,b\r\n",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("vCard lacks %q:\n%s", want, v)
		}
	}
	// Oversized data is cut below 2048 bytes, keeping the phones.
	d.Name = strings.Repeat("Langer Name ", 300)
	v = vCard(d, "https://example.org", "Sozialraumarbeit")
	if len(v) > maxVCardBytes || !strings.Contains(v, "TEL;TYPE=CELL:+491512") {
		t.Errorf("oversized vCard: %d bytes\n%s", len(v), v)
	}
}

func TestExcerptAndLimit(t *testing.T) {
	if got := excerpt("a\u202Eb\n<c>"); got != "ab &lt;c&gt;" {
		t.Errorf("excerpt = %q", got)
	}
	if got := []rune(excerpt(strings.Repeat("x", 500))); len(got) != excerptRunes+1 {
		t.Errorf("excerpt has %d runes", len(got))
	}
	for name, long := range map[string]string{
		"lines":          strings.Repeat("<b>Zeile</b> &amp; mehr\n", 1000),
		"emoji lines":    strings.Repeat("👋👋👋 <i>Hallo</i>\n", 1000), // an emoji counts two
		"one long line":  "<b>x</b>" + strings.Repeat("ä &lt; 👋", 3000),
		"short is as is": "<b>kurz</b>",
	} {
		got := limitText(long, htmltext.MaxMessage)
		if n := htmltext.Len(got); n > htmltext.MaxMessage {
			t.Errorf("%s: limitText left %d characters as Telegram counts them", name, n)
		}
		if _, err := fakeapi.CheckHTML(got); err != nil {
			t.Errorf("%s: limitText produced invalid HTML: %v", name, err)
		}
		if htmltext.Len(long) <= htmltext.MaxMessage && got != long {
			t.Errorf("%s: a short text was changed", name)
		} else if htmltext.Len(long) > htmltext.MaxMessage && htmltext.Len(got) < htmltext.MaxMessage-100 {
			t.Errorf("%s: cut much more than needed: %d characters left", name, htmltext.Len(got))
		}
	}
}

func TestTextNeverPanics(t *testing.T) {
	h, _ := newTestHandler(t)
	if got := h.text("xx", "no_such_message", nil); got != "no_such_message" {
		t.Errorf("unknown id = %q", got)
	}
	if got := h.text("ar", "card_place", map[string]any{"Place": 1, "District": struct{}{}}); got == "" {
		t.Error("odd data renders nothing")
	}
	if got := h.langOf(Update{User: User{LanguageCode: "uk-UA"}}, &State{}); got != "uk" {
		t.Errorf("langOf = %q", got)
	}
	if got := h.langOf(Update{User: User{LanguageCode: "uk"}}, &State{Lang: "tr"}); got != "tr" {
		t.Errorf("langOf with a chosen language = %q", got)
	}
	if got := h.langOf(Update{}, nil); got != "de" {
		t.Errorf("langOf default = %q", got)
	}
}
