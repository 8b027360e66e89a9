package handlers

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// The parent's side of a callback request (see callbackdesk.go):
//
//	card button "📞 Rückruf erbitten" or /rueckruf
//	  → who calls, what is passed on, how long it is kept; consent (button)
//	  → the number: shared with Telegram's contact button (own card only) or typed
//	  → (the first name, only when Telegram gave none)
//	  → topic (the district's offerings, "Sonstiges") → time of day → a short note
//	  → summary → send → "Ihre Bitte ist angekommen"
//
// Nothing is stored before consent. From consent to sending, what the parent
// gave is a draft with a short life (CallbackConfig.DraftTTL); the request
// itself lives in the desk until it is closed and deleted.
//
// Callback data of the parent's side ("v1|q|<op>|…"):
//
//	v1|q|s|<district>        start (card button)
//	v1|q|y|<nonce>           consent; v1|q|n|<nonce> no, thanks
//	v1|q|t|<nonce>|<topic>   topic (offering id or "other")
//	v1|q|h|<nonce>|<slot>    time of day (am, pm, any)
//	v1|q|k|<nonce>           no note
//	v1|q|ok|<nonce>          send; v1|q|x|<nonce> cancel
//	v1|q|w|<id>              withdraw request id

// Steps of the parent's dialogue (State.Step).
const (
	stepCallbackConsent = "cb_consent"
	stepCallbackNumber  = "cb_number"
	stepCallbackName    = "cb_name"
	stepCallbackTopic   = "cb_topic"
	stepCallbackSlot    = "cb_slot"
	stepCallbackNote    = "cb_note"
	stepCallbackConfirm = "cb_confirm"
)

// Callback kinds of the parent's side and of the team's buttons.
const (
	cbCallback = "q"
	cbTeam     = "e"
)

// Operations of the parent's buttons.
const (
	opStart    = "s"
	opConsent  = "y"
	opDecline  = "n"
	opTopic    = "t"
	opSlot     = "h"
	opNoNote   = "k"
	opSend     = "ok"
	opCancel   = "x"
	opWithdraw = "w"
)

// Limits of what a parent writes.
const (
	maxRequestNote = 200
	maxRequestName = 40
)

func isCallbackStep(step string) bool { return strings.HasPrefix(step, "cb_") }

// callbacksOn reports whether the district's requests have somewhere to go.
func (h *Handler) callbacksOn(district string) bool {
	if h.cfg.Callbacks.Desk == nil {
		return false
	}
	_, ok := h.cfg.Callbacks.Routes[district]
	return ok
}

// callbackButton is the card's "📞 Rückruf erbitten" row, nil when the
// district offers none or the chat is not private.
func (h *Handler) callbackButton(t *turn, lang string, d directory.District) []Button {
	if !t.u.Private || !h.callbacksOn(d.ID) {
		return nil
	}
	return []Button{{Text: h.text(lang, "btn_callback", nil), Data: cbData(cbCallback, opStart, d.ID)}}
}

