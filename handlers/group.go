package handlers

import "context"

// Groups and supergroups: the transport hands on only what is meant for the bot
// (see Update). The conversation then answers as in a private chat, with three
// differences: being added to a group gets one short introduction, /start and
// /hilfe say how to ask in a group, and what changes or reveals the group's
// stored data is for the group's administrators (adminOnly).

// handleJoined introduces the bot once when it was added to a group. It stores nothing.
func (h *Handler) handleJoined(ctx context.Context, t *turn) error {
	return h.say(ctx, t, "group_intro", map[string]any{"Bot": esc(h.botHandle())})
}

// groupHint is the line /start and /hilfe add in a group, "" elsewhere.
func (h *Handler) groupHint(t *turn) string {
	if !t.u.Group {
		return ""
	}
	return "\n\n" + h.text(h.lang(t), "group_hint", map[string]any{"Bot": esc(h.botHandle())})
}

// botHandle is how users address the bot: "@username", or its name while the
// username is not known.
func (h *Handler) botHandle() string {
	if n := h.botUsername(); n != "" {
		return "@" + n
	}
	return "Sozialraumbot"
}
