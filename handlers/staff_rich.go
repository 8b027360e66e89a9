package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// Steps and buttons of the richer announcement dialogue (see staff.go):
//
//	v1|s|l|<nonce>           send later: ask for the time
//	v1|s|t|<nonce>           add a translation: choose the language
//	v1|s|t|<nonce>|<lang>    add a translation in lang: ask for the text
//	v1|s|u|<nonce>           urgent on/off (quiet hours)
//	v1|s|sp|<nonce>          picture and text as two messages (text too long for a caption)
//	v1|s|n                   a button in a preview (does nothing)
//	v1|s|e|<id>              correct broadcast id
//	v1|s|r|<id>              recall broadcast id (asks)
//	v1|s|ry|<id>             recall broadcast id (confirmed)
const (
	stepStaffLater     = "staff_later"     // waiting for the time to send
	stepStaffTranslate = "staff_translate" // waiting for a translation

	cbStaffLater     = "l"
	cbStaffTrans     = "t"
	cbStaffUrgent    = "u"
	cbStaffSplit     = "sp"
	cbStaffNoop      = "n"
	cbStaffEdit      = "e"
	cbStaffRecall    = "r"
	cbStaffRecallYes = "ry"
)

// staffMedia takes a photo or document sent while composing: it becomes the
// announcement's picture; its caption, if any, is the text.
func (h *Handler) staffMedia(ctx context.Context, s *staffTurn) error {
	d := s.st.Draft
	m := *s.u.Media
	d.Media = &m
	d.Split = false
	if strings.TrimSpace(s.u.Text) != "" {
		return h.staffText(ctx, s, s.u.Text)
	}
	if d.Text != "" {
		return h.staffPreview(ctx, s)
	}
	s.st.Step = stepStaffText
	return h.staffSay(ctx, s, "ann_media_received", nil)
}

// staffLocation takes a shared location or venue: the event's map pin.
func (h *Handler) staffLocation(ctx context.Context, s *staffTurn) error {
	d := s.st.Draft
	v := Venue{Lat: s.u.Location.Lat, Lon: s.u.Location.Lon}
	if s.u.Venue != nil {
		v.Title, v.Address = s.u.Venue.Title, s.u.Venue.Address
	}
	if v.Title == "" {
		v.Title = truncRunes(d.Where, 100)
	}
	if v.Title == "" {
		v.Title = h.text(i18n.Default, "ann_venue_title", nil)
	}
	if v.Address == "" {
		v.Address = truncRunes(d.Where, 100)
	}
	if v.Address == "" {
		v.Address = strconv.FormatFloat(v.Lat, 'f', 5, 64) + ", " + strconv.FormatFloat(v.Lon, 'f', 5, 64)
	}
	d.Venue = &v
	if d.Text != "" {
		return h.staffPreview(ctx, s)
	}
	return h.staffSay(ctx, s, "ann_venue_received", nil)
}

// staffPreview sends the announcement exactly as parents get it, in every
// language it has, then the number of recipients and the choices.
func (h *Handler) staffPreview(ctx context.Context, s *staffTurn) error {
	d := s.st.Draft
	if d.UID == "" {
		d.UID = "srb-" + strconv.FormatInt(s.u.User.ID, 10) + "-" + newStaffNonce() + "@sozialraumbot"
	}
	if n, long := h.captionTooLong(*d); long {
		s.st.Step, s.st.Nonce = stepStaffText, newStaffNonce()
		return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{
			Text: h.text(s.lang, "ann_caption_too_long", map[string]any{"Length": n, "Max": htmltext.MaxCaption, "Over": n - htmltext.MaxCaption}),
			Buttons: [][]Button{
				{{Text: h.text(s.lang, "ann_btn_split", nil), Data: cbData(cbStaff, cbStaffSplit, s.st.Nonce)}},
				{{Text: h.text(s.lang, "staff_discard", nil), Data: cbData(cbStaff, cbStaffDiscard, s.st.Nonce)}},
			},
		})
	}
	for _, l := range draftLangs(*d) {
		if n := htmltext.Len(h.renderMain(*d, l)); n > htmltext.MaxMessage {
			return h.staffSay(ctx, s, "staff_too_long", map[string]any{"Length": n, "Max": htmltext.MaxMessage, "Over": n - htmltext.MaxMessage})
		}
	}
	var n int64
	if d.EditOf == "" {
		var err error
		if n, err = h.staffRecipients(ctx, d.Districts); err != nil {
			h.cfg.Logger.WarnContext(ctx, "counting recipients failed", "user_id", s.u.User.ID, "err", err)
			return h.staffSay(ctx, s, "staff_store_down", nil)
		}
	}
	for _, l := range draftLangs(*d) {
		if len(d.Texts) > 0 {
			if err := h.staffSay(ctx, s, "ann_preview_lang", map[string]any{"Lang": h.text(l, "lang_name", nil)}); err != nil {
				return err
			}
		}
		if err := h.previewParts(ctx, s, *d, l); err != nil {
			return err
		}
	}
	s.st.Step, s.st.Nonce = stepStaffConfirm, newStaffNonce()
	return h.staffQuestion(ctx, s, n)
}

