package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// sample holds a value for every template field used by any catalogue.
var sample = map[string]any{
	"Programme": "Sozialraumarbeit", "Inline": "SozialraumBot", "Name": "Sozialraumbezirk Stadt Walsrode",
	"Provider": "Vier Linden GmbH &amp; Co. KG", "Phones": "(05161) 487272", "Place": "Dorfmark",
	"District": "Sozialraumbezirk Stadt Walsrode", "List": "Beratung", "URL": "https://example.org",
	"Query": "Dorfmrak", "County": "Landkreis Celle", "Km": "1,2", "When": "Mo 01.12.2026 15:00",
	"Where": "Rathaus", "Text": "Fest", "Operator": "Landkreis Heidekreis", "Days": 30, "Value": "x",
	"Police": "110", "Rescue": "112", "Child": "116 111", "Parents": "0800 111 0 550", "Women": "116 016",
	"Bot": "@SozialraumBot", "ID": "7", "Outcome": "zugestellt", "Count": 2,
	// callback requests (callback.<lang>.toml)
	"Status": "offen", "Phone": "+4915123456789", "Keep": 7, "MaxDays": 30, "DraftMinutes": 60,
	"Link": "https://t.me/SozialraumBot", "Max": 200, "Topic": "Kinderbetreuung", "Slot": "vormittags",
	"Note": "„kurz“", "Lang": "Deutsch", "Until": "08.12.2026", "Since": "2 Std. 0 Min.",
	// staff catalogues (owned by the broadcast engineer) may use more fields; a
	// missing field renders "<no value>" and is reported below.
}

func TestEveryMessageInEveryLanguage(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de := c.IDs("de")
	if len(de) < 50 {
		t.Fatalf("German catalogue has only %d messages", len(de))
	}
	for _, lang := range i18n.Supported() {
		for _, id := range de {
			if !c.Has(lang, id) {
				t.Errorf("%s: message %q missing", lang, id)
				continue
			}
		}
		for _, id := range c.IDs(lang) {
			if !c.Has("de", id) {
				t.Errorf("%s: message %q is not in the German catalogue", lang, id)
			}
		}
	}
}

// allowedTag matches the tags of Telegram's HTML parse mode used in catalogues.
var allowedTag = regexp.MustCompile(`^</?(b|i|u|s|code|pre|a)( href="[^"]*")?>$`)

// conversationAreas are the <area>.<lang>.toml files whose template fields are
// all in sample (groups, contact cards, the /meinedaten delivery lines).
var conversationAreas = map[string]bool{"group": true, "contact": true, "mydata": true, "callback": true}

// conversationCatalogue loads the conversation's own files (<lang>.toml and the
// conversationAreas), without the others (staff.<lang>.toml, intent.<lang>.toml),
// whose template fields are not known here.
func conversationCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	files, err := filepath.Glob("locales/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		if base := filepath.Base(f); strings.Count(base, ".") != 1 && !conversationAreas[strings.SplitN(base, ".", 2)[0]] {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fsys["l/"+filepath.Base(f)] = &fstest.MapFile{Data: b}
	}
	c, err := i18n.Load(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTemplatesRenderAsTelegramHTML(t *testing.T) {
	c := conversationCatalogue(t)
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, lang := range i18n.Supported() {
		for _, id := range c.IDs("de") {
			s, err := c.Text(lang, id, sample)
			if err != nil {
				t.Errorf("%s/%s: %v", lang, id, err)
				continue
			}
			if s == "" || strings.Contains(s, "<no value>") {
				t.Errorf("%s/%s renders %q", lang, id, s)
			}
			if len([]rune(s)) > 4096 {
				t.Errorf("%s/%s is longer than a Telegram message", lang, id)
			}
			var open []string
			for _, m := range tag.FindAllString(s, -1) {
				if !allowedTag.MatchString(m) {
					t.Errorf("%s/%s: tag %s not allowed", lang, id, m)
					continue
				}
				name := strings.Trim(strings.Fields(strings.Trim(m, "<>/"))[0], "/")
				if strings.HasPrefix(m, "</") {
					if len(open) == 0 || open[len(open)-1] != name {
						t.Errorf("%s/%s: unbalanced %s", lang, id, m)
						break
					}
					open = open[:len(open)-1]
				} else {
					open = append(open, name)
				}
			}
			if len(open) > 0 {
				t.Errorf("%s/%s: unclosed %v", lang, id, open)
			}
			if rest := tag.ReplaceAllString(s, ""); strings.ContainsAny(rest, "<>") {
				t.Errorf("%s/%s: stray < or > in %q", lang, id, rest)
			}
			if amp := regexp.MustCompile(`&[^a-z#]|&$`); amp.MatchString(s) {
				t.Errorf("%s/%s: unescaped & in %q", lang, id, s)
			}
		}
	}
}

func TestTextFallbacks(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de, err := c.Text("de", "ask_place", nil)
	if err != nil || de == "" {
		t.Fatalf("de ask_place = %q, %v", de, err)
	}
	if s, err := c.Text("fr", "ask_place", nil); err != nil || s != de {
		t.Errorf("unsupported language: %q, %v; want German", s, err)
	}
	if s, err := c.Text("en", "no_such_id", nil); err == nil || s != "no_such_id" {
		t.Errorf("unknown id: %q, %v; want the id and an error", s, err)
	}
}

func TestMatch(t *testing.T) {
	tests := map[string]string{
		"": "de", "de": "de", "de-AT": "de", "en": "en", "en-GB": "en", "en_US": "en", "uk": "uk",
		"UK-ua": "uk", "ar": "ar", "ar-SY": "ar", "tr": "tr", "fr": "de", "ru": "de", "zz-garbage-x": "de",
	}
	for in, want := range tests {
		if got := i18n.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}
