package directory

import "slices"

// maxDeletes is the depth of the deletion neighbourhoods: the resolver finds
// every name within this many edits of a word (and suggests the ones beyond
// the word's budget).
const maxDeletes = 2

// key is one searchable spelling: a place's or outside town's name or alias,
// folded and without qualifiers ("Bad Fallingbostel" -> "fallingbostel").
type key struct {
	s       string
	words   int     // tokens it was made of
	entries []entry // what it names; several for "Marbostel" or "Münster"
}

// entry is what a key names: a place of the county or an outside town.
type entry struct {
	place   int32 // index into Directory.places, or -1
	outside int32 // index into Directory.outside, or -1
}

// index is the resolver's precomputed lookup structure.
type index struct {
	byID     map[string]int
	keys     []key
	exact    map[string]int32   // folded key -> index into keys
	dels     map[string][]int32 // every string within maxDeletes deletions of a key -> keys
	phon     map[string][]int32 // Kölner Phonetik code -> keys
	postal   map[string][]int32 // postal code -> candidate places (see postalCandidates)
	maxWords int                // most tokens of any key
}

func newIndex(d *Directory) *index {
	ix := &index{
		byID:   make(map[string]int, len(d.places)),
		exact:  map[string]int32{},
		dels:   map[string][]int32{},
		phon:   map[string][]int32{},
		postal: map[string][]int32{},
	}
	for i, p := range d.places {
		ix.byID[p.ID] = i
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			ix.add(name, entry{place: int32(i), outside: -1})
		}
	}
	for i, o := range d.outside {
		for _, name := range append([]string{o.Name}, o.Aliases...) {
			ix.add(name, entry{place: -1, outside: int32(i)})
		}
	}
	for k := range ix.keys {
		ix.addNeighbourhood(int32(k))
	}
	ix.postal = postalCandidates(d.places)
	return ix
}

// keyOf folds a name into its key and counts its tokens, leaving out qualifiers.
func keyOf(name string, plain bool) (string, int) {
	var t tokens
	tokenise(name, &t, plain)
	var b []byte
	n := 0
	for i := range t.list {
		w := t.bytes(i)
		if qualifiers[string(w)] && len(t.list) > 1 {
			continue
		}
		b = append(b, w...)
		n++
	}
	return string(b), n
}

// add indexes a name in both folded forms. Places must be added before outside
// towns: a spelling that names a place of the county is never taken for an
// outside town ("Münster" is an alias of Munster).
func (ix *index) add(name string, e entry) {
	for _, plain := range []bool{false, true} {
		s, words := keyOf(name, plain)
		ix.addKey(s, words, e)
	}
}

func (ix *index) addKey(s string, words int, e entry) {
	if s == "" {
		return
	}
	if k, ok := ix.exact[s]; ok {
		es := ix.keys[k].entries
		if slices.Contains(es, e) || e.outside >= 0 && slices.ContainsFunc(es, func(x entry) bool { return x.place >= 0 }) {
			return
		}
		ix.keys[k].entries = append(es, e)
		return
	}
	ix.exact[s] = int32(len(ix.keys))
	ix.keys = append(ix.keys, key{s: s, words: words, entries: []entry{e}})
	ix.maxWords = max(ix.maxWords, words)
}

func (ix *index) addNeighbourhood(k int32) {
	s := []byte(ix.keys[k].s)
	if len(s) < minTypoLen {
		return
	}
	addTo := func(m map[string][]int32, v string) {
		if l := m[v]; len(l) == 0 || l[len(l)-1] != k {
			m[v] = append(l, k)
		}
	}
	forDeletes(s, maxDeletes, func(v []byte) bool {
		addTo(ix.dels, string(v))
		return true
	})
	if len(s) >= minPhoneticLen {
		addTo(ix.phon, string(colognePhonetic(nil, s)))
	}
}

// forDeletes calls fn with s and every string made from s by deleting up to
// depth (at most 2) bytes, until fn returns false. Repeats are possible. The
// slice passed to fn is reused.
func forDeletes(s []byte, depth int, fn func([]byte) bool) {
	var buf [maxTokenLen * 2]byte
	if !fn(s) || depth < 1 || len(s) > len(buf) {
		return
	}
	for i := range s {
		if i > 0 && s[i] == s[i-1] {
			continue // deleting either of two equal neighbours gives the same string
		}
		v := append(append(buf[:0], s[:i]...), s[i+1:]...)
		if !fn(v) {
			return
		}
		if depth < 2 {
			continue
		}
		for j := i; j < len(v); j++ {
			if j > i && v[j] == v[j-1] {
				continue
			}
			var buf2 [maxTokenLen * 2]byte
			w := append(append(buf2[:0], v[:j]...), v[j+1:]...)
			if !fn(w) {
				return
			}
		}
	}
}

// postalCandidates maps each postal code to the places a bare code stands for:
// per municipality its own entry, or the one part of it that alone has the code
// (29664 stands for Walsrode, and for Ostenholz rather than all of Osterheide).
func postalCandidates(places []Place) map[string][]int32 {
	type group struct {
		muni  int32
		parts []int32 // non-municipal places with the code
		all   int     // non-municipal places of the municipality
	}
	muniIdx := map[string]int32{}
	partsOf := map[string]int{}
	for i, p := range places {
		if IsMunicipality(p.Kind) {
			muniIdx[p.Municipality] = int32(i)
		} else {
			partsOf[p.Municipality]++
		}
	}
	out := map[string][]int32{}
	codes := map[string][]string{} // code -> municipalities in file order
	groups := map[string]map[string]*group{}
	for i, p := range places {
		for _, pc := range p.PostalCodes {
			g := groups[pc]
			if g == nil {
				g = map[string]*group{}
				groups[pc] = g
			}
			gr := g[p.Municipality]
			if gr == nil {
				m, ok := muniIdx[p.Municipality]
				if !ok {
					m = -1
				}
				gr = &group{muni: m, all: partsOf[p.Municipality]}
				g[p.Municipality] = gr
				codes[pc] = append(codes[pc], p.Municipality)
			}
			if !IsMunicipality(p.Kind) {
				gr.parts = append(gr.parts, int32(i))
			}
		}
	}
	for pc, munis := range codes {
		for _, m := range munis {
			gr := groups[pc][m]
			switch {
			case len(gr.parts) == 1 && gr.all >= 2:
				out[pc] = append(out[pc], gr.parts[0])
			case gr.muni >= 0 && slices.Contains(places[gr.muni].PostalCodes, pc):
				out[pc] = append(out[pc], gr.muni)
			default:
				out[pc] = append(out[pc], gr.parts...)
			}
		}
	}
	return out
}