// staffQuestion asks what to do with the previewed draft.
func (h *Handler) staffQuestion(ctx context.Context, s *staffTurn, n int64) error {
	d := s.st.Draft
	nonce := s.st.Nonce
	var parts []string
	if d.EditOf != "" {
		parts = append(parts, h.text(s.lang, "ann_preview_edit", map[string]any{"ID": esc(d.EditOf)}))
	} else {
		id := "staff_preview"
		if n == 0 {
			id = "staff_preview_none"
		}
		parts = append(parts, h.text(s.lang, id, map[string]any{"Count": n, "Districts": h.staffDistrictNames(d.Districts)}))
		if q, ok := h.cfg.Broadcaster.(quietHours); ok && !d.Urgent {
			if end, in := q.QuietUntil(h.cfg.Now()); in {
				parts = append(parts, h.text(s.lang, "ann_quiet_now", map[string]any{"Until": esc(end.In(berlin()).Format("15:04"))}))
			}
		}
		if d.Urgent {
			parts = append(parts, h.text(s.lang, "ann_urgent_on", nil))
		}
	}
	send := "staff_send"
	if d.EditOf != "" {
		send = "ann_btn_send_edit"
	}
	rows := [][]Button{{{Text: h.text(s.lang, send, nil), Data: cbData(cbStaff, cbStaffSend, nonce)}}}
	if d.EditOf == "" {
		if _, ok := h.cfg.Broadcaster.(scheduler); ok {
			rows[0] = append(rows[0], Button{Text: h.text(s.lang, "ann_btn_later", nil), Data: cbData(cbStaff, cbStaffLater, nonce)})
		}
		urgent := "ann_btn_urgent"
		if d.Urgent {
			urgent = "ann_btn_not_urgent"
		}
		rows = append(rows, []Button{{Text: h.text(s.lang, urgent, nil), Data: cbData(cbStaff, cbStaffUrgent, nonce)}})
	}
	rows = append(rows, []Button{
		{Text: h.text(s.lang, "ann_btn_translate", nil), Data: cbData(cbStaff, cbStaffTrans, nonce)},
		{Text: h.text(s.lang, "staff_discard", nil), Data: cbData(cbStaff, cbStaffDiscard, nonce)},
	})
	return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{Text: strings.Join(parts, "\n"), Buttons: rows})
}

// staffRichCallback handles the buttons of staff_rich; ok is false for others.
func (h *Handler) staffRichCallback(ctx context.Context, s *staffTurn, f []string) (bool, error) {
	st := s.st
	current := func(nonce string) bool { return st.Draft != nil && st.Nonce == nonce && isStaffStep(st.Step) }
	ack := func() error { return s.r.AnswerCallback(ctx, s.u.Callback.ID, "") }
	switch {
	case f[0] == cbStaffNoop:
		return true, ack()
	case f[0] == cbStaffSplit && len(f) == 2:
		if !current(f[1]) {
			return true, h.staffStale(ctx, s)
		}
		st.Draft.Split = true
		return true, errors.Join(ack(), h.staffPreview(ctx, s))
	case f[0] == cbStaffUrgent && len(f) == 2:
		if !current(f[1]) || st.Step != stepStaffConfirm {
			return true, h.staffStale(ctx, s)
		}
		st.Draft.Urgent = !st.Draft.Urgent
		st.Nonce = newStaffNonce()
		n, err := h.staffRecipients(ctx, st.Draft.Districts)
		if err != nil {
			return true, errors.Join(ack(), h.staffSay(ctx, s, "staff_store_down", nil))
		}
		return true, errors.Join(ack(), h.staffQuestion(ctx, s, n))
	case f[0] == cbStaffLater && len(f) == 2:
		if !current(f[1]) || st.Step != stepStaffConfirm {
			return true, h.staffStale(ctx, s)
		}
		st.Step = stepStaffLater
		return true, errors.Join(ack(), h.staffSay(ctx, s, "ann_ask_later", map[string]any{
			"Example": esc(h.cfg.Now().In(berlin()).AddDate(0, 0, 1).Format("02.01.2006") + " 09:00")}))
	case f[0] == cbStaffTrans && len(f) == 2:
		if !current(f[1]) {
			return true, h.staffStale(ctx, s)
		}
		var row []Button
		for _, l := range i18n.Supported() {
			if l != i18n.Default {
				row = append(row, Button{Text: h.text(l, "lang_name", nil), Data: cbData(cbStaff, cbStaffTrans, st.Nonce, l)})
			}
		}
		return true, errors.Join(ack(), h.sendLang(ctx, s.r, s.u.ChatID, s.lang,
			Message{Text: h.text(s.lang, "ann_choose_lang", nil), Buttons: [][]Button{row}}))
	case f[0] == cbStaffTrans && len(f) == 3:
		if !current(f[1]) || f[2] == i18n.Default || i18n.Match(f[2]) != f[2] {
			return true, h.staffStale(ctx, s)
		}
		st.Step, st.Draft.Lang = stepStaffTranslate, f[2]
		return true, errors.Join(ack(), h.staffSay(ctx, s, "ann_ask_translation", map[string]any{
			"Lang": h.text(f[2], "lang_name", nil), "Text": esc(truncRunes(st.Draft.Text, 300))}))
	case f[0] == cbStaffEdit && len(f) == 2:
		return true, errors.Join(ack(), h.staffCorrect(ctx, s, f[1]))
	case f[0] == cbStaffRecall && len(f) == 2:
		return true, errors.Join(ack(), h.staffRecallAsk(ctx, s, f[1]))
	case f[0] == cbStaffRecallYes && len(f) == 2:
		return true, errors.Join(ack(), h.staffRecall(ctx, s, f[1]))
	}
	return false, nil
}

