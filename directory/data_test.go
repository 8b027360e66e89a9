package directory

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// referenceData is a copy of the project's shared reference data (see
// testdata/README.md); the tests must not reach outside the module.
var referenceData = "testdata"

// readReference reads a reference file; it belongs to the repository, so a
// missing one fails the test.
func readReference(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(referenceData, name))
	if err != nil {
		t.Fatalf("reference data file missing from the repository: %v", err)
	}
	return raw
}

// readReferenceCSV reads a reference CSV file without its header line.
func readReferenceCSV(t *testing.T, name string, columns int) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(readReference(t, name)))
	r.FieldsPerRecord = columns
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s has no rows", name)
	}
	return rows[1:]
}

// TestEmbeddedDistricts checks the six districts against the published facts.
func TestEmbeddedDistricts(t *testing.T) {
	d := mustDefault(t)
	wantIDs := []string{sn, mb, sw, bo, wa, ar}
	var ids []string
	for _, x := range d.Districts() {
		ids = append(ids, x.ID)
		if x.Provider == "" || len(x.Phones) == 0 || len(x.Offerings) == 0 || x.MoreInfoURL == "" {
			t.Errorf("district %s incomplete: %+v", x.ID, x)
		}
		for _, p := range x.Phones {
			if !strings.HasPrefix(p.E164, "+49") || p.Mobile != (p.Label == "Mobil") {
				t.Errorf("district %s phone %+v", x.ID, p)
			}
		}
	}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("district ids = %v, want %v", ids, wantIDs)
	}
	p := d.Programme()
	if p.Short != "Sozialraumarbeit" || p.MoreInfoURL == "" || p.SourceDate == "" {
		t.Errorf("programme = %+v", p)
	}
	wa, _ := d.District("walsrode")
	if wa.Phones[0].Number != "(05161) 487272" || wa.Phones[0].E164 != "+495161487272" || wa.Phones[1].E164 != "+491715649867" {
		t.Errorf("walsrode phones = %+v", wa.Phones)
	}

	// The same facts as the reference districts.yaml.
	raw := readReference(t, "districts.yaml")
	var ref struct {
		Districts []struct {
			ID       string `yaml:"id"`
			Name     string `yaml:"name"`
			Provider string `yaml:"provider"`
			Phones   []struct {
				Label  string `yaml:"label"`
				Number string `yaml:"number"`
			} `yaml:"phones"`
		} `yaml:"districts"`
	}
	if err := yaml.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Districts) != len(d.Districts()) {
		t.Fatalf("reference has %d districts, the data file %d", len(ref.Districts), len(d.Districts()))
	}
	for i, r := range ref.Districts {
		x := d.Districts()[i]
		if x.ID != r.ID || x.Name != r.Name || x.Provider != r.Provider || len(x.Phones) != len(r.Phones) {
			t.Errorf("district %d = %s %q %q, reference %s %q %q", i, x.ID, x.Name, x.Provider, r.ID, r.Name, r.Provider)
			continue
		}
		for j, p := range r.Phones {
			if x.Phones[j].Label != p.Label || x.Phones[j].Number != p.Number {
				t.Errorf("district %s phone %d = %+v, reference %+v", x.ID, j, x.Phones[j], p)
			}
		}
	}
}

// TestEmbeddedPlaces checks that every place of the shared reference list is
// in the data file with the same district and postal codes, and that ids fit.
func TestEmbeddedPlaces(t *testing.T) {
	d := mustDefault(t)
	for _, p := range d.Places() {
		if !validID(p.ID) || len(p.ID) > 40 {
			t.Errorf("bad id %q", p.ID)
		}
		if p.Source == "" {
			t.Errorf("place %s without source", p.ID)
		}
	}
	rows := readReferenceCSV(t, "places.csv", 6)
	for _, r := range rows {
		name, muni, district, codes := r[0], r[2], r[3], strings.Split(r[4], "|")
		p, ok := d.Place(placeID(name, muni))
		if !ok {
			t.Errorf("place %s (%s) missing", name, muni)
			continue
		}
		if p.Name != name || p.District != district || !slices.Equal(p.PostalCodes, codes) {
			t.Errorf("place %s = %+v, reference %v", p.ID, p, r)
		}
	}
	if len(d.Places()) < len(rows) {
		t.Errorf("%d places, reference has %d", len(d.Places()), len(rows))
	}
}

// TestEmbeddedNeighbours checks that every town of the reference list of
// neighbours is an outside town of the data file, in the same county, and is
// answered as outside (Münster excepted: people from Munster write it so).
func TestEmbeddedNeighbours(t *testing.T) {
	d := mustDefault(t)
	outside := map[string]OutsidePlace{}
	for _, o := range d.Outside() {
		outside[o.Name] = o
	}
	for _, r := range readReferenceCSV(t, "neighbours.csv", 3) {
		name, county := r[0], r[1]
		o, ok := outside[name]
		if !ok {
			t.Errorf("neighbour %s (%s) is not an outside town of the data file", name, county)
			continue
		}
		if o.County != county {
			t.Errorf("neighbour %s: county %q, reference %q", name, o.County, county)
		}
		if name == "Münster" {
			continue
		}
		if res := d.Resolve(name); res.Status != StatusOutside {
			t.Errorf("Resolve(%q) = %s, want outside", name, res.Status)
		}
	}
}

// TestEmbeddedNamesDistinct: no spelling names places in two districts
// without the resolver noticing. Such names exist (the resolver asks back);
// this lists them so a data change that adds one is seen.
func TestEmbeddedNamesDistinct(t *testing.T) {
	d := mustDefault(t)
	var shared []string
	for _, k := range d.idx.keys {
		ds := map[string]bool{}
		for _, e := range k.entries {
			if e.place >= 0 {
				ds[d.places[e.place].District] = true
			}
		}
		if len(ds) > 1 {
			shared = append(shared, k.s)
		}
	}
	t.Logf("names shared by places in different districts: %v", shared)
	for _, s := range shared {
		if r := d.Resolve(s); r.Status != StatusAmbiguous {
			t.Errorf("%q names places in several districts but resolves to %s", s, r.Status)
		}
	}
}
