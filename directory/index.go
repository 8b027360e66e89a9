package directory

// index is the resolver's precomputed lookup structure.
type index struct {
	byID map[string]int
}

func newIndex(d *Directory) *index {
	ix := &index{byID: map[string]int{}}
	for i, p := range d.places {
		ix.byID[p.ID] = i
	}
	return ix
}
