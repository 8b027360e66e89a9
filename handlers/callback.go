package handlers

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// Callback data is "v1|<kind>|<fields...>", at most 64 bytes, never trusted:
//
//	v1|p|<nonce>|<place id>   a place chosen among candidates
//	v1|c|<district id>        send the provider's contact card
//	v1|o|<district id>        show the offerings
//	v1|a|<district id>        subscribe to announcements
//	v1|u|<district id>        unsubscribe
//	v1|n                      ask for another place
//	v1|l|<lang>               choose a language
//	v1|x|<nonce>              confirm /loeschen
//	v1|k                      keep everything (cancel /loeschen)
//	v1|r|<broadcast id>       remind me of this event (on/off)
//	v1|i|<broadcast id>       send the event's calendar file
//	v1|q|...                  a parent's callback request (rueckruf.go)
//	v1|e|<op>|<request id>    a team's button on a callback request (rueckruf_team.go)
//	v1|s...                   the staff dialogue's buttons (handleStaffCallback)
const cbVersion = "v1"

// Callback kinds.
const (
	cbPlace      = "p"
	cbContact    = "c"
	cbOfferings  = "o"
	cbSubscribe  = "a"
	cbUnsub      = "u"
	cbOtherPlace = "n"
	cbLanguage   = "l"
	cbDelete     = "x"
	cbKeep       = "k"
	cbStaff      = "s"
)

// cbData builds callback data of a kind.
func cbData(kind string, fields ...string) string {
	return strings.Join(append([]string{cbVersion, kind}, fields...), "|")
}

// parseCallback validates callback data and returns its kind and fields.
func parseCallback(data string) (kind string, fields []string, ok bool) {
	if data == "" || len(data) > maxCallbackBytes || !utf8.ValidString(data) {
		return "", nil, false
	}
	parts := strings.Split(data, "|")
	if len(parts) < 2 || parts[0] != cbVersion {
		return "", nil, false
	}
	for _, p := range parts[1:] {
		if !validField(p) {
			return "", nil, false
		}
	}
	return parts[1], parts[2:], true
}

// validField accepts the characters ids and nonces are made of.
func validField(s string) bool {
	if s == "" || len(s) > 48 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// handleCallback answers a button press. Every press is acknowledged exactly once.
func (h *Handler) handleCallback(ctx context.Context, t *turn) error {
	data := t.u.Callback.Data
	if strings.HasPrefix(data, cbVersion+"|"+cbStaff) {
		handled, err := h.handleStaffCallback(ctx, t.r, t.u, &t.st, data)
		if handled || err != nil {
			return err
		}
		return h.stale(ctx, t)
	}
	if isStaffStep(t.st.Step) {
		if handled, err := h.handleStaffStep(ctx, t.r, t.u, &t.st); handled || err != nil {
			return err
		}
	}
	kind, f, ok := parseCallback(data)
	if !ok {
		return h.stale(ctx, t)
	}
	switch {
	case kind == cbCallback:
		return h.cbCallbackButton(ctx, t, f)
	case kind == cbTeam:
		return h.cbTeamButton(ctx, t, f)
	case kind == cbRemind && len(f) == 1:
		return h.cbReminder(ctx, t, f[0])
	case kind == cbCalendar && len(f) == 1:
		return h.cbCalendarFile(ctx, t, f[0])
	case kind == cbPlace && len(f) == 2:
		return h.cbPlace(ctx, t, f[0], f[1])
	case kind == cbOtherPlace && len(f) == 0:
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
		return h.askPlace(ctx, t, "ask_place")
	case kind == cbLanguage && len(f) == 1 && h.offers(f[0]):
		return h.cbLanguage(ctx, t, f[0])
	case kind == cbDelete && len(f) == 1:
		return h.cbDeleteConfirmed(ctx, t, f[0])
	case kind == cbKeep && len(f) == 0:
		return h.cbKeep(ctx, t)
	case len(f) == 1 && strings.Contains(cbContact+cbOfferings+cbSubscribe+cbUnsub, kind) && len(kind) == 1:
		d, ok := h.cfg.Directory.District(f[0])
		if !ok {
			return h.stale(ctx, t)
		}
		if kind == cbSubscribe || kind == cbUnsub {
			if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
				return err
			}
		}
		if err := h.ack(ctx, t, ""); err != nil {
			return err
		}
		switch kind {
		case cbContact:
			return h.sendContacts(ctx, t, d)
		case cbOfferings:
			return h.sendOfferings(ctx, t, d)
		case cbSubscribe:
			return h.subscribe(ctx, t, d)
		default:
			return h.unsubscribe(ctx, t, d)
		}
	}
	return h.stale(ctx, t)
}

// cbPlace completes an answer from a chosen candidate. A button of the current
// question works; so does one whose question expired (resolving a valid place id
// is harmless). A button of a question that a newer one replaced is stale.
func (h *Handler) cbPlace(ctx context.Context, t *turn, nonce, placeID string) error {
	p, ok := h.cfg.Directory.Place(placeID)
	if !ok {
		return h.stale(ctx, t)
	}
	current := t.st.Nonce == nonce && slices.Contains(t.st.Candidates, placeID)
	if !current && t.st.Nonce != "" {
		return h.stale(ctx, t)
	}
	d, ok := h.cfg.Directory.District(p.District)
	if !ok {
		return h.stale(ctx, t)
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	return h.answerDistrict(ctx, t, d, &p, "")
}

// stale says that a button is no longer valid and asks for the place again.
func (h *Handler) stale(ctx context.Context, t *turn) error {
	if err := h.ack(ctx, t, h.text(h.lang(t), "stale_short", nil)); err != nil {
		return err
	}
	if t.st.Step == stepConfirmDelete {
		t.st.Step = ""
	}
	return h.askPlace(ctx, t, "stale")
}

// ack answers the callback query, optionally with a short plain notice.
func (h *Handler) ack(ctx context.Context, t *turn, notice string) error {
	return t.r.AnswerCallback(ctx, t.u.Callback.ID, truncRunes(notice, maxCallbackNote))
}
