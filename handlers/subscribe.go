package handlers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// cmdSubscribe subscribes to the remembered district, or asks for the place
// first and subscribes once it is known.
func (h *Handler) cmdSubscribe(ctx context.Context, t *turn, _ string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	if !t.stateOK {
		return h.say(ctx, t, "store_down", nil)
	}
	d, ok := h.cfg.Directory.District(t.st.District)
	if !ok || t.st.District == "" {
		if !isStaffStep(t.st.Step) {
			t.st.Step = stepPlaceForSubscription
		}
		return h.say(ctx, t, "need_place", nil)
	}
	return h.subscribe(ctx, t, d)
}

// subscribe adds the chat to the district's announcements and lists its subscriptions.
func (h *Handler) subscribe(ctx context.Context, t *turn, d directory.District) error {
	lang := h.lang(t)
	if t.st.Step == stepPlaceForSubscription {
		t.st.Step = ""
	}
	subs, err := h.cfg.Store.Subscriptions(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "subscriptions", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	id := "already_subscribed"
	if !slices.Contains(subs, d.ID) {
		if err := h.cfg.Store.Subscribe(ctx, t.u.ChatID, d.ID); err != nil {
			h.storeFailed(ctx, "subscribe", t.u.ChatID, err)
			return h.say(ctx, t, "store_down", nil)
		}
		subs = append(subs, d.ID)
		slices.Sort(subs)
		id = "subscribed"
	}
	text := h.text(lang, id, map[string]any{"District": i18n.Embed(lang, esc(d.Name))})
	if len(subs) > 1 {
		text += "\n\n" + h.subsList(lang, subs)
	}
	return h.send(ctx, t, Message{Text: text})
}

// subsList renders the subscribed districts.
func (h *Handler) subsList(lang string, subs []string) string {
	lines := []string{h.text(lang, "subs_title", nil)}
	for _, id := range subs {
		lines = append(lines, "• "+i18n.Embed(lang, esc(h.districtName(id))))
	}
	return strings.Join(lines, "\n")
}

// districtName is a district's name, or its id when the directory no longer has it.
func (h *Handler) districtName(id string) string {
	if d, ok := h.cfg.Directory.District(id); ok {
		return d.Name
	}
	return id
}

// cmdUnsubscribe offers one button per subscribed district.
func (h *Handler) cmdUnsubscribe(ctx context.Context, t *turn, _ string) error {
	if ok, err := h.adminOnly(ctx, t); !ok || err != nil {
		return err
	}
	lang := h.lang(t)
	subs, err := h.cfg.Store.Subscriptions(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "subscriptions", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	if len(subs) == 0 {
		return h.say(ctx, t, "subs_none", nil)
	}
	var rows [][]Button
	for _, id := range subs {
		if !validField(id) {
			continue
		}
		rows = append(rows, []Button{{
			Text: h.text(lang, "btn_unsubscribe", map[string]any{"District": h.districtName(id)}),
			Data: cbData(cbUnsub, id),
		}})
	}
	return h.send(ctx, t, Message{Text: h.text(lang, "unsubscribe_choose", nil), Buttons: rows})
}

// unsubscribe removes the chat from the district's announcements.
func (h *Handler) unsubscribe(ctx context.Context, t *turn, d directory.District) error {
	lang := h.lang(t)
	subs, err := h.cfg.Store.Subscriptions(ctx, t.u.ChatID)
	if err == nil && slices.Contains(subs, d.ID) {
		err = h.cfg.Store.Unsubscribe(ctx, t.u.ChatID, d.ID)
	} else if err == nil {
		return h.say(ctx, t, "not_subscribed", map[string]any{"District": i18n.Embed(lang, esc(d.Name))})
	}
	if err != nil {
		h.storeFailed(ctx, "unsubscribe", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	return h.say(ctx, t, "unsubscribed", map[string]any{"District": i18n.Embed(lang, esc(d.Name))})
}

// maxEvents is how many events /termine lists.
const maxEvents = 15

// cmdEvents lists upcoming events of the subscribed (or else the remembered) districts.
func (h *Handler) cmdEvents(ctx context.Context, t *turn, _ string) error {
	lang := h.lang(t)
	if h.cfg.Broadcaster == nil {
		return h.say(ctx, t, "events_off", nil)
	}
	districts, err := h.cfg.Store.Subscriptions(ctx, t.u.ChatID)
	if err != nil {
		h.storeFailed(ctx, "subscriptions", t.u.ChatID, err)
		return h.say(ctx, t, "store_down", nil)
	}
	if t.st.District != "" && !slices.Contains(districts, t.st.District) {
		districts = append(districts, t.st.District)
	}
	if len(districts) == 0 {
		return h.say(ctx, t, "need_place", nil)
	}
	events, err := h.cfg.Broadcaster.Upcoming(ctx, districts, h.cfg.Now())
	if err != nil {
		h.cfg.Logger.WarnContext(ctx, "listing events failed", "chat_id", t.u.ChatID, "err", err)
		return h.say(ctx, t, "store_down", nil)
	}
	if len(events) == 0 {
		return h.say(ctx, t, "events_none", nil)
	}
	parts := []string{h.text(lang, "events_title", nil)}
	seen := map[string]bool{}
	var rows [][]Button
	for _, e := range events {
		if len(parts) > maxEvents || (e.BroadcastID != "" && seen[e.BroadcastID]) {
			continue
		}
		seen[e.BroadcastID] = true
		parts = append(parts, h.eventEntry(lang, e))
		if row := h.eventButtons(lang, e); len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return h.send(ctx, t, Message{Text: strings.Join(parts, "\n\n"), Buttons: rows})
}

// berlin is the county's time zone (falls back to UTC without tzdata).
func berlin() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}

// formatWhen formats an event time the way German calendars do: "01.12.2026, 15:00".
func formatWhen(t time.Time) string {
	t = t.In(berlin())
	if t.Hour() == 0 && t.Minute() == 0 {
		return t.Format("02.01.2006")
	}
	return t.Format("02.01.2006, 15:04")
}
