package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// cbCalendar is the callback kind of the calendar button in /termine: v1|i|<broadcast id>.
const cbCalendar = "i"

// cbReminder toggles the reminder of an event (the "Erinnern" button under an
// announcement and in /termine): v1|r|<broadcast id>.
func (h *Handler) cbReminder(ctx context.Context, t *turn, id string) error {
	lang := h.lang(t)
	rt, ok := h.cfg.Broadcaster.(reminderToggler)
	if !ok {
		return h.ack(ctx, t, h.text(lang, "events_off", nil))
	}
	on, due, err := rt.ToggleReminder(ctx, id, t.u.ChatID, lang)
	var note string
	switch {
	case errors.Is(err, ErrNotFound):
		note = h.text(lang, "ann_remind_gone", nil)
	case err != nil && strings.Contains(err.Error(), "too soon"):
		note = h.text(lang, "ann_remind_too_soon", nil)
	case err != nil && strings.Contains(err.Error(), "no date"):
		note = h.text(lang, "ann_remind_gone", nil)
	case err != nil:
		h.cfg.Logger.WarnContext(ctx, "toggling a reminder failed", "chat_id", t.u.ChatID, "err", err)
		note = h.text(lang, "store_down", nil)
	case on:
		note = h.text(lang, "ann_remind_on", map[string]any{"When": i18n.When(lang, due, time.Time{}, berlin())})
	default:
		note = h.text(lang, "ann_remind_off", nil)
	}
	return h.ack(ctx, t, plainNote(note))
}

// cbCalendarFile sends the calendar file of an event (from /termine).
func (h *Handler) cbCalendarFile(ctx context.Context, t *turn, id string) error {
	lang := h.lang(t)
	cf, ok := h.cfg.Broadcaster.(calendarFiles)
	p, isPoster := t.r.(Poster)
	if !ok || !isPoster {
		return h.ack(ctx, t, h.text(lang, "ann_remind_gone", nil))
	}
	m, caption, found, err := cf.CalendarFile(ctx, id, lang)
	if err != nil || !found {
		return h.ack(ctx, t, plainNote(h.text(lang, "ann_remind_gone", nil)))
	}
	if err := h.ack(ctx, t, ""); err != nil {
		return err
	}
	post := Post{Text: caption, Media: &m}
	if m.FileID == "" {
		// An upload: Telegram's file_id for it, once delivered (through the
		// outbox that is after this turn), is remembered for everybody else.
		log := h.cfg.Logger
		post.Receipt = func(ctx context.Context, _ int64, posted Posted) {
			if posted.FileID == "" {
				return
			}
			if err := cf.RememberCalendarFile(ctx, id, lang, posted.FileID); err != nil {
				log.WarnContext(ctx, "remembering a calendar file failed", "err", err)
			}
		}
	}
	_, err = p.Post(ctx, t.u.ChatID, post)
	return err
}

// plainNote turns a catalogue text into the plain text of a callback notice.
func plainNote(s string) string {
	r := strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", "\"", "&#39;", "'")
	return r.Replace(s)
}

// eventEntry renders one event of /termine in lang, with the same details as
// the announcement: the date written out, the end, the place, the text.
func (h *Handler) eventEntry(lang string, e Event) string {
	text := e.Text
	if tr, ok := e.Texts[lang]; ok && lang != i18n.Default {
		text = tr
	}
	where := e.Where
	if where == "" && e.Venue != nil {
		where = e.Venue.Title
	}
	data := map[string]any{
		"Where": i18n.Embed(lang, esc(truncRunes(where, 100))),
		"Text":  esc(truncRunes(text, 600)),
	}
	if e.When.IsZero() {
		return h.text(lang, "event_entry_nodate", data)
	}
	data["When"] = i18n.Embed(lang, esc(i18n.When(lang, e.When, e.End, berlin())))
	return h.text(lang, "event_entry", data)
}

// eventButtons are the calendar and reminder buttons of a dated event in /termine.
func (h *Handler) eventButtons(lang string, e Event) []Button {
	if !e.Dated || e.BroadcastID == "" || !validField(e.BroadcastID) {
		return nil
	}
	day := e.When.In(berlin()).Format("02.01.")
	var row []Button
	if _, ok := h.cfg.Broadcaster.(calendarFiles); ok && e.HasICS {
		row = append(row, Button{Text: h.text(lang, "ann_btn_calendar", map[string]any{"Day": day}), Data: cbData(cbCalendar, e.BroadcastID)})
	}
	if _, ok := h.cfg.Broadcaster.(reminderToggler); ok {
		row = append(row, Button{Text: h.text(lang, "ann_btn_remind_day", map[string]any{"Day": day}), Data: RemindCallback(e.BroadcastID)})
	}
	return row
}
