package directory

// How Resolve works.
//
// The text is folded (lower case, umlauts spelled out, accents and punctuation
// dropped) and cut into words, once as "ue" and, if it has umlauts, once as
// "u". Qualifiers ("Stadt", "SG", "Bad", "(Aller)") and reference words
// ("bei", "near") are set aside; five-digit numbers are postal codes.
//
// Every run of up to maxWords words, joined without spaces, is looked up in a
// map of all spellings of all names (exact). Words and runs that are not
// exact names are searched with typos: every name's deletion neighbourhood
// (the strings made by deleting one or two letters) is indexed by a
// polynomial hash, so the deletions of a word, hashed in constant time each,
// find every name within two edits; an edit-distance check (Levenshtein by
// github.com/agnivade/levenshtein, a swap of neighbouring letters counting as
// one typo; see distance) then keeps those within the budget for the name's
// length (none below 4 letters, 1 below 8, else 2). Words with no such name
// are tried by Kölner Phonetik.
//
// The hits that do not overlap win (most words covered, then best score). A
// word near a name that belongs only to one outside town of that name (the
// rest of its name, its river, its county: "Buchholz, Landkreis Harburg",
// "Winsen (Luhe)") picks that town, even a qualifier (see marks.go).
// An outside town at least as well named as any place of the county makes
// the answer outside; equally good places in different districts make it
// ambiguous; a municipality named next to one of its villages picks that one.

import (
	"slices"
	"strings"
)

const (
	minTypoLen      = 4  // shorter words and names must be written correctly
	minPhoneticLen  = 5  // shorter words have too few sounds to compare
	maxTypoTokens   = 16 // words of a long text searched with typos
	maxLongNameText = 5  // longest text (in words) searched for misspelled names of three or more words
	maxCandidates   = 10 // candidates in a Result
	maxSuggestions  = 5  // suggestions for an unknown text
	scoreExact      = 1.0
	scorePostal     = 0.9
	scoreTypo       = 0.89 // less the share of the name's letters mistyped
	scorePhonetic   = 0.8  // the same, for a sound-alike one typo beyond the budget
	scoreSuggestion = 0.5  // the same, beyond the typo budget
	scoreEpsilon    = 1e-9
	// firstLetterPenalty is taken from typo scores when the first letter differs.
	firstLetterPenalty = 0.02
)

