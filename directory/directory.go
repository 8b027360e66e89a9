package directory

import (
	"maps"
	"slices"
	"sync"
)

// Directory holds the districts, places and outside towns of one data file,
// with the resolver's index. It is immutable after loading and safe for
// concurrent use.
type Directory struct {
	name       string // the file name given to Parse, for messages
	sourceDate string
	programme  Programme
	languages  []Language // German first; see translations.go
	districts  []District
	places     []Place
	strict     []bool // per place: named only with care (see filePlace.Strict)
	outside    []OutsidePlace
	postal     []string // sorted postal codes of the county
	idx        *index
	scripts    scriptIndexes // keys of the names in Cyrillic and Arabic script (script.go)
	shapes     []shape       // municipal outlines for Nearest, nil without (boundary.go)
	scratch    sync.Pool     // *scratch for Resolve
}

// Name is the name of the data file the directory was loaded from.
func (d *Directory) Name() string { return d.name }

// SourceDate is the date the facts are from, e.g. "2021-12".
func (d *Directory) SourceDate() string { return d.sourceDate }

// Programme is the county programme the districts belong to.
func (d *Directory) Programme() Programme { return d.programme }

// Districts returns the six districts in the published order (a copy).
func (d *Directory) Districts() []District {
	out := make([]District, len(d.districts))
	for i, x := range d.districts {
		out[i] = cloneDistrict(x)
	}
	return out
}

// District returns the district with the given id.
func (d *Directory) District(id string) (District, bool) {
	for _, x := range d.districts {
		if x.ID == id {
			return cloneDistrict(x), true
		}
	}
	return District{}, false
}

// Place returns the place with the given Place.ID.
func (d *Directory) Place(id string) (Place, bool) {
	i, ok := d.idx.byID[id]
	if !ok {
		return Place{}, false
	}
	return clonePlace(d.places[i]), true
}

// Places returns every place of the county in file order (a copy).
func (d *Directory) Places() []Place {
	out := make([]Place, len(d.places))
	for i, p := range d.places {
		out[i] = clonePlace(p)
	}
	return out
}

// PlacesIn returns the places of one district in file order.
func (d *Directory) PlacesIn(district string) []Place {
	var out []Place
	for _, p := range d.places {
		if p.District == district {
			out = append(out, clonePlace(p))
		}
	}
	return out
}

// Outside returns the known towns just outside the county (a copy).
func (d *Directory) Outside() []OutsidePlace { return slices.Clone(d.outside) }

// PostalCodes returns the county's postal codes, sorted.
func (d *Directory) PostalCodes() []string { return slices.Clone(d.postal) }

func cloneDistrict(x District) District {
	x.Municipalities = slices.Clone(x.Municipalities)
	x.Phones = slices.Clone(x.Phones)
	x.Offerings = slices.Clone(x.Offerings)
	for i := range x.Offerings {
		x.Offerings[i].Translations = maps.Clone(x.Offerings[i].Translations)
	}
	return x
}

func clonePlace(p Place) Place {
	p.PostalCodes = slices.Clone(p.PostalCodes)
	p.Aliases = slices.Clone(p.Aliases)
	return p
}
