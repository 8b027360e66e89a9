package handlers

import "context"

// Temporary no-op staff hooks, until the broadcast engineer's handlers/staff*.go
// land (the lead deletes this file then).

func (h *Handler) handleStaffCommand(ctx context.Context, r Replier, u Update, st *State, cmd, args string) (bool, error) {
	return false, nil
}

func (h *Handler) handleStaffStep(ctx context.Context, r Replier, u Update, st *State) (bool, error) {
	return false, nil
}

func (h *Handler) handleStaffCallback(ctx context.Context, r Replier, u Update, st *State, data string) (bool, error) {
	return false, nil
}
