package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
)

// The staff dialogue: staff members (Config.Staff) compose announcements for the
// districts they are responsible for, see a preview with the number of
// recipients, confirm, list recent broadcasts and stop a running one. Everybody
// else gets a polite refusal, and the attempt is logged with the user id only.
//
// Callback data of the staff dialogue ("v1|s|<kind>|..."):
//
//	v1|s|d|<nonce>|<district>  choose one district
//	v1|s|a|<nonce>             choose all districts of the sender's scope
//	v1|s|ok|<nonce>            send the previewed draft
//	v1|s|x|<nonce>             discard the draft
//	v1|s|c|<broadcast id>      stop a running broadcast
//
// The nonce ties a button to the draft it was shown for: a confirm pressed twice,
// or pressed after the draft changed, does nothing.

// Steps of the staff dialogue (State.Step; every one starts with "staff").
const (
	stepStaffDistricts = "staff_districts" // waiting for the districts
	stepStaffText      = "staff_text"      // waiting for the text
	stepStaffConfirm   = "staff_confirm"   // preview shown, waiting for send or discard
)

// Staff callback kinds.
const (
	cbStaffDistrict = "d"
	cbStaffAll      = "a"
	cbStaffSend     = "ok"
	cbStaffDiscard  = "x"
	cbStaffStop     = "c"
)

// staffCommands maps the staff commands (German and English) to their handlers.
var staffCommands = map[string]func(h *Handler, ctx context.Context, s *staffTurn, args string) error{
	"ankuendigung":   (*Handler).staffNew,
	"ankündigung":    (*Handler).staffNew,
	"announce":       (*Handler).staffNew,
	"ankuendigungen": (*Handler).staffList,
	"ankündigungen":  (*Handler).staffList,
	"broadcasts":     (*Handler).staffList,
	"stopp":          (*Handler).staffStop,
	"stop":           (*Handler).staffStop,
	"korrigieren":    (*Handler).staffCorrectCmd,
	"korrektur":      (*Handler).staffCorrectCmd,
	"correct":        (*Handler).staffCorrectCmd,
	"zurueckholen":   (*Handler).staffRecallCmd,
	"zurückholen":    (*Handler).staffRecallCmd,
	"recall":         (*Handler).staffRecallCmd,
}

// staffTurn is one update of a staff member (or of someone trying to be one).
type staffTurn struct {
	r      Replier
	u      Update
	st     *State
	lang   string
	member StaffMember
}

// staffMember finds the user in Config.Staff.
func (h *Handler) staffMember(userID int64) (StaffMember, bool) {
	for _, m := range h.cfg.Staff {
		if m.UserID == userID && userID != 0 {
			return m, true
		}
	}
	return StaffMember{}, false
}

