package directory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseSmall(t *testing.T) {
	d, err := Parse("small.yaml", []byte(readTestdata(t, "small.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(d.Districts()); got != 2 {
		t.Errorf("districts = %d, want 2", got)
	}
	nord, ok := d.District("nord")
	if !ok {
		t.Fatal("district nord missing")
	}
	want := []Phone{
		{Label: "Telefon", Number: "(05193) 975-604", E164: "+495193975604"},
		{Label: "Mobil", Number: "0151-12866299", E164: "+4915112866299", Mobile: true},
	}
	if len(nord.Phones) != 2 || nord.Phones[0] != want[0] || nord.Phones[1] != want[1] {
		t.Errorf("phones = %+v, want %+v", nord.Phones, want)
	}
	if nord.MoreInfoURL != "https://example.org/info" || len(nord.Offerings) != 1 {
		t.Errorf("defaults not applied: %+v", nord)
	}
	if _, ok := d.Place("kleindorf-nordstadt"); !ok {
		t.Error("place kleindorf-nordstadt missing")
	}
	if p, ok := d.Place("suedheim"); !ok || p.Name != "Südheim" {
		t.Errorf("place suedheim = %+v, %v", p, ok)
	}
	if got := strings.Join(d.PostalCodes(), ","); got != "29640,29690" {
		t.Errorf("postal codes = %s", got)
	}
	// Accessors return copies.
	ds := d.Districts()
	ds[0].Phones[0].Number = "changed"
	if n, _ := d.District("nord"); n.Phones[0].Number == "changed" {
		t.Error("Districts shares its slices with the directory")
	}
}

func TestLoadFile(t *testing.T) {
	d, err := LoadFile(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Name() != "small.yaml" {
		t.Errorf("name = %q", d.Name())
	}
	_, err = LoadFile(filepath.Join("testdata", "missing.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want ErrNotExist", err)
	}
}

// TestParseErrors proves that each kind of bad data fails with an error that
// names the file, the entry and the field.
func TestParseErrors(t *testing.T) {
	small := readTestdata(t, "small.yaml")
	tests := []struct {
		name       string
		old, new   string // replace old by new in small.yaml
		want       error
		entry      string
		field      string
		wantInText string
	}{
		{"unknown district", `name: "Kleindorf", kind: ortsteil, municipality: "Nordstadt", district: nord`, `name: "Kleindorf", kind: ortsteil, municipality: "Nordstadt", district: west`,
			ErrUnknownDistrict, `places[1] "Kleindorf"`, "district", `"west"`},
		{"place without district", `name: "Ohnekoord", kind: ortsteil, municipality: "Nordstadt", district: nord,`, `name: "Ohnekoord", kind: ortsteil, municipality: "Nordstadt",`,
			ErrMissing, `places[2] "Ohnekoord"`, "district", "without district"},
		{"duplicate place id", `name: "Kleindorf", kind: ortsteil, municipality: "Südheim"`, `name: "Kleindorf", kind: ortsteil, municipality: "Nordstadt"`,
			ErrDuplicate, `places[4] "Kleindorf"`, "id", "kleindorf-nordstadt"},
		{"duplicate district id", "  - id: sued", "  - id: nord",
			ErrDuplicate, `districts[1] "nord"`, "id", `"nord"`},
		{"unparsable phone", `"(05193) 975-604"`, `"(05193) 97x-604"`,
			ErrBadPhone, `districts[0] "nord"`, "phones[0].number", `'x'`},
		{"phone without area code", `"(05193) 975-604"`, `"975604"`,
			ErrBadPhone, `districts[0] "nord"`, "phones[0].number", "area code"},
		{"e164 mismatch", `e164: "+495161487272"`, `e164: "+495161487273"`,
			ErrBadPhone, `districts[1] "sued"`, "phones[0].e164", "does not match"},
		{"latitude out of county", "lat: 53.15, lon: 9.90", "lat: 51.15, lon: 9.90",
			ErrBadCoordinates, `places[1] "Kleindorf"`, "lat", "51.15"},
		{"longitude out of county", "lat: 53.15, lon: 9.90", "lat: 53.15, lon: 19.90",
			ErrBadCoordinates, `places[1] "Kleindorf"`, "lon", "19.9"},
		{"lat without lon", "lat: 53.15, lon: 9.90", "lat: 53.15",
			ErrBadCoordinates, `places[1] "Kleindorf"`, "lon", "lat without lon"},
		{"outside coordinates", "lat: 52.62, lon: 10.08", "lat: 152.62, lon: 10.08",
			ErrBadCoordinates, `outside[0] "Fernstadt"`, "lat", "152.62"},
		{"bad postal code", `postal_codes: ["29690", "29640"]`, `postal_codes: ["2969", "29640"]`,
			ErrBadPostalCode, `places[3] "Südheim"`, "postal_codes", `"2969"`},
		{"no postal code", `postal_codes: ["29690", "29640"]`, `postal_codes: []`,
			ErrMissing, `places[3] "Südheim"`, "postal_codes", "missing"},
		{"bad explicit id", `{name: "Ohnekoord",`, `{id: "Ohne Koord", name: "Ohnekoord",`,
			ErrBadID, `places[2] "Ohnekoord"`, "id", `"Ohne Koord"`},
		{"unknown municipality", `name: "Ohnekoord", kind: ortsteil, municipality: "Nordstadt"`, `name: "Ohnekoord", kind: ortsteil, municipality: "Nirgendwo"`,
			ErrBadValue, `places[2] "Ohnekoord"`, "municipality", `"Nirgendwo"`},
		{"bad kind", `name: "Ohnekoord", kind: ortsteil`, `name: "Ohnekoord", kind: weiler`,
			ErrBadValue, `places[2] "Ohnekoord"`, "kind", `"weiler"`},
		{"missing provider", `    provider: "Träger Süd"` + "\n", "",
			ErrMissing, `districts[1] "sued"`, "provider", "missing"},
		{"offering without id", `{id: counselling, text: "Beratung"}`, `{text: "Beratung"}`,
			ErrMissing, "offerings", "offerings[0].id", ""},
		{"bad offering id", `{id: counselling,`, `{id: "Beratung!",`,
			ErrBadID, "offerings", "offerings[0].id", `"Beratung!"`},
		{"offering without text", `{id: counselling, text: "Beratung"}`, `{id: counselling}`,
			ErrMissing, "offerings", "offerings[0].text", ""},
		{"duplicate outside town", `{name: "Ohneort"`, `{name: "Fernstadt"`,
			ErrDuplicate, `outside[1] "Fernstadt"`, "name", "outside[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(small, tt.old) {
				t.Fatalf("fixture does not contain %q", tt.old)
			}
			data := strings.Replace(small, tt.old, tt.new, 1)
			_, err := Parse("broken.yaml", []byte(data))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err %v is not a *FieldError", err)
			}
			found := false
			for _, e := range flatten(err) {
				if errors.As(e, &fe) && errors.Is(e, tt.want) && fe.Entry == tt.entry && fe.Field == tt.field {
					found = true
					if fe.File != "broken.yaml" || fe.Line <= 0 {
						t.Errorf("file/line = %q/%d", fe.File, fe.Line)
					}
					msg := fe.Error()
					for _, part := range []string{"broken.yaml:", tt.entry, tt.field, tt.wantInText} {
						if !strings.Contains(msg, part) {
							t.Errorf("message %q lacks %q", msg, part)
						}
					}
				}
			}
			if !found {
				t.Errorf("no error for entry %s field %s in:\n%v", tt.entry, tt.field, err)
			}
		})
	}
}

