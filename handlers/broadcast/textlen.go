package broadcast

import (
	"html"
	"strings"
	"unicode/utf16"
)

// TextLength is the length Telegram counts for an HTML message: the text without
// tags, entities decoded, in UTF-16 code units (an emoji counts two).
func TextLength(htmlText string) int {
	var b strings.Builder
	inTag := false
	for _, r := range htmlText {
		switch {
		case inTag:
			if r == '>' {
				inTag = false
			}
		case r == '<':
			inTag = true
		default:
			b.WriteRune(r)
		}
	}
	n := 0
	for _, r := range html.UnescapeString(b.String()) {
		n += utf16.RuneLen(r)
	}
	return n
}
