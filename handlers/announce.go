package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
	"github.com/heidekreis/sozialraumbot/handlers/ical"
)

// The optional abilities of a Broadcaster the announcement dialogue uses
// (broadcast.Service has all of them).
type (
	scheduler interface {
		ScheduleOnce(ctx context.Context, key string, a Announcement, at time.Time) (id string, scheduled bool, err error)
	}
	corrector interface {
		Announcement(ctx context.Context, id string) (Announcement, error)
		Correct(ctx context.Context, id string, a Announcement) (jobID string, recipients int64, err error)
		Recall(ctx context.Context, id string, senderChat int64) (jobID string, recipients int64, err error)
	}
	reminderToggler interface {
		ToggleReminder(ctx context.Context, id string, chat int64, lang string) (on bool, due time.Time, err error)
	}
	calendarFiles interface {
		CalendarFile(ctx context.Context, id, lang string) (m Media, caption string, ok bool, err error)
		RememberCalendarFile(ctx context.Context, id, lang, fileID string) error
	}
	quietHours interface {
		QuietUntil(t time.Time) (end time.Time, in bool)
	}
)

// draftLangs are the languages a draft is rendered in: German, then its translations.
func draftLangs(d Draft) []string {
	langs := []string{i18n.Default}
	for _, l := range i18n.Supported() {
		if _, ok := d.Texts[l]; ok && l != i18n.Default {
			langs = append(langs, l)
		}
	}
	return langs
}

// draftText is the draft's text in lang (German for a language without translation).
func draftText(d Draft, lang string) string {
	if t, ok := d.Texts[lang]; ok && lang != i18n.Default {
		return t
	}
	return d.Text
}

// renderMain is the announcement's full HTML in lang.
func (h *Handler) renderMain(d Draft, lang string) string {
	return h.text(lang, "ann_message", h.annData(d, lang))
}

func (h *Handler) annData(d Draft, lang string) map[string]any {
	data := map[string]any{
		"Districts": h.staffDistrictNames(d.Districts),
		"Text":      esc(draftText(d, lang)),
		"Where":     "",
		"When":      "",
	}
	if d.Where != "" {
		data["Where"] = i18n.Embed(lang, esc(d.Where))
	}
	if !d.When.IsZero() {
		data["When"] = i18n.Embed(lang, esc(i18n.When(lang, d.When, d.End, berlin())))
	}
	return data
}

// captionTooLong reports the length of the draft's caption in its longest
// language when a picture is attached and the text does not fit a caption.
func (h *Handler) captionTooLong(d Draft) (int, bool) {
	if d.Media == nil || d.Split {
		return 0, false
	}
	longest := 0
	for _, l := range draftLangs(d) {
		longest = max(longest, htmltext.Len(i18n.FixLines(l, h.renderMain(d, l))))
	}
	return longest, longest > htmltext.MaxCaption
}

// rendition renders the draft for recipients of lang, exactly as they get it.
func (h *Handler) rendition(d Draft, lang string) Rendition {
	full := i18n.FixLines(lang, h.renderMain(d, lang))
	r := Rendition{HTML: full}
	if d.Media != nil && d.Split {
		r.HTML = i18n.FixLines(lang, h.text(lang, "ann_caption_short", h.annData(d, lang)))
		r.Text = full
	}
	if d.When.IsZero() {
		return r
	}
	r.Remind = h.text(lang, "ann_btn_remind", nil)
	r.Reminder = i18n.FixLines(lang, h.text(lang, "ann_reminder", h.annData(d, lang)))
	allDay := d.When.In(berlin()).Hour() == 0 && d.When.In(berlin()).Minute() == 0
	ev := ical.Event{
		UID: d.UID, Summary: summary(draftText(d, lang)), Description: draftText(d, lang),
		Location: d.Where, Start: d.When, End: d.End, AllDay: allDay, Stamp: h.cfg.Now(),
	}
	if d.Venue != nil {
		ev.Geo, ev.Lat, ev.Lon = true, d.Venue.Lat, d.Venue.Lon
		if ev.Location == "" {
			ev.Location = strings.TrimSpace(d.Venue.Title + ", " + d.Venue.Address)
		}
	}
	if b, err := ical.Make(ev); err == nil {
		r.ICS, r.ICSName = b, "termin.ics"
		r.ICSCaption = i18n.FixLines(lang, h.text(lang, "ann_ics_caption", nil))
	} else {
		h.cfg.Logger.Error("making the calendar file failed", "err", err)
	}
	return r
}

// summary is the first line of a text, at most 80 characters, for a calendar title.
func summary(text string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return truncRunes(strings.TrimSpace(first), 80)
}

// announcement turns a draft into what the Broadcaster queues.
func (h *Handler) announcement(d Draft, s *staffTurn) Announcement {
	a := Announcement{
		Districts: d.Districts, Text: d.Text, When: d.When, End: d.End, Where: d.Where,
		Media: d.Media, Venue: d.Venue, Urgent: d.Urgent, UID: d.UID,
		SenderID: s.u.User.ID, SenderChat: s.u.ChatID, Renditions: map[string]Rendition{},
	}
	for _, l := range draftLangs(d) {
		a.Renditions[l] = h.rendition(d, l)
	}
	a.HTML = a.Renditions[i18n.Default].HTML
	if len(d.Texts) > 0 {
		a.Texts = map[string]string{}
		for k, v := range d.Texts {
			a.Texts[k] = v
		}
	}
	return a
}

// previewParts sends the announcement in lang to the staff chat exactly as
// parents get it: every message, in order.
func (h *Handler) previewParts(ctx context.Context, s *staffTurn, d Draft, lang string) error {
	r := h.rendition(d, lang)
	p, ok := s.r.(Poster)
	if !ok {
		msg := r.HTML
		if r.Text != "" {
			msg = r.Text
		}
		return s.r.Send(ctx, s.u.ChatID, Message{Text: msg})
	}
	var buttons [][]Button
	if r.Remind != "" {
		buttons = [][]Button{{{Text: r.Remind, Data: cbData(cbStaff, cbStaffNoop)}}}
	}
	main := Post{Text: r.HTML, Media: d.Media}
	if r.Text == "" {
		main.Buttons = buttons
	}
	if _, err := p.Post(ctx, s.u.ChatID, main); err != nil {
		return err
	}
	if r.Text != "" {
		if _, err := p.Post(ctx, s.u.ChatID, Post{Text: r.Text, Buttons: buttons}); err != nil {
			return err
		}
	}
	if d.Venue != nil {
		if _, err := p.Post(ctx, s.u.ChatID, Post{Venue: d.Venue}); err != nil {
			return err
		}
	}
	if len(r.ICS) > 0 {
		m := &Media{Kind: MediaDocument, Name: r.ICSName, Data: r.ICS}
		if _, err := p.Post(ctx, s.u.ChatID, Post{Text: r.ICSCaption, Media: m}); err != nil {
			return err
		}
	}
	return nil
}
