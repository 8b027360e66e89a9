package directory

import (
	"math"
	"strings"
	"testing"
)

func TestNearestFixture(t *testing.T) {
	d, err := LoadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		lat, lon     float64
		inside       bool
		place        string // Place.ID when inside
		outside      string // outside town when not inside
		maxKm, minKm float64
	}{
		{"on a village", 53.15, 9.90, true, "kleindorf-nordstadt", "", 0.01, 0},
		{"between villages", 53.12, 9.84, true, "nordstadt", "", 5, 1},
		{"south", 52.66, 9.56, true, "kleindorf-suedheim", "", 2, 0},
		{"next to an outside town, in the box", 52.62, 10.07, false, "", "Fernstadt", 1, 0},
		{"far outside the county", 53.55, 9.99, false, "", "Fernstadt", 150, 90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := d.Nearest(tt.lat, tt.lon)
			if n.Inside != tt.inside {
				t.Fatalf("Inside = %v (%+v), want %v", n.Inside, n, tt.inside)
			}
			if tt.inside {
				if n.Place == nil || n.Place.ID != tt.place || n.Outside != nil {
					t.Fatalf("Place = %+v, want %s", n.Place, tt.place)
				}
			} else if n.Place != nil || n.Outside == nil || n.Outside.Name != tt.outside {
				t.Fatalf("Nearby = %+v, want outside %s", n, tt.outside)
			}
			if n.DistanceKm > tt.maxKm || n.DistanceKm < tt.minKm {
				t.Errorf("DistanceKm = %.2f, want %.2f..%.2f", n.DistanceKm, tt.minKm, tt.maxKm)
			}
		})
	}
	for _, bad := range [][2]float64{{math.NaN(), 9.9}, {91, 0}, {0, 181}} {
		if n := d.Nearest(bad[0], bad[1]); n.Place != nil || n.Outside != nil || n.Inside {
			t.Errorf("Nearest(%v) = %+v, want nothing", bad, n)
		}
	}
}

func TestNearestWithoutCoordinates(t *testing.T) {
	// Places without coordinates are skipped; with none at all there is no answer.
	var b strings.Builder
	for _, line := range strings.Split(readTestdata(t, "small.yaml"), "\n") {
		if i := strings.Index(line, ", lat:"); i >= 0 {
			j := strings.Index(line[i:], ", source:")
			if j < 0 {
				j = strings.Index(line[i:], "}")
			}
			line = line[:i] + line[i+j:]
		}
		b.WriteString(line + "\n")
	}
	d, err := Parse("nocoords.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Nearest(53.15, 9.90); n.Place != nil || n.Outside != nil || n.Inside {
		t.Errorf("Nearest without coordinates = %+v", n)
	}
}

func TestNearestDefault(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		name     string
		lat, lon float64
		district string // "" = outside
		outside  string
	}{
		{"Soltau centre", 52.9864, 9.8434, "soltau-wietzendorf", ""},
		{"Walsrode centre", 52.8615, 9.5926, "walsrode", ""},
		{"Schwarmstedt", 52.6772, 9.6164, "ahlden-rethem-schwarmstedt", ""},
		{"Celle", 52.6226, 10.0805, "", "Celle"},
		{"Hamburg", 53.5506, 9.9933, "", "Hamburg"},
	}
	for _, tt := range tests {
		n := d.Nearest(tt.lat, tt.lon)
		switch {
		case tt.district != "" && (!n.Inside || n.Place == nil || n.Place.District != tt.district):
			t.Errorf("%s: %+v, want inside %s", tt.name, n, tt.district)
		case tt.district == "" && (n.Inside || n.Outside == nil || n.Outside.Name != tt.outside):
			t.Errorf("%s: %+v, want outside %s", tt.name, n, tt.outside)
		}
	}
}
