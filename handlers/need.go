package handlers

import (
	"context"
	"slices"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// needGeneral is the remembered need when the message named no topic.
const needGeneral = "general"

// answerNeed acknowledges a need and remembers its topic (never the text).
// With a place in the message it answers with the card, the matching
// offering first; otherwise it says that the provider helps with exactly
// that and asks where the parent lives.
func (h *Handler) answerNeed(ctx context.Context, t *turn, cls intent.Result, res directory.Result, text string) error {
	lang := h.lang(t)
	need := needGeneral
	if len(cls.Topics) > 0 {
		need = cls.Topics[0]
	}
	t.need = need
	if t.stateOK {
		t.st.Need = need
	}
	switch res.Status {
	case directory.StatusMatch:
		if d, ok := h.cfg.Directory.District(res.District); ok {
			return h.answerDistrict(ctx, t, d, res.Place, "")
		}
	case directory.StatusAmbiguous, directory.StatusOutside:
		return h.answerResult(ctx, t, res, text)
	}
	m := Message{Text: h.text(lang, "need_ack", map[string]any{
		"Topic": h.text(lang, "need_topic_"+need, nil), "Police": embedNum(lang, numberPolice),
	})}
	if d, ok := h.knownDistrict(t, res); ok {
		// The place is known from before: the provider right away.
		m.Text = h.text(lang, "need_ack_known", map[string]any{"Topic": h.text(lang, "need_topic_"+need, nil)}) +
			"\n\n" + h.providerLine(lang, d)
		m.Buttons = h.cardButtons(t, lang, d)
	} else if t.u.Private {
		m.LocationButton = h.text(lang, "btn_location", nil)
	}
	return h.send(ctx, t, m)
}

// forNeed prepares a card for the need of this turn or the remembered one:
// the matching offering first, and a line saying that the provider helps
// with it before prefix.
func (h *Handler) forNeed(t *turn, d directory.District, prefix string) (directory.District, string) {
	need := t.need
	if need == "" {
		need = t.st.Need
	}
	if need == "" {
		return d, prefix
	}
	d.Offerings = offeringsFirst(d.Offerings, need)
	lang := h.lang(t)
	line := h.text(lang, "need_card", map[string]any{"Topic": h.text(lang, "need_topic_"+need, nil)})
	if prefix != "" {
		return d, prefix + "\n" + line
	}
	return d, line
}

// offeringsFirst returns the offerings with the one of id first (a copy).
func offeringsFirst(os []directory.Offering, id string) []directory.Offering {
	i := slices.IndexFunc(os, func(o directory.Offering) bool { return o.ID == id })
	if i <= 0 {
		return os
	}
	out := make([]directory.Offering, 0, len(os))
	out = append(out, os[i])
	out = append(out, os[:i]...)
	return append(out, os[i+1:]...)
}

// needName is the remembered need as the parent reads it (for /meinedaten).
func (h *Handler) needName(lang, need string) string {
	if !h.cat.Has(i18n.Default, "need_topic_"+need) {
		return need
	}
	return h.text(lang, "need_topic_"+need, nil)
}