// staffTranslation takes the text in the awaited language.
func (h *Handler) staffTranslation(ctx context.Context, s *staffTurn, text string) error {
	d := s.st.Draft
	text = strings.TrimSpace(text)
	if text == "" || d.Lang == "" {
		return h.staffSay(ctx, s, "staff_text_empty", nil)
	}
	if d.Texts == nil {
		d.Texts = map[string]string{}
	}
	d.Texts[d.Lang], d.Lang = text, ""
	return h.staffPreview(ctx, s)
}

// staffLater takes the time to send ("24.12.2026 09:00", Europe/Berlin) and schedules.
func (h *Handler) staffLater(ctx context.Context, s *staffTurn, text string) error {
	at, err := parseStaffDate(text)
	if err != nil {
		return h.staffSay(ctx, s, "staff_bad_date", map[string]any{"Value": excerpt(text)})
	}
	now := h.cfg.Now()
	if !at.After(now) {
		return h.staffSay(ctx, s, "staff_date_past", map[string]any{"When": esc(formatWhen(at))})
	}
	sch, ok := h.cfg.Broadcaster.(scheduler)
	if !ok {
		return h.staffSay(ctx, s, "staff_off", nil)
	}
	d := *s.st.Draft
	key := strconv.FormatInt(s.u.User.ID, 10) + "-" + s.st.Nonce + "-later"
	id, scheduled, err := sch.ScheduleOnce(ctx, key, h.announcement(d, s), at)
	if err != nil {
		h.cfg.Logger.ErrorContext(ctx, "scheduling a broadcast failed", "user_id", s.u.User.ID, "err", err)
		return h.staffSay(ctx, s, "staff_start_failed", nil)
	}
	clearDraft(s.st)
	if !scheduled {
		return nil
	}
	h.cfg.Logger.InfoContext(ctx, "broadcast scheduled by staff", "user_id", s.u.User.ID, "id", id, "at", at)
	return h.staffSay(ctx, s, "ann_scheduled", map[string]any{
		"ID": esc(id), "At": esc(i18n.When(s.lang, at, time.Time{}, berlin())),
	})
}

// staffCorrect starts correcting broadcast id: the staff member writes the new text.
func (h *Handler) staffCorrect(ctx context.Context, s *staffTurn, id string) error {
	c, ok := h.cfg.Broadcaster.(corrector)
	if !ok {
		return h.staffSay(ctx, s, "staff_off", nil)
	}
	b, err := h.cfg.Broadcaster.Status(ctx, id)
	if err != nil || !h.staffMayManage(s.member, b) || b.Kind != KindSend {
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	}
	a, err := c.Announcement(ctx, id)
	if err != nil {
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	}
	s.st.Draft = &Draft{Districts: a.Districts, Text: a.Text, When: a.When, End: a.End, Where: a.Where,
		Media: a.Media, Venue: a.Venue, Urgent: a.Urgent, Texts: a.Texts, EditOf: id, UID: a.UID,
		Split: a.Renditions[i18n.Default].Text != ""}
	s.st.Step, s.st.Nonce = stepStaffText, newStaffNonce()
	when := ""
	if !a.When.IsZero() {
		when = formatWhen(a.When)
	}
	return h.staffSay(ctx, s, "ann_correct_write", map[string]any{
		"ID": esc(id), "Text": esc(a.Text), "When": esc(when), "Where": esc(a.Where)})
}

