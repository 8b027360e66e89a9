package directory

// Municipal boundaries for shared locations.
//
// data/boundaries.geojson holds the outlines of the county's 23 municipalities
// from the Federal Agency for Cartography and Geodesy's VG5000 (Gemeinden,
// 01.01.2021; © GeoBasis-DE / BKG 2021, Datenlizenz Deutschland – Namensnennung
// – 2.0; cut to the Heidekreis and reprojected to WGS84). Districts are made of
// whole municipalities, so the municipality a point lies in decides its
// district. VG5000 is drawn for 1:5,000,000: its lines are simplified (a
// vertex every one to three kilometres; the areas are within a few percent of
// the official ones), so a point closer than edgeKm to an outline is decided
// the old way, by the nearest place among the municipalities around it, with a
// distance limit. Point in polygon and distance to an outline are
// github.com/paulmach/orb's planar functions on coordinates projected to
// kilometres around the county's middle.

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

//go:embed data/boundaries.geojson
var embeddedBoundaries []byte

// edgeKm is how close to a simplified outline a point is decided by the
// nearest place instead of by the outline.
const edgeKm = 1.0

// Projection: kilometres east and north of a point in the middle of the county.
const (
	projLat0, projLon0 = 52.9, 9.8
	kmPerDegLat        = 110.574
)

var kmPerDegLon = 111.320 * math.Cos(projLat0*math.Pi/180)

func project(lat, lon float64) orb.Point {
	return orb.Point{(lon - projLon0) * kmPerDegLon, (lat - projLat0) * kmPerDegLat}
}

// shape is one municipality's outline in projected kilometres.
type shape struct {
	name  string // the municipality, as named in the directory
	poly  orb.MultiPolygon
	bound orb.Bound
}

// boundaryFile is the part of the GeoJSON file that is read.
type boundaryFile struct {
	Type     string `json:"type"`
	Features []struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates [][][][]float64 `json:"coordinates"` // MultiPolygon: polygons, rings, points, lon/lat
		} `json:"geometry"`
	} `json:"features"`
}

// parseBoundaries reads a GeoJSON FeatureCollection of MultiPolygons (WGS84
// lon/lat) named by the property "name".
func parseBoundaries(data []byte) ([]shape, error) {
	var f boundaryFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	if f.Type != "FeatureCollection" {
		return nil, fmt.Errorf("boundaries: %w: type %q, want FeatureCollection", ErrBadValue, f.Type)
	}
	var out []shape
	for i, ft := range f.Features {
		if ft.Geometry.Type != "MultiPolygon" || ft.Properties.Name == "" {
			return nil, fmt.Errorf("boundaries: feature %d: %w: want a named MultiPolygon", i, ErrBadValue)
		}
		var mp orb.MultiPolygon
		for _, p := range ft.Geometry.Coordinates {
			var poly orb.Polygon
			for _, r := range p {
				var ring orb.Ring
				for _, c := range r {
					if len(c) < 2 {
						return nil, fmt.Errorf("boundaries: feature %d: %w: a point without two coordinates", i, ErrBadCoordinates)
					}
					ring = append(ring, project(c[1], c[0]))
				}
				if len(ring) < 4 {
					return nil, fmt.Errorf("boundaries: feature %d: %w: a ring of %d points", i, ErrBadCoordinates, len(ring))
				}
				poly = append(poly, ring)
			}
			mp = append(mp, poly)
		}
		out = append(out, shape{name: ft.Properties.Name, poly: mp, bound: mp.Bound()})
	}
	return out, nil
}

// boundariesFor returns the embedded outlines when they cover exactly the
// directory's municipalities (the embedded data file, or a corrected copy of
// it), else nil: a directory of other places is decided by the nearest place.
func boundariesFor(d *Directory) []shape {
	shapes, err := parseBoundaries(embeddedBoundaries)
	if err != nil {
		return nil // the embedded file is checked by the tests
	}
	munis := map[string]bool{}
	for _, p := range d.places {
		if IsMunicipality(p.Kind) {
			munis[p.Name] = true
		}
	}
	if len(munis) != len(shapes) {
		return nil
	}
	for _, s := range shapes {
		if !munis[s.name] {
			return nil
		}
	}
	return shapes
}

// locate says which municipality's outline holds p, or "", and the distance
// in kilometres from p to the nearest outline (of any municipality).
func locate(shapes []shape, p orb.Point) (muni string, edge float64, near []string) {
	edge = math.Inf(1)
	for _, s := range shapes {
		if !s.bound.Pad(edgeKm).Contains(p) {
			continue
		}
		dist := planar.DistanceFrom(s.poly, p)
		edge = min(edge, dist)
		if dist <= edgeKm {
			near = append(near, s.name)
		}
		if planar.MultiPolygonContains(s.poly, p) {
			muni = s.name
		}
	}
	return muni, edge, near
}
