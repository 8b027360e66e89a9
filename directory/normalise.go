package directory

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Matching works on folded text: lower-case ASCII letters and digits, umlauts
// and ß spelled out and then reduced (ä, ae and a all become "a"; ß becomes
// "ss"), other accents dropped. Everything else separates tokens.

const (
	maxTokens   = 64  // tokens of a query considered; the rest of a very long text is ignored
	maxTokenLen = 48  // longer tokens are cut (no place name is that long)
	maxFolded   = 512 // bytes of folded text kept per query
)

// span is one token of folded text: text[start:end], from the original bytes orig[ostart:oend].
type span struct {
	start, end   int
	ostart, oend int
	digits       bool
}

// tokens is a folded, tokenised text; buf holds the folded bytes of all tokens.
type tokens struct {
	buf  []byte
	list []span
	// foreign counts letters outside the Latin script (they separate tokens).
	foreign int
}

func (t *tokens) text(i int) string  { s := t.list[i]; return string(t.buf[s.start:s.end]) }
func (t *tokens) bytes(i int) []byte { s := t.list[i]; return t.buf[s.start:s.end] }

// tokenise folds s into t, reusing t's storage.
func tokenise(s string, t *tokens) {
	t.buf = t.buf[:0]
	t.list = t.list[:0]
	t.foreign = 0
	cur := -1 // index of the open token, -1 when none
	closeTok := func(end int) {
		if cur >= 0 {
			sp := &t.list[cur]
			sp.end = len(t.buf)
			sp.oend = end
			// fold vowel+e spellings: "ae"->"a", "oe"->"o", "ue"->"u"
			if !sp.digits {
				w := sp.start
				for r := sp.start; r < sp.end; r++ {
					c := t.buf[r]
					if c == 'e' && w > sp.start {
						p := t.buf[w-1]
						if p == 'a' || p == 'o' || p == 'u' {
							continue
						}
					}
					t.buf[w] = c
					w++
				}
				sp.end = w
				t.buf = t.buf[:w]
			}
			if sp.end == sp.start {
				t.list = t.list[:cur]
			}
			cur = -1
		}
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		var add string
		var one byte
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
			one = 'a'
		case r == 'ö' || r == 'Ö':
			one = 'o'
		case r == 'ü' || r == 'Ü':
			one = 'u'
		case r == 'ß' || r == 'ẞ':
			add = "ss"
		default:
			if b := baseLetter(r); b != 0 {
				one = b
			} else if unicode.IsLetter(r) {
				t.foreign++
			} else if unicode.Is(unicode.Mn, r) {
				// a combining mark (decomposed umlaut or accent) continues the token
				i += size
				continue
			}
		}
		if one == 0 && add == "" {
			closeTok(i)
			i += size
			continue
		}
		if cur >= 0 && t.list[cur].digits != digit {
			closeTok(i)
		}
		if cur < 0 {
			if len(t.list) >= maxTokens || len(t.buf)+maxTokenLen > maxFolded {
				return
			}
			t.list = append(t.list, span{start: len(t.buf), ostart: i, digits: digit})
			cur = len(t.list) - 1
		}
		if len(t.buf)-t.list[cur].start < maxTokenLen {
			if add != "" {
				t.buf = append(t.buf, add...)
			} else {
				t.buf = append(t.buf, one)
			}
		}
		i += size
	}
	closeTok(len(s))
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

// fold returns the folded tokens of a name, joined without separators.
func fold(s string) string {
	var t tokens
	tokenise(s, &t)
	return string(t.buf)
}
