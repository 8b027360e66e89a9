package handlers

import "context"

// handleContact answers a shared contact card (the parent's own or someone
// else's). The card's content never reaches the conversation and nothing of it
// is stored: the answer says so and points to the provider's own card.
func (h *Handler) handleContact(ctx context.Context, t *turn) error {
	lang := h.lang(t)
	id := "contact_received_other"
	if t.u.Contact.Own {
		id = "contact_received_own"
	}
	m := Message{Text: h.text(lang, id, nil)}
	if d, ok := h.cfg.Directory.District(t.st.District); ok && t.st.District != "" {
		m.Text += "\n\n" + h.text(lang, "contact_received_card", map[string]any{"Provider": esc(d.Provider)})
		m.Buttons = [][]Button{{{Text: h.text(lang, "btn_contact", nil), Data: cbData(cbContact, d.ID)}}}
		if row := h.callbackButton(t, lang, d); row != nil && t.u.Contact.Own {
			// Someone who shares their own number may want to be called back: the
			// request asks for consent first (the card shared here is not kept).
			m.Text += "\n\n" + h.text(lang, "contact_callback_hint", nil)
			m.Buttons = append(m.Buttons, row)
		}
	} else {
		m.Text += "\n\n" + h.text(lang, "contact_received_next", nil)
	}
	return h.send(ctx, t, m)
}
