package directory

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Place kinds a data file may use.
const (
	KindStadt                = "stadt"
	KindGemeinde             = "gemeinde"
	KindMitgliedsgemeinde    = "mitgliedsgemeinde"
	KindGemeindefreierBezirk = "gemeindefreier_bezirk"
	KindOrtsteil             = "ortsteil"
	KindWohnplatz            = "wohnplatz"
)

// IsMunicipality reports whether kind is a municipality (or the gemeindefreier
// Bezirk), as opposed to a part of one.
func IsMunicipality(kind string) bool {
	switch kind {
	case KindStadt, KindGemeinde, KindMitgliedsgemeinde, KindGemeindefreierBezirk:
		return true
	}
	return false
}

func validKind(kind string) bool {
	return IsMunicipality(kind) || kind == KindOrtsteil || kind == KindWohnplatz
}

// The county lies within this box (WGS84); places outside it are errors.
const (
	countyMinLat, countyMaxLat = 52.55, 53.25
	countyMinLon, countyMaxLon = 9.35, 10.25
)

// collector gathers FieldErrors of one file.
type collector struct {
	file  string
	lines *lines
	errs  []error
}

func (c *collector) add(path, entry, field string, err error) {
	c.errs = append(c.errs, &FieldError{File: c.file, Line: c.lines.line(path), Entry: entry, Field: field, Err: err})
}

func (c *collector) missing(path, entry, field, value string) bool {
	if strings.TrimSpace(value) == "" {
		c.add(path, entry, field, ErrMissing)
		return true
	}
	return false
}

func entryName(list string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] %q", list, i, name)
}

// offerings validates a list of offerings: each with a valid, unique id and a text.
func (c *collector) offerings(path, entry string, fos []fileOffering, langs []Language) []Offering {
	var out []Offering
	seen := map[string]bool{}
	for i, fo := range fos {
		p := fmt.Sprintf("%s[%d]", path, i)
		field := fmt.Sprintf("offerings[%d]", i)
		switch {
		case fo.ID == "":
			c.add(p, entry, field+".id", ErrMissing)
		case !validID(fo.ID):
			c.add(p+".id", entry, field+".id", fmt.Errorf("%w: %q is not [a-z0-9-], at most %d bytes", ErrBadID, fo.ID, maxIDLen))
		case seen[fo.ID]:
			c.add(p+".id", entry, field+".id", fmt.Errorf("%w: offering id %q", ErrDuplicate, fo.ID))
		}
		seen[fo.ID] = true
		c.missing(p, entry, field+".text", fo.Text)
		out = append(out, Offering{ID: fo.ID, Text: fo.Text, Translations: c.translations(p, entry, field, fo.Translations, langs)})
	}
	return out
}

