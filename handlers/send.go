package handlers

import (
	"context"
	"html"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// Telegram limits the conversation enforces.
const (
	maxCallbackBytes = 64  // callback_data
	maxInlineResults = 50  // answerInlineQuery results
	maxCallbackNote  = 200 // answerCallbackQuery text
	excerptRunes     = 40  // at most this much user text is echoed
)

// send sends an HTML message into the turn's chat in the turn's language: lines
// of right-to-left languages get their direction marks, the text is kept within
// Telegram's length limit and buttons with invalid callback data are dropped.
func (h *Handler) send(ctx context.Context, t *turn, m Message) error {
	return h.sendLang(ctx, t.r, t.u.ChatID, h.lang(t), m)
}

func (h *Handler) sendLang(ctx context.Context, r Replier, chatID int64, lang string, m Message) error {
	m.Text = limitText(i18n.FixLines(lang, m.Text), htmltext.MaxMessage)
	m.Buttons = h.validButtons(m.Buttons)
	return r.Send(ctx, chatID, m)
}

// say sends one catalogue message.
func (h *Handler) say(ctx context.Context, t *turn, id string, data map[string]any) error {
	return h.send(ctx, t, Message{Text: h.text(h.lang(t), id, data)})
}

// validButtons drops buttons Telegram would reject (empty or oversized data).
func (h *Handler) validButtons(rows [][]Button) [][]Button {
	if rows == nil {
		return nil
	}
	out := make([][]Button, 0, len(rows))
	for _, row := range rows {
		var keep []Button
		for _, b := range row {
			if b.URL == "" && (b.Data == "" || len(b.Data) > maxCallbackBytes) {
				h.cfg.Logger.Error("dropping a button with invalid callback data", "bytes", len(b.Data))
				continue
			}
			keep = append(keep, b)
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out
}

// limitText cuts an HTML text at a line boundary so that Telegram counts at most max
// characters (htmltext.Len).
// Messages are built from lines with balanced markup, so no tag is cut open.
func limitText(s string, max int) string {
	if htmltext.Len(s) <= max {
		return s
	}
	// Drop whole lines from the end (the templates keep tags within a line), so
	// no tag or entity is cut in half.
	lines := strings.Split(s, "\n")
	n, keep := 0, 0
	for keep < len(lines) {
		// +1 for the line's newline; the cut text ends in "\n…" (2 more).
		if n+htmltext.Len(lines[keep])+1+2 > max {
			break
		}
		n += htmltext.Len(lines[keep]) + 1
		keep++
	}
	if keep > 0 {
		return strings.Join(lines[:keep], "\n") + "\n…"
	}
	// One enormous line: send its plain text, escaped, cut to fit.
	var b strings.Builder
	n = 0
	for _, r := range htmltext.Plain(s) {
		if n += utf16.RuneLen(r); n > max-1 {
			break
		}
		b.WriteRune(r)
	}
	return html.EscapeString(b.String()) + "…"
}

// esc escapes a data or user text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// excerpt is a short, single-line, escaped piece of user text to echo back.
func excerpt(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > excerptRunes {
		s = string(r[:excerptRunes]) + "…"
	}
	return esc(s)
}

// truncRunes shortens plain text to n runes.
func truncRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
