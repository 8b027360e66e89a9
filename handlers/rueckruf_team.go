package handlers

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// The team's side of a callback request: the request arrives in the district
// team's group (or privately with each staff member of the district) with its
// details and the buttons "Übernehmen", "Erledigt", "Nicht erreicht". Only
// staff whose districts include the request's may press them; the first
// "Übernehmen" wins (CallbackDesk.Claim is atomic across replicas), and every
// team message of the request is edited to show who took it. Team messages
// are in German, the teams' language.
//
// Callback data ("v1|e|<op>|<request id>"): take, done, fail.

// Operations of the team's buttons.
const (
	opTake = "take"
	opDone = "done"
	opFail = "fail"
)

// teamLang is the language of the team messages.
const teamLang = i18n.Default

// teamRecipients are the chats a district's requests go to: its team's group,
// or each staff member who has the district in their list, privately.
func (h *Handler) teamRecipients(district string) []int64 {
	route, ok := h.cfg.Callbacks.Routes[district]
	if !ok {
		return nil
	}
	if route.ChatID != 0 {
		return []int64{route.ChatID}
	}
	var out []int64
	for _, m := range h.cfg.Staff {
		if slices.Contains(m.Districts, district) && !slices.Contains(out, m.UserID) {
			out = append(out, m.UserID)
		}
	}
	return out
}

// escalationRecipients are the staff responsible for every district (all: true).
func (h *Handler) escalationRecipients() []int64 {
	var out []int64
	for _, m := range h.cfg.Staff {
		if m.All && !slices.Contains(out, m.UserID) {
			out = append(out, m.UserID)
		}
	}
	return out
}

// teamText is a request as the team sees it; header, when set, is a first line.
func (h *Handler) teamText(r CallbackRequest, header string) string {
	l := teamLang
	var lines []string
	if header != "" {
		lines = append(lines, header)
	}
	lines = append(lines, h.text(l, "team_request", map[string]any{
		"ID": r.ID, "District": esc(h.districtName(r.District)),
	}))
	// The number as plain E.164: Telegram's apps make it tappable to call.
	lines = append(lines, h.text(l, "team_person", map[string]any{"Name": esc(r.Name), "Phone": esc(r.Phone)}))
	lines = append(lines, h.text(l, "team_topic", map[string]any{
		"Topic": esc(h.topicName(l, r.District, r.Topic)), "Slot": h.slotText(l, r.Slot)}))
	if r.Note != "" {
		lines = append(lines, h.text(l, "team_note", map[string]any{"Note": esc(r.Note)}))
	}
	lines = append(lines, h.text(l, "team_created", map[string]any{
		"When": esc(formatWhen(r.Created)), "Lang": esc(h.text(r.Lang, "lang_name", nil)),
	}))
	lines = append(lines, "", h.teamStatus(r))
	return strings.Join(lines, "\n")
}

// teamStatus is the line that says where the request stands.
func (h *Handler) teamStatus(r CallbackRequest) string {
	data := map[string]any{"Name": esc(r.TakenName), "When": esc(formatWhen(r.Taken))}
	switch r.Status {
	case CallbackDone, CallbackUnreached:
		data["Name"], data["When"] = esc(r.ClosedName), esc(formatWhen(r.Closed))
		until := r.DeleteAt
		if until.IsZero() || (!r.Expires.IsZero() && r.Expires.Before(until)) {
			until = r.Expires
		}
		data["Until"] = esc(formatWhen(until))
	}
	return h.text(teamLang, "team_status_"+r.Status, data)
}

// teamButtons are the buttons a request's team messages carry in its status.
func (h *Handler) teamButtons(r CallbackRequest) [][]Button {
	b := func(id, op string) Button {
		return Button{Text: h.text(teamLang, id, nil), Data: cbData(cbTeam, op, r.ID)}
	}
	switch r.Status {
	case CallbackOpen:
		return [][]Button{{b("btn_team_take", opTake)}, {b("btn_team_done", opDone), b("btn_team_unreached", opFail)}}
	case CallbackTaken:
		return [][]Button{{b("btn_team_done", opDone), b("btn_team_unreached", opFail)}}
	}
	return nil
}

// teamReceipt records a delivered team message with its request, so that it
// can be edited when the request changes and scrubbed when it goes.
func (h *Handler) teamReceipt(id string) Receipt {
	desk := h.cfg.Callbacks.Desk
	return func(ctx context.Context, chatID int64, p Posted) {
		if p.MessageID == 0 {
			return
		}
		if err := desk.AddMessage(context.WithoutCancel(ctx), id, TeamMessage{ChatID: chatID, MessageID: p.MessageID}); err != nil {
			// The message shows the number but cannot be scrubbed later: say so loudly.
			h.cfg.Logger.ErrorContext(ctx, "callback team message not recorded; it will not be scrubbed",
				"request", id, "chat_id", chatID, "message_id", p.MessageID, "err", err)
			h.storeFailed(ctx, "callback team message", chatID, err)
		}
	}
}

