package i18n

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

// Directional marks of the Unicode bidirectional algorithm.
const (
	RLM = "\u200F" // right-to-left mark: a strong RTL character of zero width
	LRE = "\u202A" // left-to-right embedding: starts an LTR run inside RTL text
	PDF = "\u202C" // pop directional formatting: ends the embedding
)

// IsRTL reports whether lang is written right to left.
func IsRTL(lang string) bool {
	return Match(lang) == "ar"
}

// Embed returns s wrapped in a left-to-right embedding when lang is RTL and s
// contains left-to-right text or digits (place names, phone numbers), so that it
// keeps its order inside an Arabic sentence; otherwise s unchanged.
func Embed(lang, s string) string {
	if !IsRTL(lang) || s == "" || !hasLTR(s) {
		return s
	}
	return LRE + s + PDF
}

// FixLines prefixes every line of an RTL message whose first visible character is
// not right-to-left (Latin text, digits, punctuation, an embedding) with an RLM,
// so that the client lays the line out right to left. Markup (<b>) and entities
// are skipped when looking for the first character. Other languages are unchanged.
func FixLines(lang, html string) string {
	if !IsRTL(lang) {
		return html
	}
	lines := strings.Split(html, "\n")
	for i, l := range lines {
		if needsRLM(l) {
			lines[i] = RLM + l
		}
	}
	return strings.Join(lines, "\n")
}

// needsRLM reports whether the first visible character of an HTML line is not a
// strong right-to-left character.
func needsRLM(line string) bool {
	for i := 0; i < len(line); {
		switch line[i] {
		case '<': // skip a tag
			if j := strings.IndexByte(line[i:], '>'); j >= 0 {
				i += j + 1
				continue
			}
		case '&': // an entity is a visible neutral character such as "&lt;"
			return true
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			return false
		default:
			return true
		}
	}
	return false // empty line
}

// hasLTR reports whether s holds a left-to-right letter or a digit.
func hasLTR(s string) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L, bidi.EN, bidi.AN:
			return true
		}
	}
	return false
}
