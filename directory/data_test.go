package directory

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

var sharedData = filepath.Join("..", "..", "shared", "data")

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

	// The same facts as the shared districts.yaml, when present.
	raw, err := os.ReadFile(filepath.Join(sharedData, "districts.yaml"))
	if os.IsNotExist(err) {
		t.Skip("shared districts.yaml not present")
	}
	if err != nil {
		t.Fatal(err)
	}
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
	f, err := os.Open(filepath.Join(sharedData, "places.csv"))
	if os.IsNotExist(err) {
		t.Skip("shared places.csv not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
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
	if len(d.Places()) < len(rows)-1 {
		t.Errorf("%d places, reference has %d", len(d.Places()), len(rows)-1)
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
