package directory

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Parent-facing texts of the data file (today: the offerings) are published in
// German. The file lists the languages the bot offers under "languages"; for
// each one other than German, every such text must carry a curated
// translation, or the language must say "fallback: de" and is then shown in
// German on purpose. Load reports a missing translation as a *FieldError
// naming the entry and the language, like every other problem of the file.
// Place, provider and district names and phone numbers are never translated:
// they are official names a parent needs to say or dial as written.

// SourceLanguage is the language the data file's texts are published in.
const SourceLanguage = "de"

// ErrMissingTranslation: an offered language lacks the translation of a text
// and does not fall back to German.
var ErrMissingTranslation = fmt.Errorf("%w: translation", ErrMissing)

// Language is one language the data file's parent-facing texts are offered in.
type Language struct {
	Code string `json:"code"` // BCP 47 primary tag, e.g. "uk"
	// Fallback is "de" when the language is shown in German on purpose; empty
	// when every text has a curated translation (and for German itself).
	Fallback string `json:"fallback,omitempty"`
}

// Complete reports whether every parent-facing text has a translation into l
// (German, the source, is complete by definition).
func (l Language) Complete() bool { return l.Fallback == "" }

// fileLanguage is one entry of the file's "languages" list.
type fileLanguage struct {
	Code     string `yaml:"code"`
	Fallback string `yaml:"fallback"`
}

// Languages returns the languages of the data file's parent-facing texts,
// German first. A file without a "languages" list offers German only.
func (d *Directory) Languages() []Language { return slices.Clone(d.languages) }

// TextIn returns the offering's text in lang: its curated translation, or the
// German text when there is none (an unknown language, or one that falls back).
func (o Offering) TextIn(lang string) string {
	if t := o.Translations[lang]; t != "" {
		return t
	}
	return o.Text
}

// languages validates the file's "languages" list: German once, other codes
// two or three lower-case letters, each once, fallback only to German.
func (c *collector) languages(fls []fileLanguage) []Language {
	if len(fls) == 0 {
		return []Language{{Code: SourceLanguage}}
	}
	var out []Language
	seen := map[string]bool{}
	for i, fl := range fls {
		path := fmt.Sprintf("$.languages[%d]", i)
		entry := fmt.Sprintf("languages[%d]", i)
		switch {
		case fl.Code == "":
			c.add(path, entry, "code", ErrMissing)
			continue
		case !validLangCode(fl.Code):
			c.add(path+".code", entry, "code", fmt.Errorf("%w: %q is not a two- or three-letter language code", ErrBadValue, fl.Code))
			continue
		case seen[fl.Code]:
			c.add(path+".code", entry, "code", fmt.Errorf("%w: language %q", ErrDuplicate, fl.Code))
			continue
		}
		seen[fl.Code] = true
		switch {
		case fl.Fallback != "" && fl.Code == SourceLanguage:
			c.add(path+".fallback", entry, "fallback", fmt.Errorf("%w: %s is the source language and cannot fall back", ErrBadValue, SourceLanguage))
		case fl.Fallback != "" && fl.Fallback != SourceLanguage:
			c.add(path+".fallback", entry, "fallback", fmt.Errorf("%w: %q; a language can only fall back to %s", ErrBadValue, fl.Fallback, SourceLanguage))
		}
		out = append(out, Language(fl))
	}
	if !seen[SourceLanguage] {
		c.add("$.languages", "languages", "code", fmt.Errorf("%w: %s, the language of the published texts, must be listed", ErrMissing, SourceLanguage))
	}
	// German first, then the file's order.
	slices.SortStableFunc(out, func(a, b Language) int {
		switch {
		case a.Code == SourceLanguage && b.Code != SourceLanguage:
			return -1
		case b.Code == SourceLanguage && a.Code != SourceLanguage:
			return 1
		}
		return 0
	})
	return out
}

// translations validates the translations of one text at path (e.g.
// "$.offerings[2]"): every complete language has a non-empty one, and none is
// for a language the file does not offer, for German, or for a language that
// falls back. It returns a copy of the valid ones.
func (c *collector) translations(path, entry, field string, tr map[string]string, langs []Language) map[string]string {
	offered := map[string]Language{}
	for _, l := range langs {
		offered[l.Code] = l
	}
	for _, code := range slices.Sorted(maps.Keys(tr)) {
		l, ok := offered[code]
		switch {
		case code == SourceLanguage:
			c.add(path+".translations."+code, entry, field+".translations."+code,
				fmt.Errorf("%w: the German text is %s itself, not a translation", ErrBadValue, field))
		case !ok:
			c.add(path+".translations."+code, entry, field+".translations."+code,
				fmt.Errorf("%w: language %q is not in the file's languages", ErrBadValue, code))
		case !l.Complete():
			c.add(path+".translations."+code, entry, field+".translations."+code,
				fmt.Errorf("%w: language %q falls back to %s; drop the fallback or the translation", ErrBadValue, code, l.Fallback))
		}
	}
	at := path // the line of the translations, when there are any
	if len(tr) > 0 {
		at = path + ".translations"
	}
	var out map[string]string
	for _, l := range langs {
		if l.Code == SourceLanguage || !l.Complete() {
			continue
		}
		t := strings.TrimSpace(tr[l.Code])
		if t == "" {
			c.add(at, entry, field+".translations."+l.Code,
				fmt.Errorf("%w into %q missing; add it, or mark the language {code: %s, fallback: %s}", ErrMissingTranslation, l.Code, l.Code, SourceLanguage))
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[l.Code] = t
	}
	return out
}

func validLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
