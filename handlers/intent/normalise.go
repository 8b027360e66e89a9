package intent

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxWords is how many words of a text are classified; a longer text is cut.
const maxWords = 200

// words cuts a text into normalised words: lower case; Latin letters without
// diacritics (ä -> a, ş -> s, ı -> i, ß -> ss); Cyrillic ё -> е, ї -> і,
// ґ -> г and apostrophes inside a word dropped (б'є -> бє); Arabic letter
// variants unified (أ إ آ -> ا, ى -> ي, ة -> ه) and diacritics and tatweel
// dropped. Everything else separates words.
func words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(norm.NFD.String(s))
	for i := 0; i < len(rs) && len(out) < maxWords; i++ {
		r := unicode.ToLower(rs[i])
		switch {
		case unicode.Is(unicode.Mn, r):
			// Diacritics fall away (NFD split ä into a and U+0308, أ into
			// ا and a hamza); only й keeps its breve.
			if r == '\u0306' && b.Len() > 0 && strings.HasSuffix(b.String(), "и") {
				s := b.String()
				b.Reset()
				b.WriteString(strings.TrimSuffix(s, "и") + "й")
			}
			continue
		case r == '\'' || r == 'ʼ' || r == '’' || r == '`' || r == 'ʻ':
			if b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) && !unicode.Is(unicode.Arabic, rs[i+1]) {
				continue // б'є, don't, Soltau'da
			}
			flush()
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ı':
			b.WriteByte('i')
		case r == 'ґ':
			b.WriteRune('г')
		case r == 'ٱ':
			b.WriteRune('ا')
		case r == 'ى':
			b.WriteRune('ي')
		case r == 'ة':
			b.WriteRune('ه')
		case r == 'ـ':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// script tells the main script of a text: 'L' Latin, 'C' Cyrillic, 'A' Arabic, 0 none.
func script(ws []string) rune {
	var latin, cyr, arab int
	for _, w := range ws {
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Arabic, r):
				arab++
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
			case unicode.Is(unicode.Latin, r):
				latin++
			}
		}
	}
	switch {
	case arab > cyr && arab > latin:
		return 'A'
	case cyr > latin:
		return 'C'
	case latin > 0:
		return 'L'
	}
	return 0
}