// staffSendCorrection sends the previewed correction.
func (h *Handler) staffSendCorrection(ctx context.Context, s *staffTurn) error {
	c := h.cfg.Broadcaster.(corrector)
	d := *s.st.Draft
	s.st.Nonce = ""
	jobID, n, err := c.Correct(ctx, d.EditOf, h.announcement(d, s))
	if err := s.r.AnswerCallback(ctx, s.u.Callback.ID, ""); err != nil {
		return err
	}
	clearDraft(s.st)
	if err != nil {
		return h.staffChangeFailed(ctx, s, d.EditOf, err)
	}
	h.cfg.Logger.InfoContext(ctx, "broadcast corrected by staff", "user_id", s.u.User.ID, "id", d.EditOf, "job", jobID)
	if jobID == "" {
		return h.staffSay(ctx, s, "ann_corrected_scheduled", map[string]any{"ID": esc(d.EditOf)})
	}
	return h.staffSay(ctx, s, "ann_correcting", map[string]any{"ID": esc(d.EditOf), "Count": n})
}

// staffRecallAsk asks before recalling broadcast id.
func (h *Handler) staffRecallAsk(ctx context.Context, s *staffTurn, id string) error {
	b, err := h.cfg.Broadcaster.Status(ctx, id)
	if err != nil || !h.staffMayManage(s.member, b) || b.Kind != KindSend {
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	}
	return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{
		Text: h.text(s.lang, "ann_recall_ask", map[string]any{"ID": esc(id), "Preview": esc(b.Preview), "Count": b.Delivered}),
		Buttons: [][]Button{{
			{Text: h.text(s.lang, "ann_btn_recall_yes", nil), Data: cbData(cbStaff, cbStaffRecallYes, id)},
		}},
	})
}

// staffRecall recalls broadcast id: every delivered message is deleted.
func (h *Handler) staffRecall(ctx context.Context, s *staffTurn, id string) error {
	c, ok := h.cfg.Broadcaster.(corrector)
	if !ok {
		return h.staffSay(ctx, s, "staff_off", nil)
	}
	b, err := h.cfg.Broadcaster.Status(ctx, id)
	if err != nil || !h.staffMayManage(s.member, b) {
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	}
	jobID, n, err := c.Recall(ctx, id, s.u.ChatID)
	if err != nil {
		return h.staffChangeFailed(ctx, s, id, err)
	}
	h.cfg.Logger.InfoContext(ctx, "broadcast recalled by staff", "user_id", s.u.User.ID, "id", id, "job", jobID)
	if jobID == "" {
		return h.staffSay(ctx, s, "staff_stopped", map[string]any{"ID": esc(id)})
	}
	return h.staffSay(ctx, s, "ann_recalling", map[string]any{"ID": esc(id), "Count": n})
}

// staffChangeFailed explains why a correction or recall is not possible.
func (h *Handler) staffChangeFailed(ctx context.Context, s *staffTurn, id string, err error) error {
	msg := "staff_store_down"
	switch {
	case errors.Is(err, ErrNotFound):
		msg = "staff_not_found"
	case strings.Contains(err.Error(), "still being delivered"):
		msg = "ann_change_running"
	case strings.Contains(err.Error(), "no delivered messages"):
		msg = "ann_change_too_old"
	case strings.Contains(err.Error(), "recalled"):
		msg = "ann_change_recalled"
	case strings.Contains(err.Error(), "longer than Telegram allows"):
		msg = "ann_change_too_long"
	default:
		h.cfg.Logger.WarnContext(ctx, "changing a broadcast failed", "user_id", s.u.User.ID, "id", id, "err", err)
	}
	return h.staffSay(ctx, s, msg, map[string]any{"ID": esc(id)})
}

// staffIDArg reads "12" or "#12" of /korrigieren 12 and /zurueckholen 12.
func staffIDArg(args string) (string, bool) {
	id := strings.TrimPrefix(strings.TrimSpace(args), "#")
	if _, err := strconv.ParseUint(id, 10, 64); err != nil || len(id) > 20 {
		return "", false
	}
	return id, true
}

func (h *Handler) staffCorrectCmd(ctx context.Context, s *staffTurn, args string) error {
	id, ok := staffIDArg(args)
	if !ok {
		return h.staffSay(ctx, s, "ann_correct_usage", nil)
	}
	return h.staffCorrect(ctx, s, id)
}

func (h *Handler) staffRecallCmd(ctx context.Context, s *staffTurn, args string) error {
	id, ok := staffIDArg(args)
	if !ok {
		return h.staffSay(ctx, s, "ann_recall_usage", nil)
	}
	return h.staffRecallAsk(ctx, s, id)
}