// cmdCallback (/rueckruf) shows the chat's requests with a button to withdraw
// them, or starts a new one for the remembered district.
func (h *Handler) cmdCallback(ctx context.Context, t *turn, _ string) error {
	if t.u.Group || !t.u.Private {
		return h.callbackGroupRefusal(ctx, t)
	}
	if h.cfg.Callbacks.Desk == nil {
		return h.say(ctx, t, "callback_off", nil)
	}
	reqs, err := h.cfg.Callbacks.Desk.ChatRequests(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "callback requests", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	d, known := h.cfg.Directory.District(t.st.District)
	known = known && t.st.District != ""
	var live []CallbackRequest
	for _, r := range reqs {
		if r.Live() {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		if !known {
			if !t.stateOK {
				return h.say(ctx, t, "store_down", nil)
			}
			t.st.Step = stepPlaceForCallback
			return h.say(ctx, t, "callback_need_place", nil)
		}
		return h.startCallback(ctx, t, d)
	}
	lang := h.lang(t)
	lines := []string{h.text(lang, "callback_status_title", nil)}
	var rows [][]Button
	haveHere := false
	for _, r := range live {
		lines = append(lines, h.callbackStatusLine(lang, r))
		rows = append(rows, []Button{{Text: h.text(lang, "btn_callback_withdraw", map[string]any{"ID": r.ID}),
			Data: cbData(cbCallback, opWithdraw, r.ID)}})
		haveHere = haveHere || r.District == d.ID
	}
	if known && !haveHere && h.callbacksOn(d.ID) {
		rows = append(rows, h.callbackButton(t, lang, d))
	}
	return h.send(ctx, t, Message{Text: strings.Join(lines, "\n\n"), Buttons: rows})
}

// callbackStatusLine describes one of the parent's requests.
func (h *Handler) callbackStatusLine(lang string, r CallbackRequest) string {
	return h.text(lang, "callback_status_line", map[string]any{
		"ID": r.ID, "Provider": i18n.Embed(lang, esc(h.providerOf(r.District))),
		"Status": h.text(lang, "callback_status_"+r.Status, nil),
		"When":   i18n.Embed(lang, esc(formatWhen(r.Created))),
		"Phone":  i18n.Embed(lang, esc(r.Phone)),
	})
}

// providerOf is the provider of a district (its id when unknown).
func (h *Handler) providerOf(district string) string {
	if d, ok := h.cfg.Directory.District(district); ok {
		return d.Provider
	}
	return district
}

// callbackGroupRefusal points a group to a private chat: a request holds a phone number.
func (h *Handler) callbackGroupRefusal(ctx context.Context, t *turn) error {
	link := ""
	if name := h.botUsername(); name != "" {
		link = "https://t.me/" + name
	}
	return h.say(ctx, t, "callback_group", map[string]any{"Link": esc(link)})
}

// startCallback explains who calls, what is passed on and for how long, and
// asks for consent. Nothing is stored but the dialogue step.
func (h *Handler) startCallback(ctx context.Context, t *turn, d directory.District) error {
	if !t.u.Private {
		return h.callbackGroupRefusal(ctx, t)
	}
	lang := h.lang(t)
	if !h.callbacksOn(d.ID) {
		return h.say(ctx, t, "callback_unavailable", map[string]any{
			"District": i18n.Embed(lang, esc(d.Name)), "Phones": phoneList(lang, d)})
	}
	if !t.stateOK {
		return h.say(ctx, t, "store_down", nil)
	}
	cc := h.callbackCfg()
	reqs, err := cc.Desk.ChatRequests(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "callback requests", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	for _, r := range reqs {
		if r.Live() && r.District == d.ID {
			return h.callbackExists(ctx, t, r)
		}
	}
	if n, err := cc.Desk.DayCount(ctx, t.u.ChatID, h.callbackDay()); err != nil {
		h.storeFailed(ctx, "callback count", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	} else if n >= cc.DailyCap {
		return h.say(ctx, t, "callback_limit", map[string]any{"Count": n, "Phones": phoneList(lang, d)})
	}
	nonce := newNonce()
	t.st.Step, t.st.Nonce, t.st.Candidates, t.st.District = stepCallbackConsent, nonce, nil, d.ID
	text := h.text(lang, "callback_intro", map[string]any{
		"Provider": i18n.Embed(lang, esc(d.Provider)), "District": i18n.Embed(lang, esc(d.Name)),
		"Keep": int(cc.Keep.Hours() / 24), "MaxDays": int(cc.MaxAge.Hours() / 24),
	})
	return h.send(ctx, t, Message{Text: text, Buttons: [][]Button{
		{{Text: h.text(lang, "btn_callback_yes", nil), Data: cbData(cbCallback, opConsent, nonce)}},
		{{Text: h.text(lang, "btn_callback_no", nil), Data: cbData(cbCallback, opDecline, nonce)}},
	}})
}

// callbackExists shows the live request of the district with its withdraw button.
func (h *Handler) callbackExists(ctx context.Context, t *turn, r CallbackRequest) error {
	lang := h.lang(t)
	return h.send(ctx, t, Message{
		Text: h.text(lang, "callback_exists", nil) + "\n\n" + h.callbackStatusLine(lang, r),
		Buttons: [][]Button{{{Text: h.text(lang, "btn_callback_withdraw", map[string]any{"ID": r.ID}),
			Data: cbData(cbCallback, opWithdraw, r.ID)}}},
	})
}

// callbackCfg is the configuration with its defaults.
func (h *Handler) callbackCfg() CallbackConfig { return h.cfg.Callbacks.withDefaults() }

// callbackDay is today in Europe/Berlin, for the daily cap.
func (h *Handler) callbackDay() string { return h.cfg.Now().In(berlin()).Format("2006-01-02") }

// cbCallbackButton answers the parent's buttons.
func (h *Handler) cbCallbackButton(ctx context.Context, t *turn, f []string) error {
	if len(f) == 0 {
		return h.stale(ctx, t)
	}
	if t.u.Group || !t.u.Private {
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
		return h.callbackGroupRefusal(ctx, t)
	}
	if h.cfg.Callbacks.Desk == nil {
		return h.stale(ctx, t)
	}
	switch op := f[0]; {
	case op == opStart && len(f) == 2:
		d, ok := h.cfg.Directory.District(f[1])
		if !ok {
			return h.stale(ctx, t)
		}
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
		return h.startCallback(ctx, t, d)
	case op == opWithdraw && len(f) == 2:
		return h.withdrawCallback(ctx, t, f[1])
	case len(f) < 2 || f[1] != t.st.Nonce || !isCallbackStep(t.st.Step):
		return h.callbackStale(ctx, t)
	case op == opDecline && len(f) == 2:
		return h.declineCallback(ctx, t)
	case op == opCancel && len(f) == 2:
		return h.cancelCallback(ctx, t, true)
	case op == opConsent && len(f) == 2 && t.st.Step == stepCallbackConsent:
		return h.consentCallback(ctx, t)
	case op == opTopic && len(f) == 3 && t.st.Step == stepCallbackTopic:
		return h.callbackDraftStep(ctx, t, func(dr *CallbackDraft) (bool, error) {
			if !h.validTopic(dr.District, f[2]) {
				return false, nil
			}
			dr.Topic = f[2]
			return true, h.askSlot(ctx, t)
		})
	case op == opSlot && len(f) == 3 && t.st.Step == stepCallbackSlot:
		return h.callbackDraftStep(ctx, t, func(dr *CallbackDraft) (bool, error) {
			if f[2] != SlotMorning && f[2] != SlotAfternoon && f[2] != SlotAny {
				return false, nil
			}
			dr.Slot = f[2]
			return true, h.askNote(ctx, t)
		})
	case op == opNoNote && len(f) == 2 && t.st.Step == stepCallbackNote:
		return h.callbackDraftStep(ctx, t, func(dr *CallbackDraft) (bool, error) {
			dr.Note = ""
			return true, h.callbackSummary(ctx, t, *dr)
		})
	case op == opSend && len(f) == 2 && t.st.Step == stepCallbackConfirm:
		return h.sendCallback(ctx, t)
	}
	return h.callbackStale(ctx, t)
}

// callbackStale acknowledges an outdated button of the dialogue.
func (h *Handler) callbackStale(ctx context.Context, t *turn) error {
	return h.ack(ctx, t, h.text(h.lang(t), "callback_stale", nil))
}

// callbackDraftStep runs one button step on the draft: f changes it and
// answers (ok false: the button does not fit, answered as stale), then the
// draft is saved.
func (h *Handler) callbackDraftStep(ctx context.Context, t *turn, f func(*CallbackDraft) (bool, error)) error {
	dr, ok, err := h.loadCallbackDraft(ctx, t)
	if !ok || err != nil {
		return err
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	changed, err := f(&dr)
	if !changed || err != nil {
		if err == nil {
			return h.callbackStale(ctx, t)
		}
		return err
	}
	return h.saveCallbackDraft(ctx, t, dr)
}

// loadCallbackDraft reads the draft; when it expired or the store fails it
// answers, ends the dialogue and reports false.
func (h *Handler) loadCallbackDraft(ctx context.Context, t *turn) (CallbackDraft, bool, error) {
	cc := h.callbackCfg()
	dr, err := cc.Desk.LoadDraft(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
		if t.u.Callback != nil {
			if aerr := h.ack(ctx, t, ""); aerr != nil {
				return dr, false, aerr
			}
		}
		return dr, false, h.say(ctx, t, "store_down", nil)
	}
	if dr.District == "" || dr.District != t.st.District {
		h.endCallback(t)
		if t.u.Callback != nil {
			if aerr := h.ack(ctx, t, ""); aerr != nil {
				return dr, false, aerr
			}
		}
		return dr, false, h.say(ctx, t, "callback_expired", nil)
	}
	return dr, true, nil
}

func (h *Handler) saveCallbackDraft(ctx context.Context, t *turn, dr CallbackDraft) error {
	if err := h.cfg.Callbacks.Desk.SaveDraft(ctx, t.u.ChatID, dr, h.callbackCfg().DraftTTL); err != nil {
		h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
		h.endCallback(t)
		return h.say(ctx, t, "store_down", nil)
	}
	return nil
}

// endCallback leaves the dialogue (the draft expires or was dropped).
func (h *Handler) endCallback(t *turn) {
	if isCallbackStep(t.st.Step) {
		t.st.Step, t.st.Nonce = "", ""
	}
}

// dropCallbackDraft forgets a half-written request (the parent left the dialogue).
func (h *Handler) dropCallbackDraft(ctx context.Context, t *turn) {
	if desk := h.cfg.Callbacks.Desk; desk != nil {
		if err := desk.DropDraft(ctx, t.u.ChatID); err != nil {
			h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
		}
	}
}

// declineCallback: no consent, nothing stored; the numbers to call instead.
func (h *Handler) declineCallback(ctx context.Context, t *turn) error {
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	h.endCallback(t)
	if err := h.cfg.Callbacks.Desk.DropDraft(ctx, t.u.ChatID); err != nil {
		h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
	}
	lang := h.lang(t)
	d, _ := h.cfg.Directory.District(t.st.District)
	return h.send(ctx, t, Message{Text: h.text(lang, "callback_declined", map[string]any{
		"Provider": i18n.Embed(lang, esc(d.Provider)), "Phones": phoneList(lang, d)}), RemoveKeyboard: true})
}

// cancelCallback ends the dialogue and forgets the draft (/abbrechen, the button).
func (h *Handler) cancelCallback(ctx context.Context, t *turn, button bool) error {
	if button {
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
	}
	h.endCallback(t)
	if err := h.cfg.Callbacks.Desk.DropDraft(ctx, t.u.ChatID); err != nil {
		h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	return h.send(ctx, t, Message{Text: h.text(h.lang(t), "callback_cancelled", nil), RemoveKeyboard: true})
}

// consentCallback starts the draft and asks for the number.
func (h *Handler) consentCallback(ctx context.Context, t *turn) error {
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	dr := CallbackDraft{District: t.st.District, Lang: h.lang(t)}
	if err := h.saveCallbackDraft(ctx, t, dr); err != nil {
		return err
	}
	t.st.Step = stepCallbackNumber
	lang := h.lang(t)
	return h.send(ctx, t, Message{Text: h.text(lang, "callback_ask_number", nil),
		ContactButton: h.text(lang, "btn_callback_share", nil)})
}

// handleCallbackStep takes what the parent writes or shares during the dialogue.
// It reports false for updates that are not its business (they are answered as
// usual, and the dialogue ends unless it waits for the number).
func (h *Handler) handleCallbackStep(ctx context.Context, t *turn) (bool, error) {
	u := t.u
	switch t.st.Step {
	case stepCallbackNumber:
		switch {
		case u.Contact != nil:
			return true, h.callbackContact(ctx, t)
		case u.Text != "" && u.Location == nil:
			return true, h.callbackNumberTyped(ctx, t, u.Text)
		}
	case stepCallbackName:
		if u.Text != "" && u.Location == nil && u.Contact == nil {
			return true, h.callbackName(ctx, t, u.Text)
		}
	case stepCallbackNote:
		if u.Text != "" && u.Location == nil && u.Contact == nil {
			return true, h.callbackNote(ctx, t, u.Text)
		}
	case stepCallbackTopic, stepCallbackSlot, stepCallbackConfirm:
		if u.Text != "" && u.Location == nil && u.Contact == nil {
			if crisis, err := h.callbackCrisis(ctx, t, u.Text); crisis || err != nil {
				return true, err
			}
			return true, h.say(ctx, t, "callback_use_buttons", nil)
		}
	}
	h.endCallback(t)
	return false, nil
}

// callbackCrisis answers a crisis written during the dialogue at once (the
// dialogue waits); nothing of the text is kept.
func (h *Handler) callbackCrisis(ctx context.Context, t *turn, text string) (bool, error) {
	cls := h.cls.Classify(text)
	if cls.Intent != intent.Crisis {
		return false, nil
	}
	h.textLang(t, cls)
	return true, h.answerCrisis(ctx, t, cls, directory.Result{Status: directory.StatusUnknown})
}

// callbackContact takes the parent's own shared number; someone else's card is
// refused politely and its content never reaches the conversation.
func (h *Handler) callbackContact(ctx context.Context, t *turn) error {
	c := t.u.Contact
	lang := h.lang(t)
	if !c.Own {
		return h.send(ctx, t, Message{Text: h.text(lang, "callback_contact_other", nil),
			ContactButton: h.text(lang, "btn_callback_share", nil)})
	}
	phone, err := NormalisePhone(c.Phone, true)
	if err != nil {
		return h.callbackBadNumber(ctx, t, err, "")
	}
	return h.callbackGotNumber(ctx, t, phone, c.FirstName)
}

// callbackNumberTyped takes a typed number.
func (h *Handler) callbackNumberTyped(ctx context.Context, t *turn, text string) error {
	if crisis, err := h.callbackCrisis(ctx, t, text); crisis || err != nil {
		return err
	}
	phone, err := NormalisePhone(text, false)
	if err != nil {
		return h.callbackBadNumber(ctx, t, err, text)
	}
	return h.callbackGotNumber(ctx, t, phone, t.u.User.FirstName)
}

// callbackBadNumber says why a number is not taken; the dialogue waits for another.
func (h *Handler) callbackBadNumber(ctx context.Context, t *turn, err error, text string) error {
	lang := h.lang(t)
	id := "callback_number_invalid"
	if errors.Is(err, ErrPhoneKind) {
		id = "callback_number_kind"
	}
	return h.send(ctx, t, Message{Text: h.text(lang, id, map[string]any{"Value": i18n.Embed(lang, excerpt(text))}),
		ContactButton: h.text(lang, "btn_callback_share", nil)})
}

// callbackGotNumber keeps the number (and the first name) and goes on.
func (h *Handler) callbackGotNumber(ctx context.Context, t *turn, phone, name string) error {
	dr, ok, err := h.loadCallbackDraft(ctx, t)
	if !ok || err != nil {
		return err
	}
	dr.Phone = phone
	if n := cleanName(name); n != "" {
		dr.Name = n
	}
	if err := h.saveCallbackDraft(ctx, t, dr); err != nil {
		return err
	}
	lang := h.lang(t)
	// The reply keyboard goes with this message; the next one carries buttons.
	if err := h.send(ctx, t, Message{Text: h.text(lang, "callback_number_ok", map[string]any{
		"Value": i18n.Embed(lang, esc(phone))}), RemoveKeyboard: true}); err != nil {
		return err
	}
	if dr.Name == "" {
		t.st.Step = stepCallbackName
		return h.say(ctx, t, "callback_ask_name", map[string]any{"Max": maxRequestName})
	}
	return h.askTopic(ctx, t, dr)
}

// cleanName is a first name fit to pass on: letters, spaces, hyphens and
// apostrophes, at most maxRequestName characters; "" otherwise.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > maxRequestName {
		return ""
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != ' ' && r != '-' && r != '\'' && r != '.' && r != '’' {
			return ""
		}
	}
	return s
}

// callbackName takes the first name when Telegram gave none.
func (h *Handler) callbackName(ctx context.Context, t *turn, text string) error {
	if crisis, err := h.callbackCrisis(ctx, t, text); crisis || err != nil {
		return err
	}
	name := cleanName(text)
	if name == "" {
		return h.say(ctx, t, "callback_name_invalid", map[string]any{"Max": maxRequestName})
	}
	dr, ok, err := h.loadCallbackDraft(ctx, t)
	if !ok || err != nil {
		return err
	}
	dr.Name = name
	if err := h.saveCallbackDraft(ctx, t, dr); err != nil {
		return err
	}
	return h.askTopic(ctx, t, dr)
}

// askTopic offers the district's offerings and "Sonstiges"; the topic of the
// parent's need (if any) first.
func (h *Handler) askTopic(ctx context.Context, t *turn, dr CallbackDraft) error {
	lang := h.lang(t)
	d, _ := h.cfg.Directory.District(dr.District)
	offerings := slices.Clone(d.Offerings)
	if t.st.Need != "" {
		slices.SortStableFunc(offerings, func(a, b directory.Offering) int {
			switch {
			case a.ID == t.st.Need && b.ID != t.st.Need:
				return -1
			case b.ID == t.st.Need && a.ID != t.st.Need:
				return 1
			}
			return 0
		})
	}
	var rows [][]Button
	for _, o := range offerings {
		rows = append(rows, []Button{{Text: truncRunes(o.TextIn(lang), 60), Data: cbData(cbCallback, opTopic, t.st.Nonce, o.ID)}})
	}
	rows = append(rows, []Button{{Text: h.text(lang, "btn_topic_other", nil), Data: cbData(cbCallback, opTopic, t.st.Nonce, TopicOther)}})
	t.st.Step = stepCallbackTopic
	return h.send(ctx, t, Message{Text: h.text(lang, "callback_ask_topic", nil), Buttons: rows})
}

// validTopic reports whether topic is an offering of the district or "other".
func (h *Handler) validTopic(district, topic string) bool {
	if topic == TopicOther {
		return true
	}
	d, ok := h.cfg.Directory.District(district)
	return ok && slices.ContainsFunc(d.Offerings, func(o directory.Offering) bool { return o.ID == topic })
}

func (h *Handler) askSlot(ctx context.Context, t *turn) error {
	lang := h.lang(t)
	t.st.Step = stepCallbackSlot
	b := func(id, slot string) Button {
		return Button{Text: h.text(lang, id, nil), Data: cbData(cbCallback, opSlot, t.st.Nonce, slot)}
	}
	return h.send(ctx, t, Message{Text: h.text(lang, "callback_ask_slot", nil), Buttons: [][]Button{
		{b("btn_slot_am", SlotMorning), b("btn_slot_pm", SlotAfternoon)}, {b("btn_slot_any", SlotAny)},
	}})
}

func (h *Handler) askNote(ctx context.Context, t *turn) error {
	lang := h.lang(t)
	t.st.Step = stepCallbackNote
	return h.send(ctx, t, Message{Text: h.text(lang, "callback_ask_note", map[string]any{"Max": maxRequestNote}),
		Buttons: [][]Button{{{Text: h.text(lang, "btn_note_skip", nil), Data: cbData(cbCallback, opNoNote, t.st.Nonce)}}}})
}

// callbackNote takes the optional note. A crisis is answered at once and not
// kept; a note over the limit is refused with its length, never cut.
func (h *Handler) callbackNote(ctx context.Context, t *turn, text string) error {
	if crisis, err := h.callbackCrisis(ctx, t, text); crisis || err != nil {
		return err
	}
	note := strings.TrimSpace(text)
	lang := h.lang(t)
	if n := utf8.RuneCountInString(note); n > maxRequestNote {
		return h.send(ctx, t, Message{Text: h.text(lang, "callback_note_too_long", map[string]any{
			"Count": n, "Max": maxRequestNote}),
			Buttons: [][]Button{{{Text: h.text(lang, "btn_note_skip", nil), Data: cbData(cbCallback, opNoNote, t.st.Nonce)}}}})
	}
	dr, ok, err := h.loadCallbackDraft(ctx, t)
	if !ok || err != nil {
		return err
	}
	dr.Note = note
	if err := h.saveCallbackDraft(ctx, t, dr); err != nil {
		return err
	}
	return h.callbackSummary(ctx, t, dr)
}

// callbackSummary shows everything that will be passed on, to confirm.
func (h *Handler) callbackSummary(ctx context.Context, t *turn, dr CallbackDraft) error {
	lang := h.lang(t)
	t.st.Step = stepCallbackConfirm
	d, _ := h.cfg.Directory.District(dr.District)
	note := h.text(lang, "callback_no_note", nil)
	if dr.Note != "" {
		note = "„" + i18n.Embed(lang, esc(dr.Note)) + "“"
	}
	text := h.text(lang, "callback_summary", map[string]any{
		"Provider": i18n.Embed(lang, esc(d.Provider)), "District": i18n.Embed(lang, esc(d.Name)),
		"Name": i18n.Embed(lang, esc(dr.Name)), "Phone": i18n.Embed(lang, esc(dr.Phone)),
		"Topic": i18n.Embed(lang, esc(h.topicName(lang, dr.District, dr.Topic))),
		"Slot":  h.slotText(lang, dr.Slot), "Note": note,
	})
	return h.send(ctx, t, Message{Text: text, Buttons: [][]Button{
		{{Text: h.text(lang, "btn_callback_send", nil), Data: cbData(cbCallback, opSend, t.st.Nonce)}},
		{{Text: h.text(lang, "btn_callback_cancel", nil), Data: cbData(cbCallback, opCancel, t.st.Nonce)}},
	}})
}

// topicName is a topic's text in lang.
func (h *Handler) topicName(lang, district, topic string) string {
	if topic == TopicOther || topic == "" {
		return h.text(lang, "btn_topic_other", nil)
	}
	if d, ok := h.cfg.Directory.District(district); ok {
		for _, o := range d.Offerings {
			if o.ID == topic {
				return o.TextIn(lang)
			}
		}
	}
	return topic
}

// sendCallback stores the request, hands it to the team and tells the parent.
func (h *Handler) sendCallback(ctx context.Context, t *turn) error {
	dr, ok, err := h.loadCallbackDraft(ctx, t)
	if !ok || err != nil {
		return err
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	cc := h.callbackCfg()
	lang := h.lang(t)
	d, _ := h.cfg.Directory.District(dr.District)
	now := h.cfg.Now()
	r := CallbackRequest{District: dr.District, ChatID: t.u.ChatID, Lang: lang, Name: dr.Name, Phone: dr.Phone,
		Topic: dr.Topic, Slot: dr.Slot, Note: dr.Note, Created: now}
	r, err = cc.Desk.Create(ctx, r, CallbackLimits{DailyCap: cc.DailyCap, Day: h.callbackDay(), MaxAge: cc.MaxAge},
		h.remindAt(cc, r))
	switch {
	case errors.Is(err, ErrCallbackOpen):
		h.endCallback(t)
		_ = cc.Desk.DropDraft(ctx, t.u.ChatID)
		return h.callbackExists(ctx, t, r)
	case errors.Is(err, ErrCallbackLimit):
		h.endCallback(t)
		_ = cc.Desk.DropDraft(ctx, t.u.ChatID)
		return h.say(ctx, t, "callback_limit", map[string]any{"Count": cc.DailyCap, "Phones": phoneList(lang, d)})
	case err != nil:
		h.storeFailed(ctx, "callback create", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	h.endCallback(t)
	if err := cc.Desk.DropDraft(ctx, t.u.ChatID); err != nil {
		h.storeFailed(ctx, "callback draft", t.u.ChatID, err)
	}
	h.callbackEvent(r.District, CallbackOpen)
	h.cfg.Logger.InfoContext(ctx, "callback request created", "request", r.ID, "district", r.District)
	if err := h.say(ctx, t, "callback_sent", map[string]any{
		"ID": r.ID, "Provider": i18n.Embed(lang, esc(d.Provider)), "Slot": h.slotText(lang, r.Slot)}); err != nil {
		return err
	}
	return h.postToTeam(ctx, t.r, r)
}

// withdrawCallback: the parent withdraws a request; its data goes at once and
// the team messages are scrubbed by the next due step.
func (h *Handler) withdrawCallback(ctx context.Context, t *turn, id string) error {
	cc := h.callbackCfg()
	r, err := cc.Desk.Get(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && (r.ChatID != t.u.ChatID || !r.Live())) {
		return h.ack(ctx, t, h.text(h.lang(t), "callback_not_live", nil))
	}
	if err != nil {
		h.storeFailed(ctx, "callback get", t.u.ChatID, err)
		if aerr := h.ack(ctx, t, ""); aerr != nil {
			return aerr
		}
		return h.say(ctx, t, "store_down", nil)
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	old, deleted, err := cc.Desk.Delete(ctx, id, CallbackWithdrawn)
	if err == nil {
		err = cc.Desk.Schedule(ctx, id, h.cfg.Now())
	}
	if err != nil {
		h.storeFailed(ctx, "callback withdraw", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	if deleted {
		h.callbackEvent(old.District, CallbackWithdrawn)
		h.cfg.Logger.InfoContext(ctx, "callback request withdrawn", "request", id, "district", old.District)
	}
	return h.say(ctx, t, "callback_withdrawn", map[string]any{"ID": id})
}

// callbackEvent tells the metrics about a request's status change or event.
func (h *Handler) callbackEvent(district, status string) {
	if f := h.cfg.Callbacks.Observe; f != nil {
		f(district, status)
	}
}

// callbackTaken tells the metrics how long a request waited to be taken.
func (h *Handler) callbackTaken(r CallbackRequest, at time.Time) {
	if f := h.cfg.Callbacks.TakenAfter; f != nil && !r.Created.IsZero() {
		f(r.District, at.Sub(r.Created))
	}
}

// slotText renders a time-of-day slot; unknown slots as they are.
func (h *Handler) slotText(lang, slot string) string {
	if slot == "" {
		slot = SlotAny
	}
	id := "slot_" + slot
	if !h.cat.Has(i18n.Default, id) {
		return esc(slot)
	}
	return h.text(lang, id, nil)
}

// CallbackConfig returns the effective configuration of callback requests
// (defaults filled in), e.g. to show what serve wired.
func (h *Handler) CallbackConfig() CallbackConfig { return h.callbackCfg() }
