package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// cmdPrivacy says what is stored, why, for how long and who runs the bot.
func (h *Handler) cmdPrivacy(ctx context.Context, t *turn, _ string) error {
	op := h.cfg.Operator
	if op == "" {
		op = "—"
	}
	days := int(h.cfg.StateTTL.Hours() / 24)
	if days < 1 {
		days = 1
	}
	lang := h.lang(t)
	text := h.text(lang, "privacy", map[string]any{
		"Operator": i18n.Embed(lang, esc(op)), "Days": i18n.Embed(lang, strconv.Itoa(days)),
	})
	text += "\n\n" + h.text(lang, "privacy_need", nil)
	if h.cfg.Callbacks.Desk != nil {
		cc := h.callbackCfg()
		text += "\n\n" + h.text(lang, "privacy_callback", map[string]any{
			"Keep": int(cc.Keep.Hours() / 24), "MaxDays": int(cc.MaxAge.Hours() / 24),
			"DraftMinutes": int(cc.DraftTTL.Minutes()),
		})
	}
	return h.send(ctx, t, Message{Text: text})
}

// cmdMyData shows everything stored about the chat, from every data holder
// (the same list /loeschen erases), readably.
func (h *Handler) cmdMyData(ctx context.Context, t *turn, _ string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	lang := h.lang(t)
	pd, err := h.PersonalData(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "export", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	line := func(id, value string) string {
		return h.text(lang, id, map[string]any{"Value": i18n.Embed(lang, esc(value))})
	}
	var lines []string
	if st := pd.State; st != nil {
		if st.Lang != "" {
			lines = append(lines, line("mydata_lang", h.text(st.Lang, "lang_name", nil)))
		}
		if st.District != "" {
			lines = append(lines, line("mydata_district", h.districtName(st.District)))
		}
		if st.Place != "" {
			name := st.Place
			if p, ok := h.cfg.Directory.Place(st.Place); ok {
				name = p.Name
			}
			lines = append(lines, line("mydata_place", name))
		}
		if st.Need != "" {
			lines = append(lines, line("mydata_need", h.needName(lang, st.Need)))
		}
		if st.Step != "" {
			lines = append(lines, line("mydata_step", st.Step))
		}
		if !st.Updated.IsZero() {
			lines = append(lines, line("mydata_updated", formatWhen(st.Updated)))
		}
	}
	if len(pd.Subscriptions) > 0 {
		names := make([]string, 0, len(pd.Subscriptions))
		for _, id := range pd.Subscriptions {
			names = append(names, h.districtName(id))
		}
		lines = append(lines, line("mydata_subs", strings.Join(names, "; ")))
	}
	for _, it := range pd.Items {
		lines = append(lines, h.dataItemLine(lang, it))
	}
	if len(lines) == 0 {
		return h.say(ctx, t, "mydata_none", nil)
	}
	text := h.text(lang, "mydata_title", nil) + "\n" + strings.Join(lines, "\n") + "\n\n" +
		h.text(lang, "mydata_footer", nil)
	return h.send(ctx, t, Message{Text: text})
}

// cmdDelete asks to confirm erasing everything about the chat.
func (h *Handler) cmdDelete(ctx context.Context, t *turn, _ string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	lang := h.lang(t)
	if !t.stateOK {
		return h.say(ctx, t, "store_down", nil)
	}
	nonce := newNonce()
	t.st.Step, t.st.Nonce, t.st.Candidates = stepConfirmDelete, nonce, nil
	t.st.Asker = 0
	if t.u.Group {
		t.st.Asker = t.u.User.ID // only the one who asked may confirm
	}
	return h.send(ctx, t, Message{Text: h.text(lang, "delete_confirm", nil), Buttons: [][]Button{
		{{Text: h.text(lang, "btn_delete_yes", nil), Data: cbData(cbDelete, nonce)}},
		{{Text: h.text(lang, "btn_delete_no", nil), Data: cbData(cbKeep)}},
	}})
}

// cbDeleteConfirmed erases everything in every data holder (the same list
// /meinedaten shows) when the button belongs to the pending /loeschen question.
func (h *Handler) cbDeleteConfirmed(ctx context.Context, t *turn, nonce string) error {
	if !t.stateOK {
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
		return h.say(ctx, t, "store_down", nil)
	}
	if t.st.Step != stepConfirmDelete || t.st.Nonce != nonce {
		return h.stale(ctx, t)
	}
	if t.st.Asker != 0 && t.st.Asker != t.u.User.ID {
		// Another member's press does nothing; the question stays open for the asker.
		return h.ack(ctx, t, h.text(h.lang(t), "delete_not_yours", nil))
	}
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	lang := h.lang(t) // keep answering in the chat's language after forgetting it
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	stateGone, err := h.forgetChat(ctx, t.u.ChatID)
	if stateGone {
		t.st, t.deleted = State{}, true
	}
	if err != nil {
		h.storeFailed(ctx, "delete all", t.u.ChatID, err)
		return h.sendLang(ctx, t.r, t.u.ChatID, lang, Message{Text: h.text(lang, "store_down", nil)})
	}
	return h.sendLang(ctx, t.r, t.u.ChatID, lang, Message{Text: h.text(lang, "deleted", nil)})
}

// cbKeep cancels a pending /loeschen question ("No, keep everything"). In a group
// only the member who asked can answer it; another member's press does nothing.
func (h *Handler) cbKeep(ctx context.Context, t *turn) error {
	if t.st.Step == stepConfirmDelete && t.st.Asker != 0 && t.st.Asker != t.u.User.ID {
		return h.ack(ctx, t, h.text(h.lang(t), "delete_not_yours", nil))
	}
	if t.st.Step == stepConfirmDelete {
		t.st.Step, t.st.Nonce, t.st.Asker = "", "", 0
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	return h.say(ctx, t, "delete_cancelled", nil)
}

// dataItemLine renders one further stored item for /meinedaten.
func (h *Handler) dataItemLine(lang string, it DataItem) string {
	data := map[string]any{"ID": i18n.Embed(lang, esc(it.ID)), "Count": it.Count}
	if !it.When.IsZero() {
		data["When"] = i18n.Embed(lang, esc(formatWhen(it.When)))
	}
	switch it.Kind {
	case DataDelivery:
		outcome := it.Detail
		if h.cat.Has(i18n.Default, "mydata_outcome_"+it.Detail) {
			outcome = h.text(lang, "mydata_outcome_"+it.Detail, nil)
		}
		data["Outcome"] = i18n.Embed(lang, esc(outcome))
		return h.text(lang, "mydata_delivery", data)
	case DataSent, DataMessages, DataReminder, DataReminderSent, DataWaiting:
		return h.text(lang, "mydata_"+it.Kind, data)
	case DataCallback, DataCallbackDraft:
		return h.callbackDataLine(lang, it, data)
	case DataCallbackIndex:
		return h.text(lang, "mydata_callback_index", data)
	}
	return h.text(lang, "mydata_other", map[string]any{"Value": i18n.Embed(lang, esc(it.Kind+" "+it.ID))})
}

// callbackDataLine renders a callback request or draft for /meinedaten: the
// parent's own data, in full.
func (h *Handler) callbackDataLine(lang string, it DataItem, data map[string]any) string {
	v := it.Values
	note := h.text(lang, "callback_no_note", nil)
	if v["note"] != "" {
		note = "„" + i18n.Embed(lang, esc(v["note"])) + "“"
	}
	topic := ""
	if v["topic"] != "" {
		topic = h.topicName(lang, v["district"], v["topic"])
	}
	data["District"] = i18n.Embed(lang, esc(h.districtName(v["district"])))
	data["Name"] = i18n.Embed(lang, esc(v["name"]))
	data["Phone"] = i18n.Embed(lang, esc(v["phone"]))
	data["Topic"] = i18n.Embed(lang, esc(topic))
	data["Slot"] = ""
	if v["slot"] != "" {
		data["Slot"] = h.slotText(lang, v["slot"])
	}
	data["Note"] = note
	if it.Kind == DataCallbackDraft {
		return h.text(lang, "mydata_callback_draft", data)
	}
	status := it.Detail
	if h.cat.Has(i18n.Default, "callback_status_"+status) {
		status = h.text(lang, "callback_status_"+status, nil)
	}
	data["Status"] = i18n.Embed(lang, esc(status))
	return h.text(lang, "mydata_callback", data)
}
