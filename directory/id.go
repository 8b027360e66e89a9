package directory

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxIDLen is the longest place id: it goes into 64-byte Telegram callback data.
const maxIDLen = 40

// placeID derives a stable id from a place's name and municipality:
// "marbostel-wietzendorf" for an Ortsteil, "soltau" for the municipality itself.
func placeID(name, municipality string) string {
	n, m := slug(name), slug(municipality)
	if n == m || m == "" {
		return n
	}
	return n + "-" + m
}

// slug folds a name to [a-z0-9-]: umlauts become ae/oe/ue, ß becomes ss, other
// accents are dropped and every run of other characters becomes one hyphen.
func slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFC.String(strings.ToLower(s)) {
		var add string
		switch r {
		case 'ä':
			add = "ae"
		case 'ö':
			add = "oe"
		case 'ü':
			add = "ue"
		case 'ß':
			add = "ss"
		default:
			if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				add = string(r)
			} else if base := baseLetter(r); base != 0 {
				add = string(base)
			}
		}
		if add == "" {
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteString(add)
	}
	return b.String()
}

// validID reports whether id is non-empty, at most maxIDLen bytes of [a-z0-9-],
// without leading, trailing or doubled hyphens.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen || id[0] == '-' || id[len(id)-1] == '-' || strings.Contains(id, "--") {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
