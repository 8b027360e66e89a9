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
		case b.Cancelled:
			state = "staff_state_cancelled"
		case b.Done:
			state = "staff_state_done"
		}
		parts = append(parts, h.text(s.lang, "staff_list_entry", map[string]any{
			"ID": esc(b.ID), "Created": esc(b.Created.In(berlin()).Format("02.01.2006 15:04")),
			"Districts": h.staffDistrictNames(b.Districts), "State": h.text(s.lang, state, nil),
			"Delivered": b.Delivered, "Total": b.Total, "Blocked": b.Blocked, "Failed": b.Failed,
			"Preview": esc(b.Preview),
		}))
		if !b.Done && !b.Cancelled {
			rows = append(rows, []Button{{
				Text: h.text(s.lang, "staff_stop_button", map[string]any{"ID": esc(b.ID)}),
				Data: cbData(cbStaff, cbStaffStop, b.ID),
			}})
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
	if b.Done {
		return h.staffSay(ctx, s, "staff_already_done", map[string]any{"ID": esc(id)})
	}
	return h.staffSay(ctx, s, "staff_stopped", map[string]any{"ID": esc(id)})
}
