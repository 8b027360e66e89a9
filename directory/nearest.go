package directory

import (
	"math"
	"slices"
)

// insideKm is how far from the nearest known place of the county a location may
// lie and still count as inside (the county's villages are a few km apart).
const insideKm = 6.0

// Nearest finds the place of the county nearest to a shared location.
//
// With the municipal outlines (boundary.go), a location clearly inside a
// municipality belongs to its district, and the place named is the nearest
// one of that municipality; a location clearly outside every municipality is
// outside, with the nearest known outside town. A location within edgeKm of
// an outline, and every location when the directory has no outlines, is
// decided by the nearest place (of the municipalities around it): when that
// is farther than a few kilometres and a known outside town is nearer, the
// location counts as outside. Places without coordinates are skipped.
func (d *Directory) Nearest(lat, lon float64) Nearby {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Nearby{}
	}
	if d.shapes == nil {
		return d.nearestPlace(lat, lon, nil)
	}
	muni, edge, near := locate(d.shapes, project(lat, lon))
	switch {
	case edge <= edgeKm:
		return d.nearestPlace(lat, lon, append(near, muni))
	case muni != "":
		best, bestKm := d.nearestIn(lat, lon, []string{muni})
		if best < 0 {
			break // no place of the municipality has coordinates
		}
		p := clonePlace(d.places[best])
		return Nearby{Place: &p, DistanceKm: bestKm, Inside: true, Boundary: true}
	default:
		n := d.nearestOutside(lat, lon)
		n.Boundary = true
		return n
	}
	return d.nearestPlace(lat, lon, nil)
}

// nearestPlace decides by distance alone: the nearest place of the
// municipalities munis (all when nil), unless it is farther than insideKm and
// a known outside town is nearer, or the location lies outside the county's
// box.
func (d *Directory) nearestPlace(lat, lon float64, munis []string) Nearby {
	best, bestKm := d.nearestIn(lat, lon, munis)
	out := d.nearestOutside(lat, lon)
	outKm := math.Inf(1)
	if out.Outside != nil {
		outKm = out.DistanceKm
	}
	inBox := lat >= countyMinLat && lat <= countyMaxLat && lon >= countyMinLon && lon <= countyMaxLon
	if best >= 0 && inBox && (bestKm <= insideKm || bestKm <= outKm) {
		p := clonePlace(d.places[best])
		return Nearby{Place: &p, DistanceKm: bestKm, Inside: true}
	}
	return out
}

// nearestIn returns the index of the place with coordinates nearest to the
// location among the places of the municipalities munis (all when nil), and
// its distance; -1 when there is none.
func (d *Directory) nearestIn(lat, lon float64, munis []string) (int, float64) {
	best, bestKm := -1, math.Inf(1)
	for i, p := range d.places {
		if !p.HasCoordinates() || munis != nil && !slices.Contains(munis, p.Municipality) {
			continue
		}
		if km := haversineKm(lat, lon, p.Lat, p.Lon); km < bestKm {
			best, bestKm = i, km
		}
	}
	return best, bestKm
}

// nearestOutside is the nearest known outside town with coordinates, if any.
func (d *Directory) nearestOutside(lat, lon float64) Nearby {
	out, outKm := -1, math.Inf(1)
	for i, o := range d.outside {
		if o.Lat == 0 && o.Lon == 0 {
			continue
		}
		if km := haversineKm(lat, lon, o.Lat, o.Lon); km < outKm {
			out, outKm = i, km
		}
	}
	if out < 0 {
		return Nearby{}
	}
	o := d.outside[out]
	return Nearby{DistanceKm: outKm, Outside: &o}
}

// haversineKm is the great-circle distance between two WGS84 points.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthKm = 6371.0
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}