// budget is the number of typos tolerated in a name of n folded bytes.
func budget(n int) int {
	switch {
	case n < minTypoLen:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// hit is one recognised stretch of a text: content tokens first..last name a key
// (or are a postal code).
type hit struct {
	first, last int // positions in scratch.content
	key         int32
	postal      string
	dist        int
	method      Method
	score       float64
	suggestion  bool // beyond the typo budget: only for suggestions
	covers      int  // words covered that are not fillers (set by decide)
}

func (h hit) overlaps(o hit) bool { return h.first <= o.last && o.first <= h.last }

// scratch is the per-call working memory of Resolve, pooled.
type scratch struct {
	t       tokens // the text folded the German way (ü -> ue)
	plain   tokens // the text folded plainly (ü -> u), when it has umlauts
	content []int  // indices into t.list of the words that may name a place
	hits    []hit
	join    []byte
	seen    []int32
	phon    []byte
	exact   []bool // per content word: it is a name as written

	accepted, suggestions []hit // for decide
	cands, local          []candidate
	ix                    *index // the index the hits refer to; nil: the Latin one (see script.go)
	single                bool   // script text of one word (see script.go)
}

// Resolve turns a parent's free text into a district: a place name (also
// misspelled, with or without umlauts, qualifiers or inside a sentence in
// German or English) or a postal code. It never fails: text it cannot place
// gives StatusUnknown with suggestions, if any. Resolve is safe for concurrent
// use.
//
// The slices inside the returned places are shared with the Directory and must
// not be modified.
func (d *Directory) Resolve(text string) Result {
	q := strings.ToValidUTF8(text, "\uFFFD")
	s, _ := d.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	defer d.scratch.Put(s)
	tokenise(q, &s.t, false)
	s.prepare()
	s.collect(d.idx, &s.t)
	if s.t.umlauts > 0 {
		tokenise(q, &s.plain, true)
		s.collect(d.idx, &s.plain)
	}
	res := d.decide(q, s)
	if res.Status == StatusUnknown && s.t.foreign > 0 {
		if r, ok := d.resolveScripts(q, s); ok { // Cyrillic or Arabic script, see script.go
			return r
		}
	}
	return res
}

// prepare picks the content words of s.t and records postal codes.
func (s *scratch) prepare() {
	t := &s.t
	s.content = s.content[:0]
	s.hits = s.hits[:0]
	s.exact = s.exact[:0]
	for i, sp := range t.list {
		w := t.bytes(i)
		if sp.digits {
			if len(w) == 5 {
				s.hits = append(s.hits, hit{first: len(s.content), last: len(s.content), key: -1, postal: string(w), method: MethodPostal, score: scorePostal})
				s.content = append(s.content, i)
				s.exact = append(s.exact, false)
			}
			continue
		}
		if qualifiers[string(w)] || nearWords[string(w)] {
			continue
		}
		s.content = append(s.content, i)
		s.exact = append(s.exact, false)
	}
}

// collect finds the names in t, one of the folded forms of the text.
func (s *scratch) collect(ix *index, t *tokens) {
	n := len(s.content)
	for n > 0 && s.content[n-1] >= len(t.list) {
		n-- // the plain form was cut shorter
	}
	content := s.content[:n]
	// Exact (folded) names of one to maxWords words.
	for c := range content {
		if t.list[content[c]].digits {
			continue
		}
		s.join = s.join[:0]
		for k := 1; k <= ix.maxWords && c+k <= len(content); k++ {
			ti := content[c+k-1]
			if t.list[ti].digits {
				break
			}
			s.join = append(s.join, t.bytes(ti)...)
			if key, ok := ix.exact[string(s.join)]; ok {
				s.hits = append(s.hits, hit{first: c, last: c + k - 1, key: key, method: MethodNormalised, score: scoreExact})
				if k == 1 {
					s.exact[c] = true
				}
			}
		}
	}
	// Typos and sound-alikes in single words, and in names of several words
	// (which start and end with a word that is not a filler).
	for c := 0; c < len(content) && c < maxTypoTokens; c++ {
		ti := content[c]
		w := t.bytes(ti)
		if t.list[ti].digits || fillers[string(w)] {
			continue
		}
		if !s.exact[c] && len(w) >= minTypoLen && !ix.ordinary(w) {
			if !s.typo(ix, w, c, c) && len(w) >= minPhoneticLen {
				s.phonetic(ix, w, c)
			}
		}
		// Pairs anywhere ("Klien Häuslingen"); three and more words
		// ("Buchholz in der Nordhiede") in short texts only.
		longest := 2
		if len(content) <= maxLongNameText {
			longest = ix.maxWords
		}
		s.join = append(s.join[:0], w...)
		for k := 2; k <= longest && c+k <= len(content); k++ {
			tj := content[c+k-1]
			v := t.bytes(tj)
			if t.list[tj].digits {
				break
			}
			s.join = append(s.join, v...)
			if len(s.join) > maxTokenLen {
				break
			}
			if !fillers[string(v)] && s.fuzzyRun(ix, t, c, c+k-1) {
				s.typo(ix, s.join, c, c+k-1)
			}
		}
	}
}

// typoScore rates a match with dist edits between word w and name k. People
// rarely get the first letter wrong, so a different first letter costs a
// little ("Ahlde" is Ahlden rather than Vahlde).
func typoScore(top float64, dist int, w []byte, k string) float64 {
	score := top * (1 - float64(dist)/float64(max(len(w), len(k))))
	if len(w) > 0 && len(k) > 0 && w[0] != k[0] {
		score -= firstLetterPenalty
	}
	return score
}

// typo records the keys within maxDeletes edits of w (found through the
// deletion neighbourhoods of w and of the keys); it reports whether one lies
// within its typo budget.
func (s *scratch) typo(ix *index, w []byte, first, last int) bool {
	s.seen = s.seen[:0]
	if len(w) > maxTokenLen {
		w = w[:maxTokenLen]
	}
	n := len(w)
	found := s.lookupDeletion(ix, w, polyHash(w), first, last)
	var ph prefixHashes
	ph.init(w, ix.pow)
	for i := 0; i < n; i++ {
		if i > 0 && w[i] == w[i-1] {
			continue // deleting either of two equal neighbours gives the same string
		}
		found = s.lookupDeletion(ix, w, ph.without1(n, i), first, last) || found
		for j := i + 1; j < n; j++ {
			if j-1 > i && w[j] == w[j-1] {
				continue
			}
			found = s.lookupDeletion(ix, w, ph.without2(n, i, j), first, last) || found
		}
	}
	return found
}

// lookupDeletion checks the keys whose deletion neighbourhood holds the
// string with hash h, a deletion of w.
func (s *scratch) lookupDeletion(ix *index, w []byte, h uint64, first, last int) bool {
	if !ix.mayHave(h) {
		return false
	}
	found := false
	for _, k := range ix.dels[h] {
		if slices.Contains(s.seen, k) {
			continue
		}
		s.seen = append(s.seen, k)
		ks := ix.keys[k].s
		dist := distance(w, ks, maxDeletes)
		if dist > maxDeletes {
			continue
		}
		h := hit{first: first, last: last, key: k, dist: dist, method: MethodTypo}
		switch {
		case dist == 0:
			h.method, h.score = MethodNormalised, scoreExact
		case dist <= budget(len(ks)) && len(w) >= minTypoLen:
			h.score = typoScore(scoreTypo, dist, w, ks)
		default:
			h.suggestion, h.score = true, typoScore(scoreSuggestion, dist, w, ks)
		}
		found = found || !h.suggestion
		s.hits = append(s.hits, h)
	}
	return found
}

// phonetic records keys that sound like w and are at most one typo beyond its budget.
func (s *scratch) phonetic(ix *index, w []byte, c int) {
	s.phon = colognePhonetic(s.phon[:0], w)
	for _, k := range ix.phon[string(s.phon)] {
		ks := ix.keys[k].s
		lim := budget(len(ks)) + 1
		if dist := distance(w, ks, lim); dist <= lim {
			s.hits = append(s.hits, hit{first: c, last: c, key: k, dist: dist, method: MethodPhonetic, score: typoScore(scorePhonetic, dist, w, ks)})
		}
	}
}
