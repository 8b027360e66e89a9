package handlers

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxPlaceRunes limits the place of an event.
const maxPlaceRunes = 200

// staffNew starts a new announcement: choose the districts.
func (h *Handler) staffNew(ctx context.Context, s *staffTurn, _ string) error {
	scope := h.scope(s.member)
	if len(scope) == 0 {
		h.cfg.Logger.WarnContext(ctx, "staff member without any known district", "user_id", s.u.User.ID)
		return h.staffSay(ctx, s, "staff_refused", nil)
	}
	s.st.Step, s.st.Nonce = stepStaffDistricts, newStaffNonce()
	s.st.Draft = &Draft{}
	var rows [][]Button
	for _, id := range scope {
		rows = append(rows, []Button{{Text: h.districtName(id), Data: cbData(cbStaff, cbStaffDistrict, s.st.Nonce, id)}})
	}
	if len(scope) > 1 {
		rows = append(rows, []Button{{Text: h.text(s.lang, "staff_all_districts", nil), Data: cbData(cbStaff, cbStaffAll, s.st.Nonce)}})
	}
	rows = append(rows, []Button{{Text: h.text(s.lang, "staff_discard", nil), Data: cbData(cbStaff, cbStaffDiscard, s.st.Nonce)}})
	example := scope[0]
	if len(scope) > 1 {
		example += ", " + scope[1]
	}
	text := h.text(s.lang, "staff_choose_district", map[string]any{
		"Example": esc(example), "Scope": esc(strings.Join(scope, ", ")),
	})
	return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{Text: text, Buttons: rows})
}

// staffDistrictsTyped takes districts written as ids (or unique id prefixes),
// separated by commas or spaces; "alle"/"all" means the whole scope.
func (h *Handler) staffDistrictsTyped(ctx context.Context, s *staffTurn, text string) error {
	scope := h.scope(s.member)
	var chosen []string
	for _, tok := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t'
	}) {
		if tok == "alle" || tok == "all" {
			chosen = append(chosen, scope...)
			continue
		}
		id, ok := h.staffDistrictID(tok)
		if !ok || !h.inScope(s.member, []string{id}) {
			h.cfg.Logger.WarnContext(ctx, "staff district refused", "user_id", s.u.User.ID, "known", ok)
			return h.staffSay(ctx, s, "staff_bad_district", map[string]any{
				"Value": excerpt(tok), "Scope": esc(strings.Join(scope, ", ")),
			})
		}
		chosen = append(chosen, id)
	}
	if len(chosen) == 0 {
		return h.staffSay(ctx, s, "staff_bad_district", map[string]any{"Value": excerpt(text), "Scope": esc(strings.Join(scope, ", "))})
	}
	return h.staffSetDistricts(ctx, s, chosen)
}

// staffDistrictID finds a district by id or by a prefix of exactly one id.
func (h *Handler) staffDistrictID(tok string) (string, bool) {
	var found []string
	for _, d := range h.cfg.Directory.Districts() {
		if d.ID == tok {
			return d.ID, true
		}
		if strings.HasPrefix(d.ID, tok) {
			found = append(found, d.ID)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}

// staffDistrictChosen handles the district buttons.
func (h *Handler) staffDistrictChosen(ctx context.Context, s *staffTurn, nonce string, districts []string) error {
	if s.st.Step != stepStaffDistricts || s.st.Nonce != nonce {
		return h.staffStale(ctx, s)
	}
	if !h.inScope(s.member, districts) {
		h.cfg.Logger.WarnContext(ctx, "staff district refused", "user_id", s.u.User.ID, "via", "button")
		clearDraft(s.st)
		if err := s.r.AnswerCallback(ctx, s.u.Callback.ID, ""); err != nil {
			return err
		}
		return h.staffSay(ctx, s, "staff_bad_district", map[string]any{
			"Value": esc(strings.Join(districts, ", ")), "Scope": esc(strings.Join(h.scope(s.member), ", ")),
		})
	}
	if err := s.r.AnswerCallback(ctx, s.u.Callback.ID, ""); err != nil {
		return err
	}
	return h.staffSetDistricts(ctx, s, districts)
}

func (h *Handler) staffSetDistricts(ctx context.Context, s *staffTurn, districts []string) error {
	var uniq []string
	for _, d := range districts {
		if !strings.Contains(","+strings.Join(uniq, ",")+",", ","+d+",") {
			uniq = append(uniq, d)
		}
	}
	s.st.Draft = &Draft{Districts: uniq}
	s.st.Step, s.st.Nonce = stepStaffText, newStaffNonce()
	return h.staffSay(ctx, s, "staff_write_text", map[string]any{"Districts": h.staffDistrictNames(uniq)})
}

// staffLine recognises "Datum: ..." and "Ort: ..." lines (German and English).
var staffLine = regexp.MustCompile(`(?i)^\s*(datum|date|wann|when|bis|ende|end|until|ort|place|wo|where)\s*:\s*(.*?)\s*$`)

// staffText takes the announcement's text, with optional date and place lines,
// checks it and shows the preview.
func (h *Handler) staffText(ctx context.Context, s *staffTurn, text string) error {
	d := s.st.Draft
	if d == nil || !h.inScope(s.member, d.Districts) {
		h.cfg.Logger.WarnContext(ctx, "staff draft outside scope", "user_id", s.u.User.ID)
		clearDraft(s.st)
		return h.staffSay(ctx, s, "staff_bad_district", map[string]any{"Value": "–", "Scope": esc(strings.Join(h.scope(s.member), ", "))})
	}
	var body []string
	var when, end time.Time
	var endText string
	where := ""
	if d.EditOf != "" { // a correction keeps the place unless a line changes it
		where = d.Where
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		m := staffLine.FindStringSubmatch(line)
		if m == nil {
			body = append(body, line)
			continue
		}
		switch strings.ToLower(m[1]) {
		case "datum", "date", "wann", "when":
			t, err := parseStaffDate(m[2])
			if err != nil {
				return h.staffSay(ctx, s, "staff_bad_date", map[string]any{"Value": excerpt(m[2])})
			}
			if staffDatePassed(t, h.cfg.Now()) {
				return h.staffSay(ctx, s, "staff_date_past", map[string]any{"When": esc(formatWhen(t))})
			}
			when = t
		case "bis", "ende", "end", "until":
			endText = m[2]
		default:
			if len([]rune(m[2])) > maxPlaceRunes {
				return h.staffSay(ctx, s, "staff_place_too_long", map[string]any{"Max": maxPlaceRunes})
			}
			where = m[2]
		}
	}
	if endText != "" {
		t, err := parseStaffEnd(endText, when)
		if err != nil || when.IsZero() || !t.After(when) {
			return h.staffSay(ctx, s, "ann_bad_end", map[string]any{"Value": excerpt(endText)})
		}
		end = t
	}
	body = trimBlankLines(body)
	if len(body) == 0 {
		return h.staffSay(ctx, s, "staff_text_empty", nil)
	}
	d.Text, d.When, d.End, d.Where = strings.Join(body, "\n"), when, end, where
	return h.staffPreview(ctx, s)
}

// parseStaffEnd reads the end of an event: a time on the day it starts ("20:30")
// or a full date like the start.
func parseStaffEnd(text string, start time.Time) (time.Time, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "Uhr"))
	if c, err := time.Parse("15:04", strings.ReplaceAll(t, ".", ":")); err == nil && !start.IsZero() {
		s := start.In(berlin())
		return time.Date(s.Year(), s.Month(), s.Day(), c.Hour(), c.Minute(), 0, 0, berlin()), nil
	}
	return parseStaffDate(text)
}

