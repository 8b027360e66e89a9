package handlers

import (
	"context"
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// cardText is the answer card: the place (when known), its district, the
// provider, the phone numbers, the offerings and where to read more.
func (h *Handler) cardText(lang string, d directory.District, p *directory.Place) string {
	var lines []string
	if p != nil {
		lines = append(lines, h.text(lang, "card_place", map[string]any{
			"Place": i18n.Embed(lang, esc(p.Name)), "District": i18n.Embed(lang, esc(d.Name)),
		}))
	} else {
		lines = append(lines, "<b>"+i18n.Embed(lang, esc(d.Name))+"</b>")
	}
	lines = append(lines, h.text(lang, "card_provider", map[string]any{"Provider": i18n.Embed(lang, esc(d.Provider))}))
	lines = append(lines, h.phoneLines(lang, d)...)
	if len(d.Offerings) > 0 {
		lines = append(lines, "", h.text(lang, "card_offerings", map[string]any{
			"List": i18n.Embed(lang, esc(strings.Join(offeringTexts(lang, d.Offerings), " · "))),
		}))
	}
	if u := h.moreInfoURL(d); u != "" {
		lines = append(lines, h.text(lang, "card_more", map[string]any{"URL": esc(u)}))
	}
	return strings.Join(lines, "\n")
}

// phoneLines lists the district's phone numbers, one per line, as published.
func (h *Handler) phoneLines(lang string, d directory.District) []string {
	var lines []string
	for _, ph := range d.Phones {
		icon, label := "☎", h.text(lang, "phone_work", nil)
		if ph.Mobile {
			icon, label = "📱", h.text(lang, "phone_mobile", nil)
		}
		lines = append(lines, icon+" "+label+": "+i18n.Embed(lang, esc(ph.Number)))
	}
	return lines
}

// phoneList is the district's numbers on one line.
func phoneList(lang string, d directory.District) string {
	nums := make([]string, 0, len(d.Phones))
	for _, ph := range d.Phones {
		nums = append(nums, i18n.Embed(lang, esc(ph.Number)))
	}
	return strings.Join(nums, ", ")
}

func (h *Handler) moreInfoURL(d directory.District) string {
	if d.MoreInfoURL != "" {
		return d.MoreInfoURL
	}
	return h.cfg.Directory.Programme().MoreInfoURL
}

// cardButtons are the answer card's buttons: contact card, offerings, a
// callback request (private chats of districts whose requests have a route),
// subscribe, another place.
func (h *Handler) cardButtons(t *turn, lang string, d directory.District) [][]Button {
	rows := [][]Button{
		{
			{Text: h.text(lang, "btn_contact", nil), Data: cbData(cbContact, d.ID)},
			{Text: h.text(lang, "btn_offerings", nil), Data: cbData(cbOfferings, d.ID)},
		},
	}
	if row := h.callbackButton(t, lang, d); row != nil {
		rows = append(rows, row)
	}
	return append(rows,
		[]Button{{Text: h.text(lang, "btn_subscribe", nil), Data: cbData(cbSubscribe, d.ID)}},
		[]Button{{Text: h.text(lang, "btn_other_place", nil), Data: cbData(cbOtherPlace)}},
	)
}

// answerDistrict sends the answer card for a place (or just a district) and
// remembers both. prefix, when not empty, is a first line (e.g. for a location).
func (h *Handler) answerDistrict(ctx context.Context, t *turn, d directory.District, p *directory.Place, prefix string) error {
	lang := h.lang(t)
	d, prefix = h.forNeed(t, d, prefix)
	text := h.cardText(lang, d, p)
	if prefix != "" {
		text = prefix + "\n\n" + text
	}
	t.st.District = d.ID
	if p != nil {
		t.st.Place = p.ID
	}
	t.st.Candidates, t.st.Nonce = nil, ""
	subscribeAfter := t.st.Step == stepPlaceForSubscription
	callbackAfter := t.st.Step == stepPlaceForCallback
	if !isStaffStep(t.st.Step) {
		t.st.Step = ""
	}
	// No RemoveKeyboard here: a message carries one reply markup, and the card
	// needs its inline buttons.
	m := Message{Text: text, Buttons: h.cardButtons(t, lang, d)}
	if err := h.send(ctx, t, m); err != nil {
		return err
	}
	if callbackAfter {
		return h.startCallback(ctx, t, d)
	}
	if subscribeAfter {
		if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
			return err
		}
		return h.subscribe(ctx, t, d)
	}
	return nil
}

