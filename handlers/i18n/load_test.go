package i18n_test

import (
	"testing"
	"testing/fstest"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// Files named <area>.<lang>.toml (e.g. the staff dialogue's) load beside <lang>.toml.
func TestLoadAreaFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"l/de.toml":       {Data: []byte(`hello = "Hallo"`)},
		"l/en.toml":       {Data: []byte(`hello = "Hello"`)},
		"l/staff.de.toml": {Data: []byte(`staff_hello = "Hallo Team"`)},
		"l/staff.ar.toml": {Data: []byte(`staff_hello = "مرحبا"`)},
	}
	c, err := i18n.Load(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ lang, id, want string }{
		{"de", "staff_hello", "Hallo Team"},
		{"ar", "staff_hello", "مرحبا"},
		{"en", "staff_hello", "Hallo Team"}, // falls back to German
		{"en", "hello", "Hello"},
		{"ar", "hello", "Hallo"},
	} {
		if got, err := c.Text(tt.lang, tt.id, nil); err != nil || got != tt.want {
			t.Errorf("Text(%s, %s) = %q, %v; want %q", tt.lang, tt.id, got, err, tt.want)
		}
	}
	if !c.Has("ar", "staff_hello") || c.Has("en", "staff_hello") {
		t.Errorf("Has does not reflect the files")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := i18n.Load(fstest.MapFS{"l/en.toml": {Data: []byte(`a = "b"`)}}, "l"); err == nil {
		t.Error("no German catalogue: want an error")
	}
	if _, err := i18n.Load(fstest.MapFS{"l/de.toml": {Data: []byte(`a = `)}}, "l"); err == nil {
		t.Error("broken TOML: want an error")
	}
}
