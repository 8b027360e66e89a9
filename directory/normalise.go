package directory

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Matching works on folded text: lower-case ASCII letters and digits, other
// accents dropped, and ä, ö, ü, ß spelled out as ae, oe, ue, ss (the German
// way, so "Adolfsglück" and "Adolfsglueck" fold alike). The plain form folds ä,
// ö, ü to a, o, u instead ("Adolfsgluck"); names are indexed in both forms.
// Everything else separates tokens.

const (
	maxTokens   = 64  // tokens of a query considered; the rest of a very long text is ignored
	maxTokenLen = 40  // longer tokens are cut (no place name is that long)
	maxFolded   = 512 // bytes of folded text kept per query
)

// span is one token of folded text: buf[start:end].
type span struct {
	start, end int
	digits     bool
	upper      bool // written with a capital first letter
}

// tokens is a folded, tokenised text; buf holds the folded bytes of all tokens.
type tokens struct {
	buf  []byte
	list []span
	// umlauts counts ä, ö, ü; foreign counts letters outside the Latin script
	// (they separate tokens).
	umlauts, foreign int
}

func (t *tokens) bytes(i int) []byte { s := t.list[i]; return t.buf[s.start:s.end] }

// tokenise folds s into t, reusing t's storage; plain folds umlauts to their
// base letter.
func tokenise(s string, t *tokens, plain bool) {
	t.buf = t.buf[:0]
	t.list = t.list[:0]
	t.umlauts, t.foreign = 0, 0
	open := false
	closeTok := func() {
		if open {
			t.list[len(t.list)-1].end = len(t.buf)
			open = false
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		var one, two byte
		digit := false
		switch {
		case r >= 'a' && r <= 'z':
			one = byte(r)
		case r >= 'A' && r <= 'Z':
			one = byte(r) + 'a' - 'A'
		case r >= '0' && r <= '9':
			one, digit = byte(r), true
		case r < 0x80 || r == utf8.RuneError:
		case r == 'ä' || r == 'Ä':
			one, two = 'a', 'e'
		case r == 'ö' || r == 'Ö':
			one, two = 'o', 'e'
		case r == 'ü' || r == 'Ü':
			one, two = 'u', 'e'
		case r == 'ß' || r == 'ẞ':
			one, two = 's', 's'
		case unicode.Is(unicode.Mn, r):
			// A combining mark continues the token; a combining diaeresis
			// after a, o, u makes it an umlaut.
			if open && r == '\u0308' && len(t.buf) > t.list[len(t.list)-1].start {
				switch t.buf[len(t.buf)-1] {
				case 'a', 'o', 'u':
					t.umlauts++
					if !plain && len(t.buf)-t.list[len(t.list)-1].start < maxTokenLen {
						t.buf = append(t.buf, 'e')
					}
				}
			}
			continue
		default:
			if b := baseLetter(r); b != 0 {
				one = b
			} else if unicode.IsLetter(r) {
				t.foreign++
			}
		}
		if one == 0 {
			closeTok()
			continue
		}
		if two == 'e' {
			t.umlauts++
			if plain {
				two = 0
			}
		}
		if open && t.list[len(t.list)-1].digits != digit {
			closeTok()
		}
		if !open {
			if len(t.list) >= maxTokens || len(t.buf)+maxTokenLen > maxFolded {
				return
			}
			t.list = append(t.list, span{start: len(t.buf), digits: digit, upper: unicode.IsUpper(r)})
			open = true
		}
		if n := len(t.buf) - t.list[len(t.list)-1].start; n < maxTokenLen {
			t.buf = append(t.buf, one)
			if two != 0 && n+1 < maxTokenLen {
				t.buf = append(t.buf, two)
			}
		}
	}
	closeTok()
}

// baseLetter returns the lower-case ASCII letter a Latin letter with accents is
// based on (é -> e, Å -> a), or 0.
func baseLetter(r rune) byte {
	if r < 0x80 {
		switch {
		case r >= 'a' && r <= 'z':
			return byte(r)
		case r >= 'A' && r <= 'Z':
			return byte(r) + 'a' - 'A'
		}
		return 0
	}
	if !unicode.Is(unicode.Latin, r) {
		return 0
	}
	if r == 'ı' { // Turkish dotless i has no decomposition
		return 'i'
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	d := norm.NFD.Properties(b[:n]).Decomposition()
	if len(d) == 0 || d[0] >= 0x80 {
		return 0
	}
	c := d[0]
	switch {
	case c >= 'a' && c <= 'z':
		return c
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A'
	}
	return 0
}

// fold returns the folded tokens of s, joined without separators.
func fold(s string, plain bool) string {
	var t tokens
	tokenise(s, &t, plain)
	return string(t.buf)
}
