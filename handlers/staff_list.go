package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// maxStaffList is how many broadcasts /ankuendigungen shows.
const maxStaffList = 10

// staffList shows the recent broadcasts of the member's districts with their
// progress, and a stop button for each running one.
func (h *Handler) staffList(ctx context.Context, s *staffTurn, _ string) error {
	all, err := h.cfg.Broadcaster.List(ctx, 5*maxStaffList)
	if err != nil {
		h.cfg.Logger.WarnContext(ctx, "listing broadcasts failed", "user_id", s.u.User.ID, "err", err)
		return h.staffSay(ctx, s, "staff_store_down", nil)
	}
	parts := []string{h.text(s.lang, "staff_list_title", nil)}
	var rows [][]Button
	for _, b := range all {
		if len(parts) > maxStaffList || !h.staffMayManage(s.member, b) {
			continue
		}
		state := "staff_state_running"
		switch {
		case b.Recalled:
			state = "ann_state_recalled"
		case b.Cancelled:
			state = "staff_state_cancelled"
		case b.Scheduled:
			state = "ann_state_scheduled"
		case !b.Paused.IsZero():
			state = "ann_state_paused"
		case b.Done:
			state = "staff_state_done"
		}
		switch b.Kind {
		case KindEdit:
			state = "ann_kind_edit"
		case KindRecall:
			state = "ann_kind_recall"
		}
		parts = append(parts, h.text(s.lang, "staff_list_entry", map[string]any{
			"ID": esc(b.ID), "Created": esc(b.Created.In(berlin()).Format("02.01.2006 15:04")),
			"Districts": h.staffDistrictNames(b.Districts), "State": h.text(s.lang, state, nil),
			"Delivered": b.Delivered, "Total": b.Total, "Blocked": b.Blocked, "Failed": b.Failed,
			"Preview": esc(b.Preview),
		}))
		if extra := h.staffListExtra(s.lang, b); extra != "" {
			parts[len(parts)-1] += "\n" + extra
		}
		if !b.Done && !b.Cancelled {
			rows = append(rows, []Button{{
				Text: h.text(s.lang, "staff_stop_button", map[string]any{"ID": esc(b.ID)}),
				Data: cbData(cbStaff, cbStaffStop, b.ID),
			}})
		}
		if b.Kind == KindSend && b.Done && !b.Recalled && h.cfg.Now().Before(b.Editable) {
			if _, ok := h.cfg.Broadcaster.(corrector); ok {
				rows = append(rows, []Button{
					{Text: h.text(s.lang, "ann_btn_correct", map[string]any{"ID": esc(b.ID)}), Data: cbData(cbStaff, cbStaffEdit, b.ID)},
					{Text: h.text(s.lang, "ann_btn_recall", map[string]any{"ID": esc(b.ID)}), Data: cbData(cbStaff, cbStaffRecall, b.ID)},
				})
			}
		}
	}
	if len(parts) == 1 {
		return h.staffSay(ctx, s, "staff_list_empty", nil)
	}
	return h.sendLang(ctx, s.r, s.u.ChatID, s.lang, Message{Text: strings.Join(parts, "\n\n"), Buttons: rows})
}

// staffMayManage: a member sees and stops broadcasts that went only to districts
// within their scope (whoever sent them).
func (h *Handler) staffMayManage(m StaffMember, b BroadcastStatus) bool {
	return h.inScope(m, b.Districts)
}

// staffStop stops a running broadcast ("/stopp 12" or the stop button); for a
// finished one it withdraws the event from /termine.
func (h *Handler) staffStop(ctx context.Context, s *staffTurn, args string) error {
	id := strings.TrimPrefix(strings.TrimSpace(args), "#")
	if _, err := strconv.ParseUint(id, 10, 64); err != nil || len(id) > 20 {
		return h.staffSay(ctx, s, "staff_stop_usage", nil)
	}
	b, err := h.cfg.Broadcaster.Status(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	case err != nil:
		h.cfg.Logger.WarnContext(ctx, "broadcast status failed", "user_id", s.u.User.ID, "err", err)
		return h.staffSay(ctx, s, "staff_store_down", nil)
	}
	if !h.staffMayManage(s.member, b) {
		// Said like an unknown id: nothing about other districts' broadcasts leaks.
		h.cfg.Logger.WarnContext(ctx, "staff stop refused: broadcast outside scope", "user_id", s.u.User.ID, "id", id)
		return h.staffSay(ctx, s, "staff_not_found", map[string]any{"ID": esc(id)})
	}
	if err := h.cfg.Broadcaster.Cancel(ctx, id); err != nil {
		h.cfg.Logger.WarnContext(ctx, "cancelling a broadcast failed", "user_id", s.u.User.ID, "id", id, "err", err)
		return h.staffSay(ctx, s, "staff_store_down", nil)
	}
	h.cfg.Logger.InfoContext(ctx, "broadcast stopped by staff", "user_id", s.u.User.ID, "id", id)
	if b.Scheduled {
		return h.staffSay(ctx, s, "ann_schedule_cancelled", map[string]any{"ID": esc(id)})
	}
	if b.Done {
		return h.staffSay(ctx, s, "staff_already_done", map[string]any{"ID": esc(id)})
	}
	return h.staffSay(ctx, s, "staff_stopped", map[string]any{"ID": esc(id)})
}

// staffListExtra is the line about schedule, pause, urgency and corrections of a
// broadcast in /ankuendigungen ("" when there is nothing to say).
func (h *Handler) staffListExtra(lang string, b BroadcastStatus) string {
	var notes []string
	if b.Scheduled && !b.SendAt.IsZero() {
		notes = append(notes, h.text(lang, "ann_note_scheduled", map[string]any{"At": esc(formatWhen(b.SendAt))}))
	}
	if !b.Paused.IsZero() && !b.Done {
		notes = append(notes, h.text(lang, "ann_note_paused", map[string]any{"Until": esc(formatWhen(b.Paused))}))
	}
	if b.Urgent {
		notes = append(notes, h.text(lang, "ann_urgent_on", nil))
	}
	if b.Edits > 0 {
		notes = append(notes, h.text(lang, "ann_note_edits", map[string]any{"Count": b.Edits}))
	}
	if b.Of != "" {
		notes = append(notes, h.text(lang, "ann_note_of", map[string]any{"ID": esc(b.Of)}))
	}
	return strings.Join(notes, " · ")
}
