package handlers

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// maxInlineQueryRunes: Telegram sends at most 256 characters; longer is not a place.
const maxInlineQueryRunes = 256

// handleInline answers "@bot Dorfmark" typed in any chat with the provider's
// contact card and the answer card, ready to share. Ambiguous or misspelled
// queries offer the candidates' districts; anything else a short hint.
func (h *Handler) handleInline(ctx context.Context, r Replier, u Update) error {
	lang := h.langOf(u, nil)
	q := strings.TrimSpace(u.Inline.Query)
	var results []InlineResult
	if q != "" && utf8.RuneCountInString(q) <= maxInlineQueryRunes {
		res := h.cfg.Directory.Resolve(strings.ToValidUTF8(q, ""))
		if h.cfg.Observe != nil {
			h.cfg.Observe(res.Status)
		}
		results = h.inlineResults(lang, res)
	}
	if len(results) == 0 {
		bot := "Sozialraumbot"
		if h.botUsername() != "" {
			bot = "@" + h.botUsername()
		}
		results = []InlineResult{{
			ID:          "help",
			Title:       h.text(lang, "inline_help_title", nil),
			Description: h.text(lang, "inline_help_desc", nil),
			Text:        i18n.FixLines(lang, h.text(lang, "inline_help_text", map[string]any{"Bot": esc(bot)})),
		}}
	}
	if len(results) > maxInlineResults {
		results = results[:maxInlineResults]
	}
	return r.AnswerInline(ctx, u.Inline.ID, results)
}

// inlineResults are, per matching place (best first): its answer card as an
// article and its provider's contact card.
func (h *Handler) inlineResults(lang string, res directory.Result) []InlineResult {
	type hit struct {
		place    directory.Place
		district directory.District
	}
	var hits []hit
	add := func(p directory.Place) {
		if d, ok := h.cfg.Directory.District(p.District); ok {
			hits = append(hits, hit{p, d})
		}
	}
	switch {
	case res.Status == directory.StatusMatch && res.Place != nil:
		add(*res.Place)
	case res.Status == directory.StatusOutside:
		if o := res.Outside; o != nil {
			return []InlineResult{{
				ID: "outside", Title: o.Name + " – " + o.County,
				Description: htmltext.Plain(h.text(lang, "location_outside", nil)),
				Text: i18n.FixLines(lang, h.text(lang, "outside", map[string]any{
					"Place": i18n.Embed(lang, esc(o.Name)), "County": i18n.Embed(lang, esc(o.County)),
				})),
			}}
		}
	default:
		for i, c := range res.Candidates {
			if i == maxChoices {
				break
			}
			add(c.Place)
		}
	}
	var out []InlineResult
	contactSent := map[string]bool{}
	for _, x := range hits {
		data := map[string]any{"Place": x.place.Name, "Provider": x.district.Provider, "District": x.district.Name}
		out = append(out, InlineResult{
			ID:          "a-" + x.place.ID,
			Title:       htmltext.Plain(h.text(lang, "inline_card_title", data)),
			Description: htmltext.Plain(h.text(lang, "inline_card_desc", data)),
			Text:        limitText(i18n.FixLines(lang, h.cardText(lang, x.district, &x.place)), htmltext.MaxMessage),
		})
		if contactSent[x.district.ID] {
			continue
		}
		contactSent[x.district.ID] = true
		for _, c := range h.contacts(x.district) {
			c := c
			out = append(out, InlineResult{
				ID:          "c-" + x.district.ID,
				Title:       htmltext.Plain(h.text(lang, "inline_contact_title", data)),
				Description: x.district.Name,
				Contact:     &c,
			})
		}
	}
	return out
}
