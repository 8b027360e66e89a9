package directory

import "math"

// insideKm is how far from the nearest known place of the county a location may
// lie and still count as inside (the county's villages are a few km apart).
const insideKm = 6.0

// Nearest finds the place of the county nearest to a shared location. Places
// without coordinates are skipped. When the nearest county place is farther
// than a few kilometres and a known outside town is nearer, the location
// counts as outside.
func (d *Directory) Nearest(lat, lon float64) Nearby {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Nearby{}
	}
	best, bestKm := -1, math.Inf(1)
	for i, p := range d.places {
		if !p.HasCoordinates() {
			continue
		}
		if km := haversineKm(lat, lon, p.Lat, p.Lon); km < bestKm {
			best, bestKm = i, km
		}
	}
	out, outKm := -1, math.Inf(1)
	for i, o := range d.outside {
		if o.Lat == 0 && o.Lon == 0 {
			continue
		}
		if km := haversineKm(lat, lon, o.Lat, o.Lon); km < outKm {
			out, outKm = i, km
		}
	}
	inBox := lat >= countyMinLat && lat <= countyMaxLat && lon >= countyMinLon && lon <= countyMaxLon
	if best >= 0 && inBox && (bestKm <= insideKm || bestKm <= outKm) {
		p := clonePlace(d.places[best])
		return Nearby{Place: &p, DistanceKm: bestKm, Inside: true}
	}
	if out >= 0 {
		o := d.outside[out]
		return Nearby{DistanceKm: outKm, Outside: &o}
	}
	return Nearby{}
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