// cmdDistricts lists all six districts with provider and phone numbers.
func (h *Handler) cmdDistricts(ctx context.Context, t *turn, _ string) error {
	lang := h.lang(t)
	parts := []string{h.text(lang, "districts_title", nil)}
	for _, d := range h.cfg.Directory.Districts() {
		parts = append(parts, h.text(lang, "district_entry", map[string]any{
			"Name":     i18n.Embed(lang, esc(d.Name)),
			"Provider": i18n.Embed(lang, esc(d.Provider)),
			"Phones":   phoneList(lang, d),
		}))
	}
	parts = append(parts, h.text(lang, "districts_footer", nil))
	return h.send(ctx, t, Message{Text: strings.Join(parts, "\n\n")})
}

// rememberedDistrict is the chat's last district; it answers (and reports false)
// when there is none: "store unavailable" or "tell me your place first".
func (h *Handler) rememberedDistrict(ctx context.Context, t *turn) (directory.District, bool, error) {
	if d, ok := h.cfg.Directory.District(t.st.District); ok && t.st.District != "" {
		return d, true, nil
	}
	if !t.stateOK {
		return directory.District{}, false, h.say(ctx, t, "store_down", nil)
	}
	return directory.District{}, false, h.say(ctx, t, "need_place", nil)
}

func (h *Handler) cmdOfferings(ctx context.Context, t *turn, _ string) error {
	d, ok, err := h.rememberedDistrict(ctx, t)
	if !ok {
		return err
	}
	return h.sendOfferings(ctx, t, d)
}

func (h *Handler) sendOfferings(ctx context.Context, t *turn, d directory.District) error {
	lang := h.lang(t)
	lines := []string{h.text(lang, "offerings_title", map[string]any{"District": i18n.Embed(lang, esc(d.Name))})}
	for _, o := range d.Offerings {
		lines = append(lines, "• "+i18n.Embed(lang, esc(o.TextIn(lang))))
	}
	lines = append(lines, "", h.text(lang, "offerings_footer", map[string]any{
		"Provider": i18n.Embed(lang, esc(d.Provider)), "Phones": phoneList(lang, d),
	}))
	if u := h.moreInfoURL(d); u != "" {
		lines = append(lines, h.text(lang, "card_more", map[string]any{"URL": esc(u)}))
	}
	rows := [][]Button{{{Text: h.text(lang, "btn_contact", nil), Data: cbData(cbContact, d.ID)}}}
	if row := h.callbackButton(t, lang, d); row != nil {
		rows = append(rows, row)
	}
	rows = append(rows, []Button{{Text: h.text(lang, "btn_subscribe", nil), Data: cbData(cbSubscribe, d.ID)}})
	return h.send(ctx, t, Message{Text: strings.Join(lines, "\n"), Buttons: rows})
}

func (h *Handler) cmdContact(ctx context.Context, t *turn, _ string) error {
	d, ok, err := h.rememberedDistrict(ctx, t)
	if !ok {
		return err
	}
	return h.sendContacts(ctx, t, d)
}

// sendContacts sends one contact card per provider of the district.
func (h *Handler) sendContacts(ctx context.Context, t *turn, d directory.District) error {
	for _, c := range h.contacts(d) {
		if err := t.r.SendContact(ctx, t.u.ChatID, c); err != nil {
			return err
		}
	}
	return nil
}

// contacts are the district's provider contact cards (one per provider; a
// district has one provider today). A district without phone gets none.
func (h *Handler) contacts(d directory.District) []Contact {
	if len(d.Phones) == 0 || d.Phones[0].E164 == "" {
		return nil
	}
	return []Contact{{
		Phone:     d.Phones[0].E164,
		FirstName: truncRunes(d.Provider, 64),
		LastName:  truncRunes(strings.Join(d.Municipalities, " / "), 64),
		VCard:     vCard(d, h.moreInfoURL(d), h.cfg.Directory.Programme().Short),
	}}
}

// offeringTexts lists the offerings' texts in lang (German where the data file
// has no translation), in their order.
func offeringTexts(lang string, os []directory.Offering) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.TextIn(lang)
	}
	return out
}
