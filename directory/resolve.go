package directory

import "strings"

// Resolve turns a parent's text into a district. Safe for concurrent use.
func (d *Directory) Resolve(text string) Result {
	q := strings.ToValidUTF8(text, "\uFFFD")
	k := fold(q)
	for i := range d.places {
		if fold(d.places[i].Name) == k {
			p := clonePlace(d.places[i])
			return Result{Query: q, Status: StatusMatch, District: p.District, Place: &p, Method: MethodNormalised}
		}
	}
	return Result{Query: q, Status: StatusUnknown}
}
