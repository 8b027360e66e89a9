package directory

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestEmbeddedBoundaries(t *testing.T) {
	shapes, err := parseBoundaries(embeddedBoundaries)
	if err != nil {
		t.Fatal(err)
	}
	d := mustDefault(t)
	if len(d.shapes) != len(shapes) || len(shapes) != 23 {
		t.Fatalf("%d outlines in the file, %d in use; want the 23 municipalities", len(shapes), len(d.shapes))
	}
	// Every place with its own coordinate lies in its municipality's outline.
	for _, p := range d.places {
		if strings.Contains(p.Source, "not found") || !p.HasCoordinates() {
			continue
		}
		if m, _, _ := locate(d.shapes, project(p.Lat, p.Lon)); m != p.Municipality {
			t.Errorf("%s (%s, %.5f, %.5f) lies in %q", p.Name, p.Municipality, p.Lat, p.Lon, m)
		}
	}
	// No outside town lies in the county.
	for _, o := range d.outside {
		if o.Lat == 0 && o.Lon == 0 {
			continue
		}
		if m, _, _ := locate(d.shapes, project(o.Lat, o.Lon)); m != "" {
			t.Errorf("outside town %s lies in %s", o.Name, m)
		}
	}
	if !strings.Contains(string(embeddedBoundaries), "© GeoBasis-DE / BKG") {
		t.Error("the boundary file lost its attribution")
	}
}

// unproject turns projected kilometres back into lat, lon.
func unproject(p orb.Point) (lat, lon float64) {
	return projLat0 + p[1]/kmPerDegLat, projLon0 + p[0]/kmPerDegLon
}

// borderPoints returns, for every edge of a's outline, the points off kmOff
// kilometres either side of its middle, with the shape each side lies in by
// the outlines themselves ("" outside the county).
type borderCase struct {
	lat, lon   float64
	want, edge string // the municipality the point lies in; the one across the edge
}

func borderCases(shapes []shape, kmOff float64) []borderCase {
	var out []borderCase
	for _, a := range shapes {
		for _, poly := range a.poly {
			ring := poly[0]
			for i := 0; i+1 < len(ring); i++ {
				p, q := ring[i], ring[i+1]
				dx, dy := q[0]-p[0], q[1]-p[1]
				l := math.Hypot(dx, dy)
				if l < 1 {
					continue // too short to have a clear side
				}
				m := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
				n := orb.Point{-dy / l * kmOff, dx / l * kmOff}
				side := func(s float64) (orb.Point, string) {
					pt := orb.Point{m[0] + s*n[0], m[1] + s*n[1]}
					for _, sh := range shapes {
						if planar.MultiPolygonContains(sh.poly, pt) {
							return pt, sh.name
						}
					}
					return pt, ""
				}
				p1, in1 := side(1)
				p2, in2 := side(-1)
				if in1 == in2 || (in1 != a.name && in2 != a.name) {
					continue // a corner: both sides in one municipality
				}
				lat1, lon1 := unproject(p1)
				lat2, lon2 := unproject(p2)
				out = append(out, borderCase{lat1, lon1, in1, in2}, borderCase{lat2, lon2, in2, in1})
			}
		}
	}
	return out
}

// TestNearestByBoundary: points 1.5 km either side of the municipal and
// county borders are decided by the outlines: the district of the
// municipality they lie in, a place of that municipality, or outside.
func TestNearestByBoundary(t *testing.T) {
	d := mustDefault(t)
	districtOf := map[string]string{}
	for _, p := range d.places {
		if IsMunicipality(p.Kind) {
			districtOf[p.Name] = p.District
		}
	}
	cases := borderCases(d.shapes, 1.5)
	if len(cases) < 100 {
		t.Fatalf("only %d border points", len(cases))
	}
	var inner, outer int
	for _, c := range cases {
		if _, edge, _ := locate(d.shapes, project(c.lat, c.lon)); edge <= edgeKm {
			continue // near another edge as well
		}
		n := d.Nearest(c.lat, c.lon)
		if !n.Boundary {
			t.Errorf("%.5f,%.5f (in %q, across %q): not decided by the outlines", c.lat, c.lon, c.want, c.edge)
			continue
		}
		if c.want == "" {
			outer++
			if n.Inside || n.Place != nil {
				t.Errorf("%.5f,%.5f outside the county, across from %s: inside at %v", c.lat, c.lon, c.edge, n.Place)
			}
			continue
		}
		inner++
		if !n.Inside || n.Place == nil || n.Place.Municipality != c.want || n.Place.District != districtOf[c.want] {
			t.Errorf("%.5f,%.5f in %s (across %q): got %+v", c.lat, c.lon, c.want, c.edge, n.Place)
		}
	}
	t.Logf("%d points inside next to a border, %d outside next to the county border", inner, outer)
	if inner < 50 || outer < 50 {
		t.Errorf("too few border points checked: %d inside, %d outside", inner, outer)
	}
}