// scope lists the district ids the member may announce to, in directory order.
func (h *Handler) scope(m StaffMember) []string {
	var ids []string
	for _, d := range h.cfg.Directory.Districts() {
		if m.All || slices.Contains(m.Districts, d.ID) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// inScope reports whether every district is known and within the member's scope.
func (h *Handler) inScope(m StaffMember, districts []string) bool {
	if len(districts) == 0 {
		return false
	}
	scope := h.scope(m)
	for _, d := range districts {
		if !slices.Contains(scope, d) {
			return false
		}
	}
	return true
}

// handleStaffCommand runs a staff command; other commands are not its business.
func (h *Handler) handleStaffCommand(ctx context.Context, r Replier, u Update, st *State, cmd, args string) (bool, error) {
	f, ok := staffCommands[cmd]
	if !ok {
		if (cmd == "abbrechen" || cmd == "cancel") && isStaffStep(st.Step) {
			s := &staffTurn{r: r, u: u, st: st, lang: h.langOf(u, st)}
			clearDraft(st)
			return true, h.staffSay(ctx, s, "staff_discarded", nil)
		}
		return false, nil
	}
	s, ok, err := h.staffAuth(ctx, r, u, st, "/"+cmd)
	if !ok || err != nil {
		return true, err
	}
	return true, f(h, ctx, s, args)
}

// handleStaffStep takes the text of a staff member in the middle of composing.
func (h *Handler) handleStaffStep(ctx context.Context, r Replier, u Update, st *State) (bool, error) {
	if u.Callback != nil || !isStaffStep(st.Step) {
		return false, nil // buttons come through handleStaffCallback
	}
	s, ok, err := h.staffAuth(ctx, r, u, st, st.Step)
	if !ok || err != nil {
		clearDraft(st)
		return true, err
	}
	if (u.Media != nil || u.Location != nil) && st.Draft != nil &&
		(st.Step == stepStaffText || st.Step == stepStaffConfirm) {
		if u.Media != nil {
			return true, h.staffMedia(ctx, s)
		}
		return true, h.staffLocation(ctx, s)
	}
	if u.Media != nil || u.Location != nil {
		return true, h.staffSay(ctx, s, "ann_media_not_now", nil)
	}
	switch st.Step {
	case stepStaffLater:
		return true, h.staffLater(ctx, s, u.Text)
	case stepStaffTranslate:
		return true, h.staffTranslation(ctx, s, u.Text)
	case stepStaffDistricts:
		return true, h.staffDistrictsTyped(ctx, s, u.Text)
	case stepStaffText:
		return true, h.staffText(ctx, s, u.Text)
	case stepStaffConfirm:
		// A new text replaces the previewed one.
		st.Step = stepStaffText
		return true, h.staffText(ctx, s, u.Text)
	}
	clearDraft(st)
	return false, nil
}

// handleStaffCallback answers a staff button. Every press is acknowledged once.
func (h *Handler) handleStaffCallback(ctx context.Context, r Replier, u Update, st *State, data string) (bool, error) {
	kind, f, ok := parseCallback(data)
	if !ok || kind != cbStaff || len(f) == 0 {
		return false, nil
	}
	s, ok, err := h.staffAuth(ctx, r, u, st, "button")
	if err != nil {
		return true, err
	}
	if !ok {
		return true, r.AnswerCallback(ctx, u.Callback.ID, "")
	}
	if handled, err := h.staffRichCallback(ctx, s, f); handled {
		return true, err
	}
	switch {
	case f[0] == cbStaffDistrict && len(f) == 3:
		return true, h.staffDistrictChosen(ctx, s, f[1], []string{f[2]})
	case f[0] == cbStaffAll && len(f) == 2:
		return true, h.staffDistrictChosen(ctx, s, f[1], h.scope(s.member))
	case f[0] == cbStaffSend && len(f) == 2:
		return true, h.staffSend(ctx, s, f[1])
	case f[0] == cbStaffDiscard && len(f) == 2:
		if st.Nonce != f[1] || !isStaffStep(st.Step) {
			return true, h.staffStale(ctx, s)
		}
		clearDraft(st)
		if err := r.AnswerCallback(ctx, u.Callback.ID, ""); err != nil {
			return true, err
		}
		return true, h.staffSay(ctx, s, "staff_discarded", nil)
	case f[0] == cbStaffStop && len(f) == 2:
		if err := r.AnswerCallback(ctx, u.Callback.ID, ""); err != nil {
			return true, err
		}
		return true, h.staffStop(ctx, s, f[1])
	}
	return false, nil
}

// staffAuth lets staff members through. Anybody else is refused politely and the
// attempt is logged with the user id (never a text); ok is false then.
func (h *Handler) staffAuth(ctx context.Context, r Replier, u Update, st *State, what string) (*staffTurn, bool, error) {
	s := &staffTurn{r: r, u: u, st: st, lang: h.langOf(u, st)}
	m, ok := h.staffMember(u.User.ID)
	if !ok {
		h.cfg.Logger.WarnContext(ctx, "staff function refused: not staff", "user_id", u.User.ID, "what", what)
		if u.Callback != nil {
			return s, false, nil // the caller acknowledges; no message for a stray button
		}
		return s, false, h.staffSay(ctx, s, "staff_refused", nil)
	}
	s.member = m
	if !u.Private {
		h.cfg.Logger.WarnContext(ctx, "staff function refused: not a private chat", "user_id", u.User.ID, "what", what)
		if u.Callback != nil {
			return s, false, nil
		}
		return s, false, h.staffSay(ctx, s, "staff_private_only", nil)
	}
	if h.cfg.Broadcaster == nil {
		if u.Callback != nil {
			return s, false, nil
		}
		return s, false, h.staffSay(ctx, s, "staff_off", nil)
	}
	return s, true, nil
}

// staffSay sends one staff catalogue message in the staff member's language.
func (h *Handler) staffSay(ctx context.Context, s *staffTurn, id string, data map[string]any) error {
	return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{Text: h.text(s.lang, id, data)})
}

// staffStale acknowledges an outdated staff button.
func (h *Handler) staffStale(ctx context.Context, s *staffTurn) error {
	return s.r.AnswerCallback(ctx, s.u.Callback.ID, truncRunes(h.text(s.lang, "staff_stale", nil), maxCallbackNote))
}

// clearDraft ends the staff dialogue. Nothing else of the chat's state changes:
// Handle saves a state that changed, also when it became empty.
func clearDraft(st *State) {
	st.Step, st.Draft, st.Nonce = "", nil, ""
}

// newStaffNonce returns 8 random hex characters.
func newStaffNonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// staffDistrictNames joins the escaped names of districts.
func (h *Handler) staffDistrictNames(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = esc(h.districtName(id))
	}
	return strings.Join(names, ", ")
}
