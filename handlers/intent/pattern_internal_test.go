package intent

import (
	"math/rand/v2"
	"testing"

	"github.com/agnivade/levenshtein"
)

// TestWithinOneEdit: the allocation-free check agrees with the Levenshtein
// distance <= 1 it replaces, on hand-picked pairs (umlauts, Arabic, empty) and
// on random short words over a small alphabet (many near misses).
func TestWithinOneEdit(t *testing.T) {
	pairs := [][2]string{
		{"", ""}, {"", "a"}, {"a", ""}, {"ab", "ba"}, {"abc", "ac"}, {"aab", "ab"}, {"abca", "aca"},
		{"vergewaltigt", "vergewalltigt"}, {"schlägt", "schlagt"}, {"schlägt", "schlaegt"},
		{"مساعدة", "مساعده"}, {"والأطفال", "أطفال"}, {"abcd", "abdc"}, {"xabc", "abcx"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abä")
	word := func() string {
		w := make([]rune, r.IntN(6))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(w)
	}
	for range 20000 {
		pairs = append(pairs, [2]string{word(), word()})
	}
	for _, p := range pairs {
		want := levenshtein.ComputeDistance(p[0], p[1]) <= 1
		if got := withinOneEdit(p[0], p[1]); got != want {
			t.Errorf("withinOneEdit(%q, %q) = %v, Levenshtein says %v", p[0], p[1], got, want)
		}
	}
}

// TestMatchWordStemTypo: a misspelt stem matches by the word's beginning of the
// stem's length, one letter more or less, within one typo, as before.
func TestMatchWordStemTypo(t *testing.T) {
	stem := wordPat{s: "vergewalt", n: 9, prefix: true}
	for w, want := range map[string]bool{
		"vergewaltigt": true, "vergewalltigt": true, "vergewaltgt": true, "vrgewaltigt": true,
		"vergwaltigt": true, "verge": false, "vergxxaltigt": false, "": false, "vergewal": true,
	} {
		if got := stem.matchWord(w); got != want {
			t.Errorf("%q.matchWord(%q) = %v, want %v", stem.s, w, got, want)
		}
	}
}

// TestMatchWordSameAsLevenshtein compares matchWord with the Levenshtein-based
// rule it replaced, for stems and whole words, on random words.
func TestMatchWordSameAsLevenshtein(t *testing.T) {
	ref := func(p wordPat, w string) bool {
		if p.prefix {
			if len(w) >= len(p.s) && w[:len(p.s)] == p.s {
				return true
			}
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
		return w == p.s || len([]rune(p.s)) >= minFuzzy && abs(len([]rune(w))-len([]rune(p.s))) <= 1 &&
			levenshtein.ComputeDistance(w, p.s) <= 1
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("aäb")
	word := func(n int) string {
		w := make([]rune, n)
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(w)
	}
	for range 5000 {
		s := word(5 + r.IntN(6))
		for _, prefix := range []bool{false, true} {
			p := wordPat{s: s, n: len([]rune(s)), prefix: prefix}
			for range 10 {
				w := word(r.IntN(14))
				if got, want := p.matchWord(w), ref(p, w); got != want {
					t.Fatalf("%+v.matchWord(%q) = %v, the Levenshtein rule says %v", p, w, got, want)
				}
			}
		}
	}
}