// TestNearestNearOutline: within edgeKm of an outline the nearest place
// decides (the outlines are simplified), among the municipalities there.
func TestNearestNearOutline(t *testing.T) {
	d := mustDefault(t)
	for _, c := range borderCases(d.shapes, 0.3)[:40] {
		n := d.Nearest(c.lat, c.lon)
		if n.Boundary {
			t.Errorf("%.5f,%.5f, 0.3 km from the edge of %s: decided by the outline", c.lat, c.lon, c.want)
		}
		_, _, near := locate(d.shapes, project(c.lat, c.lon))
		if n.Place != nil && !slices.Contains(near, n.Place.Municipality) {
			t.Errorf("%.5f,%.5f: place %s of %s, not of the municipalities around %v", c.lat, c.lon, n.Place.Name, n.Place.Municipality, near)
		}
	}
}

func TestNearestKnownPoints(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		name     string
		lat, lon float64
		district string // "" for outside
		boundary bool
	}{
		{"Hamburg", 53.55, 10.0, "", true},
		{"Celle", 52.6175, 10.085, "", true},
		{"Soltau centre", 52.9864, 9.8434, "soltau-wietzendorf", true},
		{"Schneverdingen centre", 53.1168, 9.7952, "schneverdingen-neuenkirchen", true},
		{"Walsrode centre", 52.8615, 9.5926, "walsrode", true},
		{"Munster centre", 52.9857, 10.0876, "munster-bispingen", true},
		// Villages within edgeKm of an outline: the nearest place decides.
		{"Wintermoor", 53.18472, 9.79444, "schneverdingen-neuenkirchen", false},
		{"Oerbke", 52.85278, 9.73, "bad-fallingbostel-osterheide", false},
	}
	for _, tt := range tests {
		n := d.Nearest(tt.lat, tt.lon)
		got := ""
		if n.Inside && n.Place != nil {
			got = n.Place.District
		}
		if got != tt.district || n.Boundary != tt.boundary {
			t.Errorf("%s: district %q (boundary %v), want %q (%v)", tt.name, got, n.Boundary, tt.district, tt.boundary)
		}
	}
}

// TestBoundariesOnlyForTheirMunicipalities: a directory of other places (the
// small test file) has no outlines and decides by the nearest place.
func TestBoundariesOnlyForTheirMunicipalities(t *testing.T) {
	d, err := LoadFile(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if d.shapes != nil {
		t.Fatal("outlines used for a directory of other municipalities")
	}
	if n := d.Nearest(53.10, 9.80); n.Boundary || !n.Inside || n.Place.Name != "Nordstadt" {
		t.Errorf("Nearest = %+v", n)
	}
}

func TestParseBoundariesErrors(t *testing.T) {
	tests := map[string]string{
		"not json":       "{",
		"not a fc":       `{"type":"Feature"}`,
		"polygon":        `{"type":"FeatureCollection","features":[{"properties":{"name":"X"},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
		"no name":        `{"type":"FeatureCollection","features":[{"properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`,
		"short ring":     `{"type":"FeatureCollection","features":[{"properties":{"name":"X"},"geometry":{"type":"MultiPolygon","coordinates":[[[[9,52],[9.1,52],[9,52]]]]}}]}`,
		"one coordinate": `{"type":"FeatureCollection","features":[{"properties":{"name":"X"},"geometry":{"type":"MultiPolygon","coordinates":[[[[9],[9.1,52],[9,52.1],[9,52]]]]}}]}`,
	}
	for name, data := range tests {
		if _, err := parseBoundaries([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		} else if name != "not json" && !errors.Is(err, ErrBadValue) && !errors.Is(err, ErrBadCoordinates) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
