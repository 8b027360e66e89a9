// Package htmltext measures and flattens the HTML of Telegram's "HTML" parse mode:
// what a message looks like without its tags, and how long Telegram counts it.
package htmltext

import (
	"html"
	"strings"
	"unicode/utf16"
)

// Plain returns the text without tags and with entities decoded, as Telegram
// shows it (e.g. for inline result titles, which are plain text).
func Plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inTag := false
	for _, r := range s {
		switch {
		case inTag:
			inTag = r != '>'
		case r == '<':
			inTag = true
		default:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}

// Telegram's limits, counted as Len counts.
const (
	MaxMessage = 4096 // a text message
	MaxCaption = 1024 // the caption of a photo or document
)

// Len is the length Telegram counts for a message in HTML parse mode: the plain
// text in UTF-16 code units (an emoji outside the BMP counts two); compare it
// with MaxMessage or MaxCaption.
func Len(s string) int {
	n := 0
	for _, r := range Plain(s) {
		n += utf16.RuneLen(r)
	}
	return n
}
