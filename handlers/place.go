package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

const (
	// maxPlaceTextRunes: longer texts are not resolved but answered with a hint.
	maxPlaceTextRunes = 1000
	// maxChoices is how many candidate buttons an answer offers.
	maxChoices = 6
	// stepChoosePlace: the chat was asked which of several places it means.
	stepChoosePlace = "choose_place"
	// stepPlaceForSubscription: /abo was sent before any place; subscribe after it.
	stepPlaceForSubscription = "place_for_subscription"
	// stepPlaceForCallback: /rueckruf was sent before any place; start it after the card.
	stepPlaceForCallback = "place_for_callback"
	// stepConfirmDelete: /loeschen waits for its confirmation button.
	stepConfirmDelete = "confirm_delete"
)

// answerResult answers one resolver result.
func (h *Handler) answerResult(ctx context.Context, t *turn, res directory.Result, query string) error {
	lang := h.lang(t)
	switch res.Status {
	case directory.StatusMatch:
		if d, ok := h.cfg.Directory.District(res.District); ok {
			return h.answerDistrict(ctx, t, d, res.Place, "")
		}
		h.cfg.Logger.Error("resolver matched an unknown district", "district", res.District)
	case directory.StatusAmbiguous:
		if len(res.Candidates) > 0 {
			return h.askChoice(ctx, t, "ambiguous", query, res.Candidates)
		}
	case directory.StatusOutside:
		if res.Outside != nil {
			return h.say(ctx, t, "outside", map[string]any{
				"Place":  i18n.Embed(lang, esc(res.Outside.Name)),
				"County": i18n.Embed(lang, esc(res.Outside.County)),
			})
		}
	}
	if len(res.Candidates) > 0 {
		return h.askChoice(ctx, t, "unknown_suggest", query, res.Candidates)
	}
	return h.say(ctx, t, "unknown_none", map[string]any{"Query": i18n.Embed(lang, excerpt(query))})
}

// askChoice asks which of the candidates the parent means, with one button each.
// The buttons carry a nonce that ties them to this question.
func (h *Handler) askChoice(ctx context.Context, t *turn, id, query string, cands []directory.Candidate) error {
	lang := h.lang(t)
	nonce := newNonce()
	var rows [][]Button
	var ids []string
	seen := map[string]bool{}
	for _, c := range cands {
		if len(rows) == maxChoices || c.Place.ID == "" || seen[c.Place.ID] {
			continue
		}
		seen[c.Place.ID] = true
		ids = append(ids, c.Place.ID)
		rows = append(rows, []Button{{Text: placeLabel(c.Place), Data: cbData(cbPlace, nonce, c.Place.ID)}})
	}
	rows = append(rows, []Button{{Text: h.text(lang, "btn_other_place", nil), Data: cbData(cbOtherPlace)}})
	if !isStaffStep(t.st.Step) && t.st.Step != stepPlaceForSubscription && t.st.Step != stepPlaceForCallback {
		t.st.Step = stepChoosePlace
	}
	t.st.Candidates, t.st.Nonce = ids, nonce
	return h.send(ctx, t, Message{
		Text:    h.text(lang, id, map[string]any{"Query": i18n.Embed(lang, excerpt(query))}),
		Buttons: rows,
	})
}

// placeLabel names a place on a button: "Ostenholz (Osterheide)" when the
// municipality is not in the name, else the name.
func placeLabel(p directory.Place) string {
	if p.Municipality != "" && !strings.Contains(p.Name, p.Municipality) {
		return truncRunes(p.Name+" ("+p.Municipality+")", 60)
	}
	return truncRunes(p.Name, 60)
}

// askPlace asks for the place again (after "another place" or a stale button).
func (h *Handler) askPlace(ctx context.Context, t *turn, id string) error {
	if !isStaffStep(t.st.Step) && t.st.Step != stepPlaceForSubscription && t.st.Step != stepPlaceForCallback {
		t.st.Step = ""
	}
	t.st.Candidates, t.st.Nonce = nil, ""
	m := Message{Text: h.text(h.lang(t), id, nil)}
	if t.u.Private {
		m.LocationButton = h.text(h.lang(t), "btn_location", nil)
	}
	return h.send(ctx, t, m)
}

var nonceEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newNonce returns 6 random characters of [a-z2-7].
func newNonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return nonceEncoding.EncodeToString(b[:])[:6]
}