// postTeam sends one team message of a request (recorded by its receipt).
func (h *Handler) postTeam(ctx context.Context, p Poster, chatID int64, r CallbackRequest, header string) error {
	text := limitText(h.teamText(r, header), htmltext.MaxMessage)
	buttons := h.validButtons(h.teamButtons(r))
	_, err := p.Post(ctx, chatID, Post{Text: text, Buttons: buttons, Receipt: h.teamReceipt(r.ID)})
	return err
}

// teamPoster is the Replier as a Poster. A Replier without one learns no
// message ids: its team messages could not be scrubbed, so none is sent.
func (h *Handler) teamPoster(ctx context.Context, rep Replier) (Poster, bool) {
	p, ok := rep.(Poster)
	if !ok {
		h.cfg.Logger.ErrorContext(ctx, "callback team messages not sent: the transport reports no message ids")
	}
	return p, ok
}

// postToTeam hands a new request to its district's team.
func (h *Handler) postToTeam(ctx context.Context, rep Replier, r CallbackRequest) error {
	to := h.teamRecipients(r.District)
	p, ok := h.teamPoster(ctx, rep)
	if len(to) == 0 || !ok {
		h.cfg.Logger.ErrorContext(ctx, "callback request has no team to go to", "request", r.ID, "district", r.District)
		return nil
	}
	for _, chat := range to {
		if err := h.postTeam(ctx, p, chat, r, ""); err != nil {
			return err
		}
	}
	return nil
}

// editTeam shows a request's new state in every team message that carries it.
func (h *Handler) editTeam(ctx context.Context, rep Replier, r CallbackRequest) error {
	p, ok := rep.(Poster)
	if !ok {
		return nil
	}
	e := Edit{Text: limitText(h.teamText(r, ""), htmltext.MaxMessage), Buttons: h.validButtons(h.teamButtons(r))}
	for _, m := range r.Messages {
		if err := p.EditPost(ctx, m.ChatID, m.MessageID, e); err != nil {
			return err
		}
	}
	return nil
}

// cbTeamButton answers a press on a team message's button.
func (h *Handler) cbTeamButton(ctx context.Context, t *turn, f []string) error {
	if len(f) != 2 || h.cfg.Callbacks.Desk == nil {
		return h.stale(ctx, t)
	}
	op, id := f[0], f[1]
	if op != opTake && op != opDone && op != opFail {
		return h.stale(ctx, t)
	}
	cc := h.callbackCfg()
	lang := h.lang(t)
	r, err := cc.Desk.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return h.ack(ctx, t, h.text(lang, "team_gone", nil))
	case err != nil:
		h.storeFailed(ctx, "callback get", t.u.ChatID, err)
		return h.ack(ctx, t, h.text(lang, "team_store_down", nil))
	}
	m, ok := h.staffMember(t.u.User.ID)
	if !ok || !h.inScope(m, []string{r.District}) {
		h.cfg.Logger.WarnContext(ctx, "callback button refused: not staff of the district",
			"user_id", t.u.User.ID, "request", id, "district", r.District)
		return h.ack(ctx, t, h.text(lang, "team_refused", nil))
	}
	if r.Status == CallbackDeleted {
		return h.ack(ctx, t, h.text(lang, "team_gone", nil))
	}
	// The pressed message belongs to the request even if its receipt was lost.
	pressed := TeamMessage{ChatID: t.u.ChatID, MessageID: t.u.Callback.MessageID}
	if pressed.MessageID != 0 && !slices.Contains(r.Messages, pressed) {
		if err := cc.Desk.AddMessage(ctx, id, pressed); err != nil {
			h.storeFailed(ctx, "callback team message", t.u.ChatID, err)
		}
	}
	name := cleanName(t.u.User.FirstName)
	if name == "" {
		name = h.text(teamLang, "team_someone", nil)
	}
	now := h.cfg.Now()
	if op == opTake {
		got, res, err := cc.Desk.Claim(ctx, id, t.u.User.ID, name, now)
		if err != nil {
			h.storeFailed(ctx, "callback claim", t.u.ChatID, err)
			return h.ack(ctx, t, h.text(lang, "team_store_down", nil))
		}
		switch res {
		case ClaimWon:
			h.callbackEvent(got.District, CallbackTaken)
			h.callbackTaken(got, now)
			h.cfg.Logger.InfoContext(ctx, "callback request taken", "request", id, "district", got.District, "user_id", t.u.User.ID)
			if err := h.ack(ctx, t, h.text(lang, "team_took", nil)); err != nil {
				return err
			}
			if err := h.editTeam(ctx, t.r, withMessage(got, pressed)); err != nil {
				return err
			}
			return h.tellParent(ctx, t.r, got, "callback_taken")
		case ClaimTaken:
			return h.ack(ctx, t, h.text(lang, "team_already_taken", map[string]any{"Name": got.TakenName}))
		}
		return h.ack(ctx, t, h.text(lang, "team_not_live", nil))
	}
	outcome := CallbackDone
	if op == opFail {
		outcome = CallbackUnreached
	}
	got, changed, err := cc.Desk.Close(ctx, id, outcome, t.u.User.ID, name, now, now.Add(cc.Keep))
	if err != nil {
		h.storeFailed(ctx, "callback close", t.u.ChatID, err)
		return h.ack(ctx, t, h.text(lang, "team_store_down", nil))
	}
	if !changed {
		return h.ack(ctx, t, h.text(lang, "team_not_live", nil))
	}
	if r.Status == CallbackOpen {
		h.callbackEvent(got.District, CallbackTaken)
		h.callbackTaken(got, now)
	}
	h.callbackEvent(got.District, outcome)
	h.cfg.Logger.InfoContext(ctx, "callback request closed", "request", id, "district", got.District,
		"outcome", outcome, "user_id", t.u.User.ID)
	due := got.DeleteAt
	if !got.Expires.IsZero() && got.Expires.Before(due) {
		due = got.Expires
	}
	if err := cc.Desk.Schedule(ctx, id, due); err != nil {
		h.storeFailed(ctx, "callback schedule", t.u.ChatID, err)
	}
	if err := h.ack(ctx, t, h.text(lang, "team_closed_"+outcome, nil)); err != nil {
		return err
	}
	if err := h.editTeam(ctx, t.r, withMessage(got, pressed)); err != nil {
		return err
	}
	if outcome == CallbackUnreached {
		return h.tellParent(ctx, t.r, got, "callback_unreached")
	}
	return nil
}

