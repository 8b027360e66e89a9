package handlers

import (
	"context"
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// answerCrisis answers a crisis at once and first: emergency numbers, the
// help lines that fit, the county's Jugendamt for a child, then the local
// provider when the place is known. No question comes before the numbers,
// and nothing of the message is kept: the state is left as it was.
func (h *Handler) answerCrisis(ctx context.Context, t *turn, cls intent.Result, res directory.Result) error {
	lang := h.lang(t)
	if h.cfg.CrisisAnswered != nil {
		h.cfg.CrisisAnswered(lang)
	}
	n := func(s string) string { return embedNum(lang, s) }
	line := func(id string, data map[string]any) string { return h.text(lang, id, data) }
	violence := cls.Has(intent.KindViolence) || cls.Has(intent.KindThreat)
	sexual := cls.Has(intent.KindSexual)
	child := cls.Has(intent.KindChild)

	lines := []string{
		line("crisis_intro", nil),
		line("crisis_acute", map[string]any{"Police": n(numberPolice), "Rescue": n(numberRescue)}),
	}
	if violence || sexual {
		lines = append(lines, line("crisis_women", map[string]any{"Number": n(numberWomen)}))
	}
	if violence {
		lines = append(lines, line("crisis_men", map[string]any{"Number": n(numberMen)}))
	}
	if child {
		if l := h.youthOfficeLine(lang); l != "" {
			lines = append(lines, l)
		}
	}
	if sexual || child {
		lines = append(lines, line("crisis_abuse", map[string]any{"Number": n(numberAbuse)}))
	}
	if child {
		lines = append(lines, line("crisis_kids", map[string]any{"Number": n(numberChild)}))
	}
	lines = append(lines, line("crisis_seelsorge", map[string]any{"Number1": n(numberSeelsorge1), "Number2": n(numberSeelsorge2)}))
	if d, ok := h.knownDistrict(t, res); ok {
		lines = append(lines, "", h.providerLine(lang, d))
	} else {
		lines = append(lines, "", line("crisis_place", nil))
	}
	return h.send(ctx, t, Message{Text: strings.Join(lines, "\n")})
}

// youthOfficeLine names the county's Jugendamt for child protection: with its
// number when the directory has a verified one, else with its address, the
// police standing in for acute danger. Empty when the directory names none.
func (h *Handler) youthOfficeLine(lang string) string {
	yo := h.cfg.Directory.Programme().YouthOffice
	if yo.Name == "" {
		return ""
	}
	data := map[string]any{
		"Name":    i18n.Embed(lang, esc(yo.Name)),
		"Address": i18n.Embed(lang, esc(yo.Address)),
		"Police":  embedNum(lang, numberPolice),
	}
	if yo.Phone != "" {
		data["Number"] = embedNum(lang, yo.Phone)
		return h.text(lang, "crisis_jugendamt", data)
	}
	return h.text(lang, "crisis_jugendamt_address", data)
}
