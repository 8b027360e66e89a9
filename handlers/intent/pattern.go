package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
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
					alts = append(alts, wordPat{s: n[0], prefix: prefix})
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

// matchWord reports whether the normalised word w matches p.
func (p wordPat) matchWord(w string) bool {
	if p.prefix {
		if strings.HasPrefix(w, p.s) {
			return true
		}
		// A misspelt stem: the word's beginning of about the stem's length
		// (one letter more or less) within one typo.
		stem, rw := []rune(p.s), []rune(w)
		if len(stem) < minFuzzy-1 {
			return false
		}
		for n := len(stem) - 1; n <= len(stem)+1 && n <= len(rw); n++ {
			if levenshtein.ComputeDistance(string(rw[:n]), p.s) <= 1 {
				return true
			}
		}
		return false
	}
	if w == p.s {
		return true
	}
	return len([]rune(p.s)) >= minFuzzy && abs(len([]rune(w))-len([]rune(p.s))) <= 1 &&
		levenshtein.ComputeDistance(w, p.s) <= 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
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

func anyMatch(alts []wordPat, w string) bool {
	for _, v := range variants(w) {
		for _, a := range alts {
			if a.matchWord(v) {
				return true
			}
		}
	}
	return false
}

// arabicProclitics are the conjunctions, prepositions and article written
// together with the next word (والأطفال = و + ال + أطفال), longest first.
var arabicProclitics = []string{"وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل"}

// variants returns w and, for an Arabic word, w without each proclitic it
// starts with (at least two letters must remain).
func variants(w string) []string {
	out := []string{w}
	if r, _ := utf8.DecodeRuneInString(w); !unicode.Is(unicode.Arabic, r) {
		return out
	}
	for _, p := range arabicProclitics {
		if rest, ok := strings.CutPrefix(w, p); ok && utf8.RuneCountInString(rest) >= 2 {
			out = append(out, rest)
		}
	}
	return out
}

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
