package directory

import (
	"slices"
	"strings"
)

// maxDeletes is the depth of the deletion neighbourhoods: the resolver finds
// every name within this many edits of a word (and suggests the ones beyond
// the word's budget).
const maxDeletes = 2

// filterBits sizes the bit set in front of the deletion map (2^17 bits, 16 KiB).
const filterBits = 17

// mayHave reports whether a deletion with hash h may be in ix.dels.
func (ix *index) mayHave(h uint64) bool {
	f := h >> (64 - filterBits)
	return ix.filter[f/64]&(1<<(f%64)) != 0
}

// key is one searchable spelling: a place's or outside town's name or alias,
// folded and without qualifiers ("Bad Fallingbostel" -> "fallingbostel").
type key struct {
	s       string
	words   int     // tokens it was made of
	entries []entry // what it names; several for "Marbostel"
	strict  bool    // an everyday word or a strict place: inside a sentence only with care
	marked  bool    // some word of index.marks picks an outside town among what it names
	common  bool    // a frequent word of the lexicons: inside a sentence only with care (see lexicon.go)
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
	dels     map[uint64][]int32 // polyHash of every string within maxDeletes deletions of a key -> keys
	pow      []uint64           // powers of hashBase
	filter   []uint64           // bit set over the top filterBits bits of the dels hashes: most lookups miss
	phon     map[string][]int32 // Kölner Phonetik code -> keys
	postal   map[string][]int32 // postal code -> candidate places (see postalCandidates)
	maxWords int                // most tokens of any key
	sorted   []int32            // keys naming places of the county, by spelling, for prefix suggestions
	marks    map[string][]mark  // folded word -> the outside town it picks for a key (see marks.go)
	lexicon  *lexicon           // frequent words: no typo or sound-alike match starts from them (see lexicon.go)
}

func newIndex(d *Directory) *index {
	ix := &index{
		byID:    make(map[string]int, len(d.places)),
		exact:   map[string]int32{},
		dels:    map[uint64][]int32{},
		pow:     hashPowers(maxTokenLen),
		filter:  make([]uint64, 1<<filterBits/64),
		phon:    map[string][]int32{},
		postal:  map[string][]int32{},
		lexicon: ordinaryWords(),
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
	ix.settle(d.strict)
	ix.markCommon()
	ix.addMarks(d)
	for k, key := range ix.keys {
		if slices.ContainsFunc(key.entries, func(e entry) bool { return e.place >= 0 }) {
			ix.sorted = append(ix.sorted, int32(k))
		}
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.keys[a].s, ix.keys[b].s) })
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

// add indexes a name in both folded forms.
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
		if !slices.Contains(ix.keys[k].entries, e) {
			ix.keys[k].entries = append(ix.keys[k].entries, e)
		}
		return
	}
	ix.exact[s] = int32(len(ix.keys))
	ix.keys = append(ix.keys, key{s: s, words: words, entries: []entry{e}})
	ix.maxWords = max(ix.maxWords, words)
}

// settle decides keys that name both places of the county and outside towns:
// the places win ("Münster" is an alias of Munster), unless all of them are
// strict ("Langwedel" is a hamlet of Schneverdingen and a better-known
// municipality near Verden). It also marks keys that need care in sentences.
func (ix *index) settle(strict []bool) {
	for k := range ix.keys {
		es := ix.keys[k].entries
		local, out, allStrict := 0, 0, true
		for _, e := range es {
			if e.place >= 0 {
				local++
				allStrict = allStrict && strict[e.place]
			} else {
				out++
			}
		}
		// Strict only while it still names a strict place: when an outside
		// town takes the name over ("Eitze", "Langwedel"), an outside answer
		// is safe in any sentence.
		ix.keys[k].strict = local > 0 && allStrict && out == 0 || commonWords[ix.keys[k].s]
		if local == 0 || out == 0 {
			continue
		}
		keepLocal := !allStrict
		ix.keys[k].entries = slices.DeleteFunc(es, func(e entry) bool { return (e.place >= 0) != keepLocal })
	}
}

func (ix *index) addNeighbourhood(k int32) {
	s := []byte(ix.keys[k].s)
	if len(s) < minTypoLen || len(s) > maxTokenLen {
		return // too short for typos; too long to be typed as one search
	}
	add := func(h uint64) {
		if l := ix.dels[h]; len(l) == 0 || l[len(l)-1] != k {
			ix.dels[h] = append(l, k)
		}
		f := h >> (64 - filterBits)
		ix.filter[f/64] |= 1 << (f % 64)
	}
	// The key and every string made from it by deleting one or two bytes
	// (maxDeletes), hashed as the resolver hashes a word's deletions.
	n := len(s)
	var ph prefixHashes
	ph.init(s, ix.pow)
	add(polyHash(s))
	for i := 0; i < n; i++ {
		add(ph.without1(n, i))
		for j := i + 1; j < n; j++ {
			add(ph.without2(n, i, j))
		}
	}
	if len(s) >= minPhoneticLen {
		code := string(colognePhonetic(nil, s))
		if l := ix.phon[code]; len(l) == 0 || l[len(l)-1] != k {
			ix.phon[code] = append(l, k)
		}
	}
}

// withPrefix calls fn with the keys of places that start with p, in order,
// until fn returns false.
func (ix *index) withPrefix(p []byte, fn func(k int32) bool) {
	i, _ := slices.BinarySearchFunc(ix.sorted, p, func(k int32, p []byte) int {
		return strings.Compare(ix.keys[k].s, string(p))
	})
	for ; i < len(ix.sorted); i++ {
		k := ix.sorted[i]
		if !strings.HasPrefix(ix.keys[k].s, string(p)) || !fn(k) {
			return
		}
	}
}

// postalCandidates maps each postal code to the places a bare code stands for:
// per municipality its own entry, or the one part of it that alone has the code
// (29664 stands for Walsrode, and for Ostenholz rather than all of Osterheide).
// Wohnplätze (hamlets) count only for codes no larger place has: the hamlet
// Krelinger Bruch of Walsrode lies in the area of 29693, but 29693 is the code
// of the Samtgemeinde Ahlden.
func postalCandidates(all []Place) map[string][]int32 {
	places := make([]Place, len(all))
	covered := map[string]bool{}
	for _, p := range all {
		if p.Kind != KindWohnplatz {
			for _, pc := range p.PostalCodes {
				covered[pc] = true
			}
		}
	}
	for i, p := range all {
		places[i] = p
		if p.Kind == KindWohnplatz {
			places[i].PostalCodes = slices.DeleteFunc(slices.Clone(p.PostalCodes), func(pc string) bool { return covered[pc] })
		}
	}
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
