package handlers

import (
	"context"
)

// cmdLanguage offers the offered languages (Config.Languages) as buttons, each
// named in itself.
func (h *Handler) cmdLanguage(ctx context.Context, t *turn, _ string) error {
	var rows [][]Button
	var row []Button
	for _, l := range h.langs {
		row = append(row, Button{Text: h.text(l, "lang_name", nil), Data: cbData(cbLanguage, l)})
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return h.send(ctx, t, Message{Text: h.text(h.lang(t), "language_choose", nil), Buttons: rows})
}

// cbLanguage switches the chat's language and confirms in the new one.
func (h *Handler) cbLanguage(ctx context.Context, t *turn, lang string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	if !t.stateOK {
		return h.say(ctx, t, "store_down", nil)
	}
	t.st.Lang = lang
	return h.say(ctx, t, "language_set", nil)
}
