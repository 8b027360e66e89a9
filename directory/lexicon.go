package directory

// No place from ordinary words.
//
// Typo tolerance and sound-alike matching are what let "Dorfmak" find
// Dorfmark, and also what turned "mehr" into Möhr, "meinem" into Einem and
// "haben" into Höpen. The protection is built from data: lexicons of the most
// frequent words of German, English, Turkish, Ukrainian, Russian and Arabic
// (data/lexicon/*.txt, sources and licences in their headers and the README).
//
//   - A frequent word never starts a typo or sound-alike match: it names a
//     place only when it is the place's name as written (after folding).
//   - A run of several words is searched with typos only when one of its
//     words is not a frequent word.
//   - A place whose name is itself a frequent word ("Einem", "Texas",
//     "Westen") is common: inside a longer text it counts only written
//     exactly, and only capitalised or right after "in", "aus", "from", ...
//     (see scratch.weak).

import (
	"bufio"
	"bytes"
	"embed"
	"io/fs"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

//go:embed data/lexicon/*.txt
var lexiconFiles embed.FS

// lexicon is the set of frequent words: Latin-script words folded both ways
// (see tokenise), words of other scripts lower-cased.
type lexicon struct {
	latin map[string]bool
	other map[string]bool
}

// ordinaryWords loads the embedded lexicons once; they never change.
var ordinaryWords = sync.OnceValue(func() *lexicon {
	lx := &lexicon{latin: map[string]bool{}, other: map[string]bool{}}
	files, err := fs.Glob(lexiconFiles, "data/lexicon/*.txt")
	if err != nil {
		panic(err) // the pattern is constant
	}
	lower := cases.Lower(language.Und)
	for _, name := range files {
		b, err := lexiconFiles.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			w := strings.TrimSpace(sc.Text())
			if w == "" || w[0] == '#' {
				continue
			}
			if f := fold(w, false); f != "" && isFoldedWord(w, f) {
				lx.latin[f] = true
				lx.latin[fold(w, true)] = true
				continue
			}
			if o := normaliseOther(lower.String(w)); o != "" {
				lx.other[o] = true
			}
		}
	}
	return lx
})

// isFoldedWord reports whether folding w kept it one word of the Latin script
// (folding drops other scripts and splits at what it does not know).
func isFoldedWord(w, folded string) bool {
	var t tokens
	tokenise(w, &t, false)
	return len(t.list) == 1 && t.foreign == 0 && string(t.bytes(0)) == folded
}

// normaliseOther folds the letter variants of Arabic script that people type
// interchangeably (أ إ آ -> ا, ى -> ي, ة -> ه) and drops its diacritics.
func normaliseOther(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x0600 && r <= 0x06FF }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			r = 'ا'
		case r == 'ى':
			r = 'ي'
		case r == 'ة':
			r = 'ه'
		case r >= 0x064B && r <= 0x065F || r == 0x0670 || r == 0x0640: // harakat, superscript alef, tatweel
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IsOrdinaryWord reports whether word (one word, any script, any case) is one
// of the frequent words of the lexicons, which never name a place by a typo
// or by sound. It is meant for code that turns words of other scripts into
// Latin ones (transliteration) before resolving: an ordinary Cyrillic or
// Arabic word should not become a place either.
func IsOrdinaryWord(word string) bool {
	if !utf8.ValidString(word) || strings.TrimSpace(word) == "" {
		return false
	}
	lx := ordinaryWords()
	if f := fold(word, false); f != "" && isFoldedWord(word, f) {
		return lx.latin[f]
	}
	return lx.other[normaliseOther(cases.Lower(language.Und).String(strings.TrimSpace(word)))]
}

// ordinary reports whether the folded word w is a frequent word.
func (ix *index) ordinary(w []byte) bool { return ix.lexicon.latin[string(w)] }

// fuzzyRun reports whether the content words first..last of t may be searched
// with typos or by sound: not when every one of them is a frequent word.
func (s *scratch) fuzzyRun(ix *index, t *tokens, first, last int) bool {
	for c := first; c <= last; c++ {
		if !ix.ordinary(t.bytes(s.content[c])) {
			return true
		}
	}
	return false
}

// markCommon flags the keys of places that are frequent words themselves.
func (ix *index) markCommon() {
	for k := range ix.keys {
		key := &ix.keys[k]
		if key.words == 1 && ix.lexicon.latin[key.s] {
			key.common = true
		}
	}
}

// commonInSentence reports whether h names a common key (a frequent word)
// inside a longer text without the signs of a place name: written otherwise
// than exactly, or lower-case and not right after "in", "aus", "from", ...
func (s *scratch) commonInSentence(ix *index, h hit) bool {
	if h.key < 0 || !ix.keys[h.key].common || len(s.content) < 2 {
		return false
	}
	if h.method != MethodNormalised || h.first != h.last {
		return true
	}
	ti := s.content[h.first]
	w := s.t.bytes(ti)
	prep := ti > 0 && placePrepositions[string(s.t.bytes(ti-1))]
	return !(s.t.list[ti].upper || prep && !fillers[string(w)])
}
