// Package i18n holds the conversation's message catalogues (German first, plus
// English, Ukrainian, Arabic and Turkish) as embedded TOML files read with
// github.com/nicksnyder/go-i18n/v2, and the helpers for right-to-left text.
//
// Messages are Go text/template strings in Telegram's HTML parse mode: literal
// markup such as <b> is allowed in the catalogue, and every value passed in the
// template data must already be HTML-escaped by the caller.
package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language every message exists in and the fallback for all others.
const Default = "de"

// supported lists the languages with a catalogue, in the order offered to users.
var supported = []string{"de", "en", "uk", "ar", "tr"}

// Supported returns the languages with a catalogue, German first.
func Supported() []string { return slices.Clone(supported) }

//go:embed locales/*.toml
var locales embed.FS

// Catalogue translates message ids. It is safe for concurrent use.
type Catalogue struct {
	bundle *goi18n.Bundle
	locs   map[string]*goi18n.Localizer
	ids    map[string]map[string]bool // lang -> message ids
}

// New loads the embedded catalogues (every locales/*.<lang>.toml and <lang>.toml).
func New() (*Catalogue, error) {
	return Load(locales, "locales")
}

// Load reads every *.toml file in dir of fsys. A file's language is the last
// dot-separated part of its name before ".toml" ("de.toml", "staff.de.toml").
func Load(fsys fs.FS, dir string) (*Catalogue, error) {
	b := goi18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, fmt.Errorf("i18n: listing catalogues: %w", err)
	}
	c := &Catalogue{bundle: b, locs: map[string]*goi18n.Localizer{}, ids: map[string]map[string]bool{}}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: loading %s: %w", f, err)
		}
		lang := Match(mf.Tag.String())
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
	}
	if len(c.ids[Default]) == 0 {
		return nil, fmt.Errorf("i18n: no %s catalogue in %s", Default, dir)
	}
	for _, l := range supported {
		c.locs[l] = goi18n.NewLocalizer(b, l, Default)
	}
	return c, nil
}

// Text renders message id in lang with data (values already HTML-escaped). A
// message missing in lang falls back to German; an error is returned when the id
// is unknown or its template fails, together with the best text available (the
// German one or the id itself), so callers may log and still send something.
func (c *Catalogue) Text(lang, id string, data map[string]any) (string, error) {
	loc, ok := c.locs[Match(lang)]
	if !ok {
		loc = c.locs[Default]
	}
	s, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	var notFound *goi18n.MessageNotFoundErr
	if errors.As(err, &notFound) && s != "" {
		err = nil // found in the German fallback
	}
	if err != nil {
		if s == "" {
			s = id
		}
		return s, fmt.Errorf("i18n: %s/%s: %w", lang, id, err)
	}
	return s, nil
}

// IDs lists the message ids of a language's catalogue, sorted.
func (c *Catalogue) IDs(lang string) []string {
	ids := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Has reports whether lang's own catalogue (without fallback) has message id.
func (c *Catalogue) Has(lang, id string) bool {
	return c.ids[lang][id]
}

// Match maps an IETF language tag ("de-AT", "uk", "ar-EG", "en_US") to a supported
// language, German when none fits.
func Match(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(tag, "_", "-")))
	base, _, _ := strings.Cut(tag, "-")
	if slices.Contains(supported, base) {
		return base
	}
	return Default
}
