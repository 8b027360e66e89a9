package handlers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sanitize is the one cleaning every text that comes in passes before anything
// reads, stores or quotes it: parent messages, the staff's announcement text and
// place (they arrive as messages too), inline queries and callback data (which
// is refused when it needed cleaning).
//
//   - invalid UTF-8 is dropped;
//   - line breaks are kept as "\n" (also "\r\n", "\r", U+0085, U+2028, U+2029), tabs are kept;
//   - every other control character (C0, DEL, C1, NUL included) is dropped;
//   - bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
//     U+061C) are dropped: they can reorder what staff and parents see;
//   - invisible characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD,
//     U+180E) are dropped, except a zero-width joiner between two symbols, which
//     joins emoji such as 👨‍👩‍👧 and hides nothing;
//   - the result is normalised to NFC.
//
// A text of nothing but such characters becomes "" and is answered as an empty message.
func sanitize(s string) string {
	if isPlain(s) {
		return s // the common case costs one scan and no allocation
	}
	rs := []rune(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				continue // "\r\n": the "\n" follows
			}
			b.WriteByte('\n')
		case r == '\n', r == '\t':
			b.WriteRune(r)
		case r == '\u0085', r == '\u2028', r == '\u2029':
			b.WriteByte('\n')
		case r == '\u200d':
			if i > 0 && i+1 < len(rs) && isEmojiPart(rs[i-1]) && isEmojiPart(rs[i+1]) {
				b.WriteRune(r)
			}
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), invisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// isPlain reports whether s is valid UTF-8 in NFC with nothing sanitize removes.
func isPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
			invisible(r) || r == '\u200d' || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return norm.NFC.IsNormalString(s)
}

// invisible reports the zero-width and other invisible characters sanitize drops
// (the zero-width joiner is decided by its neighbours).
func invisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff', '\u00ad', '\u180e':
		return true
	}
	return false
}

// isEmojiPart reports symbols that a zero-width joiner may join (emoji and their
// variation selector and skin tones).
func isEmojiPart(r rune) bool {
	return unicode.Is(unicode.So, r) || r == '\ufe0f' || (r >= 0x1f3fb && r <= 0x1f3ff)
}

// sanitizeUpdate cleans every text of an update (see sanitize).
func sanitizeUpdate(u Update) Update {
	u.Text = sanitize(u.Text)
	if u.Callback != nil {
		// The bot's own callback data is plain ASCII: data the sanitiser would change
		// is forged, and is made invalid (answered as a stale button) rather than
		// repaired into something that looks like ours.
		cb := *u.Callback
		if sanitize(cb.Data) != cb.Data {
			cb.Data = ""
		}
		u.Callback = &cb
	}
	if u.Inline != nil {
		iq := *u.Inline
		iq.Query = sanitize(iq.Query)
		u.Inline = &iq
	}
	u.User.LanguageCode = sanitize(u.User.LanguageCode)
	u.User.FirstName = sanitize(u.User.FirstName)
	if u.Contact != nil {
		c := *u.Contact
		c.Phone, c.FirstName = sanitize(c.Phone), sanitize(c.FirstName)
		u.Contact = &c
	}
	return u
}