// recipientCounter is implemented by a Broadcaster that can count the distinct
// chats a broadcast to several districts would reach (broadcast.Service does).
type recipientCounter interface {
	CountRecipients(ctx context.Context, districts []string) (int64, error)
}

// staffRecipients counts who would get the announcement: exactly, when the
// Broadcaster can, else the sum over the districts (a chat subscribed to two of
// them counted twice, while Start sends it one message).
func (h *Handler) staffRecipients(ctx context.Context, districts []string) (int64, error) {
	if c, ok := h.cfg.Broadcaster.(recipientCounter); ok {
		return c.CountRecipients(ctx, districts)
	}
	var n int64
	for _, d := range districts {
		k, err := h.cfg.Store.CountSubscribers(ctx, d)
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// staffSend queues the previewed draft. The nonce is cleared before the
// broadcast starts, so a second press of the same button finds nothing to send.
func (h *Handler) staffSend(ctx context.Context, s *staffTurn, nonce string) error {
	st := s.st
	if st.Step != stepStaffConfirm || st.Nonce == "" || st.Nonce != nonce || st.Draft == nil {
		return h.staffStale(ctx, s)
	}
	d := *st.Draft
	if !h.inScope(s.member, d.Districts) {
		h.cfg.Logger.WarnContext(ctx, "staff send refused: district outside scope", "user_id", s.u.User.ID)
		clearDraft(st)
		if err := s.r.AnswerCallback(ctx, s.u.Callback.ID, ""); err != nil {
			return err
		}
		return h.staffSay(ctx, s, "staff_bad_district", map[string]any{
			"Value": esc(strings.Join(d.Districts, ", ")), "Scope": esc(strings.Join(h.scope(s.member), ", ")),
		})
	}
	if d.EditOf != "" {
		return h.staffSendCorrection(ctx, s)
	}
	st.Nonce = ""
	id, n, started, err := h.cfg.Broadcaster.StartOnce(ctx, strconv.FormatInt(s.u.User.ID, 10)+"-"+nonce, h.announcement(d, s))
	if err == nil && !started {
		clearDraft(st)
		return h.staffStale(ctx, s) // a double click that reached another replica first
	}
	if err != nil {
		st.Nonce = nonce // the same button may be pressed again
		h.cfg.Logger.ErrorContext(ctx, "starting a broadcast failed", "user_id", s.u.User.ID, "err", err)
		return errors.Join(s.r.AnswerCallback(ctx, s.u.Callback.ID, ""), h.staffSay(ctx, s, "staff_start_failed", nil))
	}
	clearDraft(st)
	h.cfg.Logger.InfoContext(ctx, "broadcast started by staff", "user_id", s.u.User.ID, "id", id,
		"districts", d.Districts, "recipients", n)
	if err := s.r.AnswerCallback(ctx, s.u.Callback.ID, ""); err != nil {
		return err
	}
	return h.staffSay(ctx, s, "staff_started", map[string]any{"ID": esc(id), "Count": n})
}

// staffDateLayouts are the accepted date formats, in the county's time zone.
var staffDateLayouts = []string{"2.1.2006 15:04", "2.1.2006, 15:04", "2.1.2006 15.04", "2.1.2006"}

// parseStaffDate reads "24.12.2026 18:00" or "24.12.2026" (optionally "Uhr").
func parseStaffDate(s string) (time.Time, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "Uhr"))
	var err error
	for _, layout := range staffDateLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, berlin()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// staffDatePassed reports whether an event is over: a date without time counts
// until the end of its day.
func staffDatePassed(t, now time.Time) bool {
	if t.Hour() == 0 && t.Minute() == 0 {
		t = t.AddDate(0, 0, 1)
	}
	return !t.After(now)
}

// trimBlankLines drops leading and trailing empty lines.
func trimBlankLines(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