// build validates f and turns it into a Directory.
func build(name string, f *file, l *lines) (*Directory, error) {
	c := &collector{file: name, lines: l}
	d := &Directory{name: name, sourceDate: f.SourceDate}

	c.missing("$.source_date", "file", "source_date", f.SourceDate)
	c.missing("$.programme.name", "programme", "name", f.Programme.Name)
	d.programme = Programme{
		Name:        f.Programme.Name,
		Short:       f.Programme.Short,
		Since:       f.Programme.Since,
		MoreInfoURL: f.Programme.MoreInfoURL,
		SourceDate:  f.Programme.SourceDate,
		YouthOffice: YouthOffice(f.Programme.YouthOffice),
	}
	if yo := f.Programme.YouthOffice; yo.Phone != "" {
		if _, err := normalisePhone(yo.Phone); err != nil {
			c.add("$.programme.youth_office.phone", "programme", "youth_office.phone", err)
		}
	}
	if d.programme.Short == "" {
		d.programme.Short = d.programme.Name
	}
	if d.programme.SourceDate == "" {
		d.programme.SourceDate = f.SourceDate
	}

	d.languages = c.languages(f.Languages)
	defaultOfferings := c.offerings("$.offerings", "offerings", f.Offerings, d.languages)

	// Districts.
	districtIDs := map[string]bool{}
	if len(f.Districts) == 0 {
		c.add("$.districts", "file", "districts", ErrMissing)
	}
	for i, fd := range f.Districts {
		path := fmt.Sprintf("$.districts[%d]", i)
		entry := entryName("districts", i, fd.ID)
		switch {
		case fd.ID == "":
			c.add(path, entry, "id", ErrMissing)
		case !validID(fd.ID):
			c.add(path+".id", entry, "id", fmt.Errorf("%w: %q is not [a-z0-9-], at most %d bytes", ErrBadID, fd.ID, maxIDLen))
		case districtIDs[fd.ID]:
			c.add(path+".id", entry, "id", fmt.Errorf("%w: district id %q", ErrDuplicate, fd.ID))
		}
		districtIDs[fd.ID] = true
		c.missing(path, entry, "name", fd.Name)
		c.missing(path, entry, "provider", fd.Provider)
		if len(fd.Phones) == 0 {
			c.add(path, entry, "phones", ErrMissing)
		}
		dist := District{
			ID:             fd.ID,
			Name:           fd.Name,
			Municipalities: slices.Clone(fd.Municipalities),
			Provider:       fd.Provider,
			Offerings:      c.offerings(path+".offerings", entry, fd.Offerings, d.languages),
			MoreInfoURL:    fd.MoreInfoURL,
		}
		if len(dist.Offerings) == 0 {
			dist.Offerings = slices.Clone(defaultOfferings)
		}
		if dist.MoreInfoURL == "" {
			dist.MoreInfoURL = d.programme.MoreInfoURL
		}
		for j, fp := range fd.Phones {
			ppath := fmt.Sprintf("%s.phones[%d]", path, j)
			field := fmt.Sprintf("phones[%d].number", j)
			if c.missing(ppath, entry, field, fp.Number) {
				continue
			}
			e164, err := normalisePhone(fp.Number)
			if err != nil {
				c.add(ppath+".number", entry, field, err)
				continue
			}
			if fp.E164 != "" && fp.E164 != e164 {
				c.add(ppath+".e164", entry, fmt.Sprintf("phones[%d].e164", j),
					fmt.Errorf("%w: %q does not match the number %q (%s)", ErrBadPhone, fp.E164, fp.Number, e164))
				continue
			}
			label := fp.Label
			if label == "" {
				label = "Telefon"
			}
			mobile := strings.EqualFold(label, "Mobil") || isMobileE164(e164)
			if fp.Mobile != nil {
				mobile = *fp.Mobile
			}
			dist.Phones = append(dist.Phones, Phone{Label: label, Number: fp.Number, E164: e164, Mobile: mobile})
		}
		d.districts = append(d.districts, dist)
	}

	// Places.
	ids := map[string]int{}
	municipalities := map[string]string{} // municipality name -> district
	for _, fp := range f.Places {
		if IsMunicipality(fp.Kind) {
			municipalities[fp.Name] = fp.District
		}
	}
	postal := map[string]bool{}
	for i, fp := range f.Places {
		path := fmt.Sprintf("$.places[%d]", i)
		entry := entryName("places", i, fp.Name)
		c.missing(path, entry, "name", fp.Name)
		if !validKind(fp.Kind) {
			c.add(path+".kind", entry, "kind", fmt.Errorf("%w: kind %q is not one of stadt, gemeinde, mitgliedsgemeinde, gemeindefreier_bezirk, ortsteil, wohnplatz", ErrBadValue, fp.Kind))
		}
		switch {
		case fp.District == "":
			c.add(path, entry, "district", fmt.Errorf("%w: place without district", ErrMissing))
		case !districtIDs[fp.District]:
			c.add(path+".district", entry, "district", fmt.Errorf("%w %q", ErrUnknownDistrict, fp.District))
		}
		if !c.missing(path, entry, "municipality", fp.Municipality) {
			md, ok := municipalities[fp.Municipality]
			switch {
			case !ok:
				c.add(path+".municipality", entry, "municipality", fmt.Errorf("%w: no municipality entry named %q", ErrBadValue, fp.Municipality))
			case md != fp.District && districtIDs[fp.District]:
				c.add(path+".district", entry, "district", fmt.Errorf("%w: %q, but its municipality %q is in %q", ErrBadValue, fp.District, fp.Municipality, md))
			}
		}
		if IsMunicipality(fp.Kind) && fp.Municipality != fp.Name {
			c.add(path+".municipality", entry, "municipality", fmt.Errorf("%w: a %s must name itself as municipality", ErrBadValue, fp.Kind))
		}
		id := fp.ID
		if id == "" {
			id = placeID(fp.Name, fp.Municipality)
		}
		switch {
		case !validID(id):
			c.add(path, entry, "id", fmt.Errorf("%w: %q is not [a-z0-9-], at most %d bytes (set id explicitly)", ErrBadID, id, maxIDLen))
		default:
			if j, dup := ids[id]; dup {
				c.add(path, entry, "id", fmt.Errorf("%w: place id %q, also places[%d]", ErrDuplicate, id, j))
			}
		}
		ids[id] = i
		if len(fp.PostalCodes) == 0 {
			c.add(path, entry, "postal_codes", ErrMissing)
		}
		for j, pc := range fp.PostalCodes {
			if !validPostalCode(pc) {
				c.add(fmt.Sprintf("%s.postal_codes[%d]", path, j), entry, "postal_codes",
					fmt.Errorf("%w: %q is not five digits", ErrBadPostalCode, pc))
				continue
			}
			postal[pc] = true
		}
		lat, lon, ok := coordinates(c, path, entry, fp.Lat, fp.Lon, countyMinLat, countyMaxLat, countyMinLon, countyMaxLon)
		if !ok {
			lat, lon = 0, 0
		}
		for j, a := range fp.Aliases {
			if fold(a, false) == "" {
				c.add(fmt.Sprintf("%s.aliases[%d]", path, j), entry, "aliases", fmt.Errorf("%w: alias %q has no letters", ErrBadValue, a))
			}
		}
		if fold(fp.Name, false) == "" && fp.Name != "" {
			c.add(path+".name", entry, "name", fmt.Errorf("%w: name %q has no Latin letters", ErrBadValue, fp.Name))
		}
		d.strict = append(d.strict, fp.Strict)
		d.places = append(d.places, Place{
			ID:           id,
			Name:         fp.Name,
			Kind:         fp.Kind,
			Municipality: fp.Municipality,
			District:     fp.District,
			PostalCodes:  slices.Clone(fp.PostalCodes),
			Lat:          lat,
			Lon:          lon,
			Aliases:      slices.Clone(fp.Aliases),
			Source:       fp.Source,
		})
	}
	if len(f.Places) == 0 {
		c.add("$.places", "file", "places", ErrMissing)
	}
	for _, dist := range d.districts {
		if dist.ID != "" && !slices.ContainsFunc(d.places, func(p Place) bool { return p.District == dist.ID }) {
			c.add("$.districts", "districts "+dist.ID, "places", fmt.Errorf("%w: district has no places", ErrMissing))
		}
	}

	// Outside towns.
	outsideNames := map[string]int{}
	for i, fo := range f.Outside {
		path := fmt.Sprintf("$.outside[%d]", i)
		entry := entryName("outside", i, fo.Name)
		if !c.missing(path, entry, "name", fo.Name) {
			key := fold(fo.Name, false)
			if key == "" {
				c.add(path+".name", entry, "name", fmt.Errorf("%w: name %q has no Latin letters", ErrBadValue, fo.Name))
			} else if j, dup := outsideNames[key]; dup {
				c.add(path+".name", entry, "name", fmt.Errorf("%w: outside town %q, also outside[%d]", ErrDuplicate, fo.Name, j))
			}
			outsideNames[key] = i
		}
		c.missing(path, entry, "county", fo.County)
		// Outside towns may lie anywhere in Germany (Münster, Hamburg, ...).
		lat, lon, ok := coordinates(c, path, entry, fo.Lat, fo.Lon, 47.2, 55.1, 5.8, 15.1)
		if !ok {
			lat, lon = 0, 0
		}
		d.outside = append(d.outside, OutsidePlace{Name: fo.Name, County: fo.County, Lat: lat, Lon: lon, Note: fo.Note,
			Aliases: slices.Clone(fo.Aliases), Source: fo.Source})
	}

	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	for pc := range postal {
		d.postal = append(d.postal, pc)
	}
	slices.Sort(d.postal)
	d.idx = newIndex(d)
	d.scripts = newScriptIndexes(d)
	d.shapes = boundariesFor(d)
	return d, nil
}

// coordinates checks an optional lat/lon pair against a box.
func coordinates(c *collector, path, entry string, lat, lon *float64, minLat, maxLat, minLon, maxLon float64) (float64, float64, bool) {
	switch {
	case lat == nil && lon == nil:
		return 0, 0, false
	case lat == nil:
		c.add(path, entry, "lat", fmt.Errorf("%w: lon without lat", ErrBadCoordinates))
		return 0, 0, false
	case lon == nil:
		c.add(path, entry, "lon", fmt.Errorf("%w: lat without lon", ErrBadCoordinates))
		return 0, 0, false
	}
	ok := true
	if math.IsNaN(*lat) || *lat < minLat || *lat > maxLat {
		c.add(path+".lat", entry, "lat", fmt.Errorf("%w: latitude %v is not within %v..%v", ErrBadCoordinates, *lat, minLat, maxLat))
		ok = false
	}
	if math.IsNaN(*lon) || *lon < minLon || *lon > maxLon {
		c.add(path+".lon", entry, "lon", fmt.Errorf("%w: longitude %v is not within %v..%v", ErrBadCoordinates, *lon, minLon, maxLon))
		ok = false
	}
	return *lat, *lon, ok
}

func validPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
