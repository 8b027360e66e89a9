package handlers_test

import (
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Config.Languages (LANGUAGES) decides which languages /sprache offers and which
// app languages are answered in their own language; all others get German.
func TestOfferedLanguages(t *testing.T) {
	only := func(langs ...string) chatOption {
		return func(cfg *handlers.Config) { cfg.Languages = langs }
	}
	c := newChat(t, only("de", "en-GB"))
	var names []string
	for _, b := range buttons(c.say("/sprache")) {
		names = append(names, b.Text+"="+b.Data)
	}
	if got := strings.Join(names, ","); got != "Deutsch=v1|l|de,English=v1|l|en" {
		t.Errorf("/sprache offers %s", got)
	}
	// A language not offered: its button is stale, its app language gets German.
	mustContain(t, texts(c.press("v1|l|uk")), "nicht mehr gültig")
	for lang, want := range map[string]string{"uk": "Wo wohnen Sie?", "tr": "Wo wohnen Sie?", "en": "Where do you live?", "de": "Wo wohnen Sie?"} {
		c := newChat(t, only("de", "en"))
		c.lang = lang
		mustContain(t, texts(c.say("/start")), want)
	}
	// A choice stored while it was offered falls back to German once it is not.
	all := newChat(t)
	all.press("v1|l|tr")
	mustContain(t, texts(all.say("/hilfe")), "Size nasıl yardımcı")
	c = newChatWithStore(t, all.store, all.rdb, all.pfx, only("de"))
	c.id = all.id
	mustContain(t, texts(c.say("/hilfe")), "So helfe ich Ihnen")
	if n := len(buttons(c.say("/sprache"))); n != 1 {
		t.Errorf("/sprache with only German offers %d buttons", n)
	}
	// No setting: every catalogue language.
	if n := len(buttons(newChat(t).say("/sprache"))); n != 5 {
		t.Errorf("default /sprache offers %d languages, want 5", n)
	}
	// Inline answers follow it too.
	ic := newChat(t, only("de"))
	ic.lang = "en"
	if outs := ic.inline(""); len(outs) != 1 || !strings.Contains(outs[0].Results[0].Title, "Ort") {
		t.Errorf("inline help with English not offered: %+v", outs)
	}
}

// A message written in a language that is not offered is answered in German,
// even when it is recognised (the message's own language counts only when offered).
func TestMessageLanguageOnlyWhenOffered(t *testing.T) {
	all := newChat(t)
	all.lang = "de"
	ukr := texts(all.say("дякую"))
	c := newChat(t, func(cfg *handlers.Config) { cfg.Languages = []string{"de", "en"} })
	c.lang = "de"
	de := texts(c.say("дякую"))
	if ukr == de {
		t.Fatalf("same answer with and without Ukrainian offered: %s", de)
	}
	mustNotContain(t, de, "Будь", "дякую", "Прошу")
	t.Logf("uk offered: %q; not offered: %q", ukr, de)
}
