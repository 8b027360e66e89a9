package directory

import "slices"

// Marks: words that tell an outside town from a place (or another town) of
// the same short name.
//
// Names are indexed without their qualifiers, and a name may be the first
// part of a longer one: "Buchholz" names Buchholz (Aller) of the county, but
// it is also how Buchholz in der Nordheide (Landkreis Harburg) begins, and
// "Winsen" is both Winsen (Aller) and Winsen (Luhe). A word the parent writes
// next to such a name that belongs only to one of the outside towns it may
// stand for (a word of that town's name, a river in it, its county: "Buchholz
// Nordheide", "Winsen (Luhe)", "Buchholz, Landkreis Harburg") picks that
// town, even when it is a qualifier otherwise set aside. Marks are made from
// the data file alone, for every outside town.

// maxMarkGap is how many words before or after a name a mark may stand
// ("Buchholz in der Nordheide", "Buchholz, Landkreis Harburg").
const maxMarkGap = 3

// minMarkLen is the length of the shortest mark ("Luhe"); shorter words are
// abbreviations too vague to tell towns apart ("Buchholz i.d.N.").
const minMarkLen = 4

// mark says that a word next to the name key stands for the outside town.
type mark struct {
	key     int32 // index into index.keys: the short name ("buchholz")
	outside int32 // index into Directory.outside
}

// generalWords are words of names and counties that tell no town from another.
var generalWords = setOf("landkreis", "lk", "kreis", "region", "kreisfreie", "freie", "hansestadt", "stadt",
	"gemeinde", "samtgemeinde", "sg", "flecken", "bezirk", "gemeindefreier", "ortsteil", "ot", "ortschaft", "bad",
	"am", "an", "auf", "im", "in", "der", "die", "den", "dem", "und", "bei", "ob", "vor", "unter", "ober")

// addMarks computes ix.marks; it runs after settle, so the keys name what
// they finally stand for. A word that marks several outside towns of one name
// (their common county) picks the first in file order: the text is outside
// the county either way.
func (ix *index) addMarks(d *Directory) {
	ix.marks = map[string][]mark{}
	for o, town := range d.outside {
		names := append([]string{town.Name}, town.Aliases...)
		words := townWords(town.County)
		for _, name := range names {
			words = append(words, townWords(name)...)
		}
		for _, name := range names {
			for _, k := range ix.shortNames(name, int32(o)) {
				others := ix.wordsOfOthers(d, k, int32(o))
				m := mark{key: k, outside: int32(o)}
				for _, w := range words {
					if len(w) < minMarkLen || w == ix.keys[k].s || slices.Contains(others, w) || slices.Contains(ix.marks[w], m) {
						continue
					}
					ix.marks[w] = append(ix.marks[w], m)
					ix.keys[k].marked = true
				}
			}
		}
	}
}

// shortNames returns the keys that the beginnings of name (without
// qualifiers, in both folded forms), the whole name included, fold to and
// that stand for something besides outside town o.
func (ix *index) shortNames(name string, o int32) []int32 {
	var out []int32
	for _, plain := range []bool{false, true} {
		var t tokens
		tokenise(name, &t, plain)
		var b []byte
		for i := range t.list {
			w := t.bytes(i)
			if qualifiers[string(w)] && len(t.list) > 1 {
				continue
			}
			b = append(b, w...)
			k, ok := ix.exact[string(b)]
			if !ok || slices.Contains(out, k) {
				continue
			}
			if slices.ContainsFunc(ix.keys[k].entries, func(e entry) bool { return e.outside != o }) {
				out = append(out, k)
			}
		}
	}
	return out
}

// wordsOfOthers returns the words of the names of everything key k stands for
// other than outside town o: a place's names and municipality, a town's names
// and county.
func (ix *index) wordsOfOthers(d *Directory, k, o int32) []string {
	var out []string
	for _, e := range ix.keys[k].entries {
		switch {
		case e.place >= 0:
			p := d.places[e.place]
			for _, n := range append([]string{p.Name, p.Municipality}, p.Aliases...) {
				out = append(out, townWords(n)...)
			}
		case e.outside != o:
			town := d.outside[e.outside]
			for _, n := range append([]string{town.Name, town.County}, town.Aliases...) {
				out = append(out, townWords(n)...)
			}
		}
	}
	return out
}

// townWords returns the words of a name in both folded forms, leaving out
// fillers and general words.
func townWords(name string) []string {
	var out []string
	for _, plain := range []bool{false, true} {
		var t tokens
		tokenise(name, &t, plain)
		for i := range t.list {
			w := string(t.bytes(i))
			if t.list[i].digits || fillers[w] || generalWords[w] || slices.Contains(out, w) {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

// markedTown returns the outside town that a mark near hit h picks among the
// things h's name stands for, or -1.
func (s *scratch) markedTown(ix *index, h hit) int32 {
	if h.key < 0 || !ix.keys[h.key].marked {
		return -1
	}
	first, last := s.content[h.first], s.content[h.last]
	lo, hi := max(0, first-maxMarkGap), min(len(s.t.list)-1, last+maxMarkGap)
	for i := lo; i <= hi; i++ {
		if i >= first && i <= last || s.t.list[i].digits {
			continue
		}
		for _, m := range ix.marks[string(s.t.bytes(i))] {
			if m.key == h.key {
				return m.outside
			}
		}
	}
	return -1
}