// flatten unpacks errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := map[string]string{
		"yaml syntax":   "districts: [\n",
		"unknown field": strings.Replace(readTestdata(t, "small.yaml"), "provider: \"Träger Nord\"", "provider: \"Träger Nord\"\n    providr: x", 1),
		"wrong type":    strings.Replace(readTestdata(t, "small.yaml"), `lat: 53.10`, `lat: north`, 1),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("broken.yaml", []byte(data))
			if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "broken.yaml: ") {
				t.Errorf("err = %v, want ErrSyntax naming the file", err)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	_, err := Parse("empty.yaml", nil)
	if !errors.Is(err, ErrMissing) {
		t.Errorf("err = %v, want ErrMissing", err)
	}
}

// The YAML library panics on some malformed input (found by config's FuzzLoad);
// Parse must report it as a syntax error instead.
func TestParseSurvivesParserPanic(t *testing.T) {
	for _, in := range []string{
		"districts:\n ! #00000000000000000000000",
		"places:\n ! #00000000000000000000000",
	} {
		_, err := Parse("broken.yaml", []byte(in))
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", in, err)
		}
	}
}

// TestYouthOfficePhoneValidated: a youth office number must parse like a
// provider's; an empty one is allowed (no verified number known).
func TestYouthOfficePhoneValidated(t *testing.T) {
	base := string(Embedded())
	const empty = `    phone: ""`
	if !strings.Contains(base, empty) {
		t.Fatal("fixture: youth_office.phone not in the embedded file")
	}
	if _, err := Parse("ok.yaml", []byte(strings.Replace(base, empty, `    phone: "(05162) 12345"`, 1))); err != nil {
		t.Errorf("valid number rejected: %v", err)
	}
	_, err := Parse("bad.yaml", []byte(strings.Replace(base, empty, `    phone: "12x"`, 1)))
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "youth_office.phone") {
		t.Errorf("invalid number: err = %v, want a FieldError naming youth_office.phone", err)
	}
}
