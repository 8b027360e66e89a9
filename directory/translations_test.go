package directory

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTranslationsLoaded(t *testing.T) {
	d, err := LoadFile(filepath.Join("testdata", "translated.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Language{{Code: "de"}, {Code: "en"}, {Code: "uk"}, {Code: "tr", Fallback: "de"}}
	if got := d.Languages(); !slices.Equal(got, want) {
		t.Errorf("languages = %+v, want %+v", got, want)
	}
	nord, _ := d.District("nord")
	tests := []struct {
		lang, want string
	}{
		{"de", "Kinderbetreuung"},
		{"en", "Childcare"},
		{"uk", "Догляд за дітьми"},
		{"tr", "Kinderbetreuung"}, // falls back on purpose
		{"ar", "Kinderbetreuung"}, // not offered: German
		{"", "Kinderbetreuung"},
	}
	for _, tt := range tests {
		if got := nord.Offerings[1].TextIn(tt.lang); got != tt.want {
			t.Errorf("TextIn(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	// District returns a copy: changing it leaves the directory alone.
	nord.Offerings[1].Translations["uk"] = "changed"
	if again, _ := d.District("nord"); again.Offerings[1].TextIn("uk") != "Догляд за дітьми" {
		t.Error("District shares the translations map")
	}
}

// TestTranslationMissingFixture: the broken fixture fails to load with an
// error naming file, line, entry and the missing language.
func TestTranslationMissingFixture(t *testing.T) {
	_, err := LoadFile(filepath.Join("testdata", "translation-missing.yaml"))
	if !errors.Is(err, ErrMissingTranslation) || !errors.Is(err, ErrMissing) {
		t.Fatalf("err = %v, want ErrMissingTranslation", err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err %v is not a *FieldError", err)
	}
	if fe.File != "translation-missing.yaml" || fe.Line != 15 || fe.Entry != "offerings" || fe.Field != "offerings[1].translations.uk" {
		t.Errorf("error at %s:%d %s %s, want translation-missing.yaml:15 offerings offerings[1].translations.uk", fe.File, fe.Line, fe.Entry, fe.Field)
	}
	if msg := err.Error(); !strings.Contains(msg, `"uk"`) || !strings.Contains(msg, "fallback: de") {
		t.Errorf("message %q does not say which language and how to fall back", msg)
	}
}

func TestTranslationValidation(t *testing.T) {
	base := readTestdata(t, "translated.yaml")
	tests := []struct {
		name, old, new string
		want           error
		field          string
	}{
		{"missing translation", `{en: "Advice", uk: "Консультації"}`, `{en: "Advice"}`,
			ErrMissingTranslation, "offerings[0].translations.uk"},
		{"blank translation", `uk: "Консультації"`, `uk: "  "`,
			ErrMissingTranslation, "offerings[0].translations.uk"},
		{"language not offered", `{en: "Advice", uk: "Консультації"}`, `{en: "Advice", uk: "Консультації", ar: "استشارة"}`,
			ErrBadValue, "offerings[0].translations.ar"},
		{"translation for a fallback language", `{en: "Advice", uk: "Консультації"}`, `{en: "Advice", uk: "Консультації", tr: "Danışmanlık"}`,
			ErrBadValue, "offerings[0].translations.tr"},
		{"German as translation", `{en: "Advice", uk: "Консультації"}`, `{en: "Advice", uk: "Консультації", de: "Beratung"}`,
			ErrBadValue, "offerings[0].translations.de"},
		{"fallback to other than German", `{code: tr, fallback: de}`, `{code: tr, fallback: en}`,
			ErrBadValue, "fallback"},
		{"German falls back", `{code: de}`, `{code: de, fallback: de}`,
			ErrBadValue, "fallback"},
		{"German not listed", `[{code: de}, {code: en}`, `[{code: en}`,
			ErrMissing, "code"},
		{"bad code", `{code: en}`, `{code: English}`,
			ErrBadValue, "code"},
		{"duplicate code", `{code: uk}, {code: tr`, `{code: uk}, {code: uk}, {code: tr`,
			ErrDuplicate, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("fixture lacks %q", tt.old)
			}
			_, err := Parse("broken.yaml", []byte(strings.Replace(base, tt.old, tt.new, 1)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			found := false
			for _, e := range flatten(err) {
				var fe *FieldError
				if errors.As(e, &fe) && errors.Is(e, tt.want) && fe.Field == tt.field {
					found = true
					if fe.Line <= 0 {
						t.Errorf("no line in %v", fe)
					}
				}
			}
			if !found {
				t.Errorf("no %v error for field %s in:\n%v", tt.want, tt.field, err)
			}
		})
	}
}

// TestEmbeddedTranslationsComplete: the embedded file offers the bot's five
// languages, each translated (none falls back), and every text differs from
// the German one except where the language is German.
func TestEmbeddedTranslationsComplete(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range d.Languages() {
		codes = append(codes, l.Code)
		if !l.Complete() {
			t.Errorf("language %s falls back to %s", l.Code, l.Fallback)
		}
	}
	if want := []string{"de", "en", "uk", "ar", "tr"}; !slices.Equal(codes, want) {
		t.Errorf("languages = %v, want %v", codes, want)
	}
	ids := []string{"family-counselling", "childcare", "projects", "child-protection", "low-threshold-counselling", "information-events"}
	for _, dist := range d.Districts() {
		var got []string
		for _, o := range dist.Offerings {
			got = append(got, o.ID)
			for _, lang := range codes[1:] {
				if tr := o.TextIn(lang); tr == o.Text {
					t.Errorf("%s %s: %s text is the German one", dist.ID, o.ID, lang)
				}
			}
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%s offerings = %v, want %v", dist.ID, got, ids)
		}
	}
	// The release's wording: the providers' professionals offer the
	// low-threshold counselling; no programme language for parents.
	dist, _ := d.District("walsrode")
	for _, o := range dist.Offerings {
		if strings.Contains(o.Text, "Aufmerksamkeit") || strings.Contains(o.Text, "für Fachkräfte") {
			t.Errorf("offering %s drifts from the release: %q", o.ID, o.Text)
		}
	}
}
