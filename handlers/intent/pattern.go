package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxGap is how many words may stand between two words of a pattern
// ("mein Mann schlägt meine Frau und mich").
const maxGap = 3

// minFuzzy is the length from which a word of a pattern also matches with
// one typo ("vergewalltigt"); a stem needs one letter less.
const minFuzzy = 8

// pattern is a sequence of word alternatives that must occur in order.
type pattern struct {
	src   string
	words [][]wordPat
}

// wordPat matches one word: exactly, or by its beginning (a stem, "schlag*").
type wordPat struct {
	s      string
	n      int // letters (runes) in s
	prefix bool
}

// compile parses "schläg* mich|uns": words separated by spaces, alternatives
// by "|", a trailing "*" for a stem. Umlauts are matched as written with or
// without the e of their digraph ("schlaegt", "schlagt").
func compile(src string) pattern {
	p := pattern{src: src}
	for _, w := range strings.Fields(src) {
		var alts []wordPat
		for _, a := range strings.Split(w, "|") {
			prefix := strings.HasSuffix(a, "*")
			a = strings.TrimSuffix(a, "*")
			for _, v := range spellings(a) {
				if n := words(v); len(n) == 1 {
					alts = append(alts, wordPat{s: n[0], n: utf8.RuneCountInString(n[0]), prefix: prefix})
				}
			}
		}
		if len(alts) > 0 {
			p.words = append(p.words, alts)
		}
	}
	return p
}

// spellings returns w and, when it has German umlauts, w with them written
// as digraphs (ä -> ae), as people without a German keyboard do.
func spellings(w string) []string {
	if !strings.ContainsAny(w, "äöüÄÖÜ") {
		return []string{w}
	}
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue")
	return []string{w, r.Replace(w)}
}

// matchWord reports whether the normalised word w matches p. It allocates
// nothing: it runs for every word of every message against every pattern.
func (p wordPat) matchWord(w string) bool {
	if p.prefix {
		if strings.HasPrefix(w, p.s) {
			return true
		}
		// A misspelt stem: the word's beginning of about the stem's length
		// (one letter more or less) within one typo.
		if p.n < minFuzzy-1 {
			return false
		}
		n, end := 0, 0 // letters and bytes of w's beginning
		for _, r := range w {
			if n > p.n+1 {
				break
			}
			if n >= p.n-1 && withinOneEdit(w[:end], p.s) {
				return true
			}
			n++
			end += utf8.RuneLen(r)
		}
		return n >= p.n-1 && n <= p.n+1 && withinOneEdit(w[:end], p.s)
	}
	if w == p.s {
		return true
	}
	return p.n >= minFuzzy && abs(utf8.RuneCountInString(w)-p.n) <= 1 && withinOneEdit(w, p.s)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// withinOneEdit reports whether a and b differ by at most one letter inserted,
// deleted or replaced (Levenshtein distance <= 1, by runes), without
// allocating: what is left after their common beginning and common end must be
// at most one letter on each side.
func withinOneEdit(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			break
		}
		a, b = a[na:], b[nb:]
	}
	for a != "" && b != "" {
		ra, na := utf8.DecodeLastRuneInString(a)
		rb, nb := utf8.DecodeLastRuneInString(b)
		if ra != rb {
			break
		}
		a, b = a[:len(a)-na], b[:len(b)-nb]
	}
	return utf8.RuneCountInString(a) <= 1 && utf8.RuneCountInString(b) <= 1
}

// match finds the pattern in ws and returns the positions of its words, or nil.
// A match whose words are negated (see negated) does not count; the next one is tried.
func (p pattern) match(ws []string, neg map[string]bool, negAfter bool) []int {
	if len(p.words) == 0 {
		return nil
	}
	for start := range ws {
		pos := p.matchAt(ws, start)
		if pos != nil && !negated(ws, pos, neg, negAfter) {
			return pos
		}
	}
	return nil
}

// matchAt matches the pattern with its first word at ws[start].
func (p pattern) matchAt(ws []string, start int) []int {
	if !anyMatch(p.words[0], ws[start]) {
		return nil
	}
	pos := []int{start}
	for _, alts := range p.words[1:] {
		last := pos[len(pos)-1]
		found := -1
		for j := last + 1; j < len(ws) && j <= last+1+maxGap; j++ {
			if anyMatch(alts, ws[j]) {
				found = j
				break
			}
		}
		if found < 0 {
			return nil
		}
		pos = append(pos, found)
	}
	return pos
}

// anyMatch reports whether w, or for an Arabic word w without one of its
// proclitics (at least two letters must remain), matches one of alts.
func anyMatch(alts []wordPat, w string) bool {
	if matchAlts(alts, w) {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(w); !unicode.Is(unicode.Arabic, r) {
		return false
	}
	for _, p := range arabicProclitics {
		if rest, ok := strings.CutPrefix(w, p); ok && utf8.RuneCountInString(rest) >= 2 && matchAlts(alts, rest) {
			return true
		}
	}
	return false
}

func matchAlts(alts []wordPat, w string) bool {
	for _, a := range alts {
		if a.matchWord(w) {
			return true
		}
	}
	return false
}

// arabicProclitics are the conjunctions, prepositions and article written
// together with the next word (والأطفال = و + ال + أطفال), longest first.
var arabicProclitics = []string{"وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل"}

// negated reports whether a negation word that is not part of the match
// stands within two words before it, inside it, or (with after) right after
// it: "ich habe keine Angst vor ihm", "er schlägt mich nicht". A negation
// that belongs to the pattern ("nicht mehr leben") does not count.
func negated(ws []string, pos []int, neg map[string]bool, after bool) bool {
	if len(neg) == 0 {
		return false
	}
	in := func(i int) bool {
		for _, p := range pos {
			if p == i {
				return true
			}
		}
		return false
	}
	first, last := pos[0], pos[len(pos)-1]
	if after {
		last++
	}
	for i := max(0, first-2); i <= min(len(ws)-1, last); i++ {
		if !in(i) && neg[ws[i]] {
			return true
		}
	}
	return false
}
