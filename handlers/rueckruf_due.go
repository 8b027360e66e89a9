package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The due steps of callback requests, run by a background worker on every
// replica (CallbacksDue; serve drives it with the broadcast worker's ticker):
//
//   - open and unclaimed for CallbackConfig.RemindAfter of working time: one
//     reminder to the team (no personal data in it);
//   - still unclaimed after EscalateAfter: the request goes to the staff with
//     all districts (all: true), privately, with its buttons;
//   - closed (done, not reached) for Keep, or any request at MaxAge: its
//     personal data is deleted;
//   - deleted (also withdrawn by the parent or erased by /loeschen): every team
//     message that showed it is edited so that the number and the note are gone
//     from the team chats, too; then nothing of it is left.
//
// CallbackDesk.ClaimDue hands each due request to one replica at a time (a
// lease, taken over when the replica died); the reminder and the escalation
// are marked atomically before they are sent, so they happen at most once.

// dueBatch is how many due requests one call takes.
const dueBatch = 50

// CallbacksDue runs the callback requests' due steps at the handler's clock,
// sending and editing team messages through p. Every replica may call it at
// any time.
func (h *Handler) CallbacksDue(ctx context.Context, p Poster) error {
	cc := h.callbackCfg()
	if cc.Desk == nil {
		return nil
	}
	now := h.cfg.Now()
	ids, err := cc.Desk.ClaimDue(ctx, now, cc.Lease, dueBatch)
	if err != nil {
		return fmt.Errorf("callback requests due: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if err := h.callbackStep(ctx, p, id, now); err != nil {
			errs = append(errs, fmt.Errorf("callback request %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// remindAt and escalateAt are when an unclaimed request is reminded and escalated.
func (h *Handler) remindAt(cc CallbackConfig, r CallbackRequest) time.Time {
	return cc.Hours.Add(r.Created, cc.RemindAfter)
}

func (h *Handler) escalateAt(cc CallbackConfig, r CallbackRequest) time.Time {
	return cc.Hours.Add(r.Created, cc.EscalateAfter)
}

// callbackStep does what is due for one request and schedules its next step.
func (h *Handler) callbackStep(ctx context.Context, p Poster, id string, now time.Time) error {
	cc := h.callbackCfg()
	r, err := cc.Desk.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return cc.Desk.Unschedule(ctx, id)
	}
	if err != nil {
		return err
	}
	if r.Status != CallbackDeleted {
		expired := !r.Expires.IsZero() && !now.Before(r.Expires)
		closedOver := !r.Live() && !r.DeleteAt.IsZero() && !now.Before(r.DeleteAt)
		if expired || closedOver {
			outcome := "" // a closed request keeps its outcome (done, unreached)
			if r.Live() {
				outcome = CallbackExpired
			}
			old, deleted, err := cc.Desk.Delete(ctx, id, outcome)
			if err != nil {
				return err
			}
			if deleted {
				if outcome != "" {
					h.callbackEvent(old.District, outcome)
				}
				h.cfg.Logger.InfoContext(ctx, "callback request deleted", "request", id, "district", old.District,
					"status", old.Status, "expired", expired)
			}
			if r, err = cc.Desk.Get(ctx, id); errors.Is(err, ErrNotFound) {
				return cc.Desk.Unschedule(ctx, id)
			} else if err != nil {
				return err
			}
		}
	}
	if r.Status == CallbackDeleted {
		return h.scrubTeam(ctx, p, r, now)
	}
	if r.Status == CallbackOpen && cc.Hours.Open(now) {
		if r.Reminded.IsZero() && !now.Before(h.remindAt(cc, r)) {
			if err := h.remindTeam(ctx, p, &r, now); err != nil {
				return err
			}
		}
		if r.Escalated.IsZero() && !now.Before(h.escalateAt(cc, r)) {
			if err := h.escalate(ctx, p, &r, now); err != nil {
				return err
			}
		}
	}
	return cc.Desk.Schedule(ctx, id, h.nextDue(cc, r, now))
}

// nextDue is when the request's next step is due.
func (h *Handler) nextDue(cc CallbackConfig, r CallbackRequest, now time.Time) time.Time {
	next := r.Expires
	if next.IsZero() {
		next = r.Created.Add(cc.MaxAge)
	}
	if !r.Live() && !r.DeleteAt.IsZero() && r.DeleteAt.Before(next) {
		next = r.DeleteAt
	}
	if r.Status == CallbackOpen {
		var step time.Time
		switch {
		case r.Reminded.IsZero():
			step = h.remindAt(cc, r)
		case r.Escalated.IsZero():
			step = h.escalateAt(cc, r)
		}
		if !step.IsZero() {
			// A step overdue outside working hours (the worker was away) waits for them.
			if step.Before(now) {
				step = now
			}
			step = cc.Hours.Next(step)
			if step.Before(next) {
				next = step
			}
		}
	}
	return next
}

// remindTeam reminds the district's team once of an unclaimed request. The
// reminder carries no personal data (the request's own message has it).
func (h *Handler) remindTeam(ctx context.Context, p Poster, r *CallbackRequest, now time.Time) error {
	ok, err := h.cfg.Callbacks.Desk.Mark(ctx, r.ID, "reminded", now)
	if err != nil || !ok {
		return err
	}
	r.Reminded = now
	h.callbackEvent(r.District, "reminded")
	text := h.text(teamLang, "team_reminder", map[string]any{
		"ID": r.ID, "District": esc(h.districtName(r.District)), "Since": esc(formatWait(now.Sub(r.Created))),
	})
	for _, chat := range h.teamRecipients(r.District) {
		if _, err := p.Post(ctx, chat, Post{Text: text}); err != nil {
			h.cfg.Logger.WarnContext(ctx, "callback reminder not delivered", "request", r.ID, "chat_id", chat, "err", err)
		}
	}
	h.cfg.Logger.InfoContext(ctx, "callback request reminded", "request", r.ID, "district", r.District)
	return nil
}

// escalate sends an unclaimed request to the staff with all districts, once,
// with its details and buttons (recorded to be edited and scrubbed).
func (h *Handler) escalate(ctx context.Context, p Poster, r *CallbackRequest, now time.Time) error {
	ok, err := h.cfg.Callbacks.Desk.Mark(ctx, r.ID, "escalated", now)
	if err != nil || !ok {
		return err
	}
	r.Escalated = now
	h.callbackEvent(r.District, "escalated")
	to := h.escalationRecipients()
	if len(to) == 0 {
		h.cfg.Logger.WarnContext(ctx, "callback request unclaimed, but no staff member has all: true to escalate to",
			"request", r.ID, "district", r.District)
		return nil
	}
	header := h.text(teamLang, "team_escalated", map[string]any{"Since": esc(formatWait(now.Sub(r.Created)))})
	for _, chat := range to {
		if slices.ContainsFunc(r.Messages, func(m TeamMessage) bool { return m.ChatID == chat }) {
			continue // has it already (the district's staff member is also responsible for all)
		}
		if err := h.postTeam(ctx, p, chat, *r, header); err != nil {
			h.cfg.Logger.WarnContext(ctx, "callback escalation not delivered", "request", r.ID, "chat_id", chat, "err", err)
		}
	}
	h.cfg.Logger.InfoContext(ctx, "callback request escalated", "request", r.ID, "district", r.District, "to", len(to))
	return nil
}

// scrubTeam edits every team message of a deleted request to a text without
// the number and the note. A message Telegram refuses to edit is deleted
// instead (possible for 48 hours), else given up (deleted in the chat, the bot
// removed); Telegram's limits and outages are retried on a later step.
func (h *Handler) scrubTeam(ctx context.Context, p Poster, r CallbackRequest, now time.Time) error {
	desk := h.cfg.Callbacks.Desk
	text := h.text(teamLang, "team_scrubbed", map[string]any{
		"ID": r.ID, "District": esc(h.districtName(r.District)), "Outcome": h.text(teamLang, "team_outcome_"+outcomeID(r.Outcome), nil),
	})
	for _, m := range r.Messages {
		err := p.EditPost(ctx, m.ChatID, m.MessageID, Edit{Text: text})
		var ra *RetryAfterError
		switch {
		case errors.As(err, &ra):
			return desk.Schedule(ctx, r.ID, now.Add(max(ra.After, time.Second)))
		case errors.Is(err, ErrTemporary):
			return desk.Schedule(ctx, r.ID, now.Add(time.Minute))
		case err != nil:
			// Telegram refuses the edit (the message is gone, or cannot be edited any
			// more): delete it instead where it still can be (48 hours), else give up.
			if derr := p.DeleteMessage(ctx, m.ChatID, m.MessageID); derr != nil {
				h.cfg.Logger.WarnContext(ctx, "callback team message could not be scrubbed nor deleted; giving it up",
					"request", r.ID, "chat_id", m.ChatID, "message_id", m.MessageID, "err", err, "delete_err", derr)
			}
		}
		if err := desk.Scrubbed(ctx, r.ID, m); err != nil {
			return err
		}
	}
	if len(r.Messages) == 0 {
		if err := desk.Scrubbed(ctx, r.ID, TeamMessage{}); err != nil {
			return err
		}
	}
	// A message recorded meanwhile keeps the request (and its due entry).
	if _, err := desk.Get(ctx, r.ID); errors.Is(err, ErrNotFound) {
		return desk.Unschedule(ctx, r.ID)
	} else if err != nil {
		return err
	}
	return desk.Schedule(ctx, r.ID, now)
}

// outcomeID names the outcome of a deleted request in the catalogue.
func outcomeID(o string) string {
	switch o {
	case CallbackDone, CallbackUnreached, CallbackWithdrawn, CallbackExpired, CallbackErased:
		return o
	}
	return "other"
}

// formatWait is a waiting time for the team: "3 Std. 20 Min.", "2 Tg. 4 Std.".
func formatWait(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%d Tg. %d Std.", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d Std. %d Min.", hours, mins)
	}
	return fmt.Sprintf("%d Min.", mins)
}