// withMessage adds m to the request's team messages (once).
func withMessage(r CallbackRequest, m TeamMessage) CallbackRequest {
	if m.MessageID != 0 && !slices.Contains(r.Messages, m) {
		r.Messages = append(slices.Clip(r.Messages), m)
	}
	return r
}

// tellParent sends the parent a message about their request, in their language.
func (h *Handler) tellParent(ctx context.Context, rep Replier, r CallbackRequest, id string) error {
	if r.ChatID == 0 {
		return nil
	}
	lang := r.Lang
	if !h.offers(lang) {
		lang = i18n.Default
	}
	d, _ := h.cfg.Directory.District(r.District)
	text := h.text(lang, id, map[string]any{
		"ID": r.ID, "Provider": i18n.Embed(lang, esc(d.Provider)), "Phone": i18n.Embed(lang, esc(r.Phone)),
		"Phones": phoneList(lang, d), "Slot": h.slotText(lang, r.Slot),
	})
	return h.sendLang(ctx, rep, r.ChatID, lang, Message{Text: text})
}

// cmdTeamList (/rueckrufe) sends a staff member the live requests of their
// districts, each as a team message with its buttons.
func (h *Handler) cmdTeamList(ctx context.Context, t *turn, _ string) error {
	m, ok := h.staffMember(t.u.User.ID)
	if !ok {
		h.cfg.Logger.WarnContext(ctx, "staff function refused: not staff", "user_id", t.u.User.ID, "what", "/rueckrufe")
		return h.say(ctx, t, "staff_refused", nil)
	}
	if !t.u.Private {
		return h.say(ctx, t, "staff_private_only", nil)
	}
	if h.cfg.Callbacks.Desk == nil {
		return h.say(ctx, t, "callback_off", nil)
	}
	reqs, err := h.cfg.Callbacks.Desk.Requests(ctx)
	if err != nil {
		h.storeFailed(ctx, "callback requests", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	var mine []CallbackRequest
	for _, r := range reqs {
		if r.Live() && h.inScope(m, []string{r.District}) {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return h.say(ctx, t, "team_list_none", nil)
	}
	p, ok := h.teamPoster(ctx, t.r)
	if !ok {
		return h.say(ctx, t, "callback_off", nil)
	}
	const maxListed = 20
	if err := h.say(ctx, t, "team_list_title", map[string]any{"Count": len(mine), "Max": maxListed}); err != nil {
		return err
	}
	for i, r := range mine {
		if i == maxListed {
			break
		}
		if err := h.postTeam(ctx, p, t.u.ChatID, r, ""); err != nil {
			return err
		}
	}
	return nil
}
