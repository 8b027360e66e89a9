package handlers

import (
	"context"
	"slices"
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
	return h.send(ctx, t, Message{Text: text + "\n\n" + h.text(lang, "privacy_need", nil)})
}

// cmdMyData shows everything stored about the chat (Store.Export), readably.
func (h *Handler) cmdMyData(ctx context.Context, t *turn, _ string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	lang := h.lang(t)
	pd, err := h.cfg.Store.Export(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "export", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	if ex, ok := h.cfg.Broadcaster.(chatExporter); ok {
		more, err := ex.ExportChat(ctx, t.u.ChatID)
		if err != nil {
			h.storeFailed(ctx, "export broadcasts", t.u.ChatID, err)
			return h.say(ctx, t, "store_down", nil)
		}
		if pd.Other == nil && len(more) > 0 {
			pd.Other = map[string]string{}
		}
		for k, v := range more {
			pd.Other[k] = v
		}
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
	keys := make([]string, 0, len(pd.Other))
	for k := range pd.Other {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lines = append(lines, line("mydata_other", truncRunes(k+": "+pd.Other[k], 200)))
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

// cbDeleteConfirmed erases everything (Store.DeleteAll, Broadcaster.ForgetChat)
// when the button belongs to the pending /loeschen question.
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
	if err := h.cfg.Store.DeleteAll(ctx, t.u.ChatID); err != nil {
		h.storeFailed(ctx, "delete all", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	if h.cfg.Broadcaster != nil {
		if err := h.cfg.Broadcaster.ForgetChat(ctx, t.u.ChatID); err != nil {
			h.cfg.Logger.WarnContext(ctx, "forgetting the chat in pending broadcasts failed", "chat_id", t.u.ChatID, "err", err)
		}
	}
	t.st, t.deleted = State{}, true
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
