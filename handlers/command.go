package handlers

import (
	"context"
	"strings"
)

// parseCommand splits "/start@SozialraumBot args" into "start", "args". The
// command is lower-cased; ok is false for texts that are not commands.
func parseCommand(text string) (cmd, args string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	first, rest, _ := strings.Cut(text, " ")
	first = strings.TrimPrefix(first, "/")
	first, _, _ = strings.Cut(first, "@")
	return strings.ToLower(first), strings.TrimSpace(rest), true
}

// commandAddressee is the "@botname" suffix of a command, "" when none.
func commandAddressee(text string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	_, bot, _ := strings.Cut(first, "@")
	return bot
}

// commandFunc handles one command.
type commandFunc func(h *Handler, ctx context.Context, t *turn, args string) error

// commands maps every command name (German and English) to its handler.
var commands = map[string]commandFunc{
	"start":       (*Handler).cmdStart,
	"hilfe":       (*Handler).cmdHelp,
	"help":        (*Handler).cmdHelp,
	"bezirke":     (*Handler).cmdDistricts,
	"districts":   (*Handler).cmdDistricts,
	"notfall":     (*Handler).cmdEmergency,
	"emergency":   (*Handler).cmdEmergency,
	"sprache":     (*Handler).cmdLanguage,
	"language":    (*Handler).cmdLanguage,
	"angebote":    (*Handler).cmdOfferings,
	"offers":      (*Handler).cmdOfferings,
	"kontakt":     (*Handler).cmdContact,
	"contact":     (*Handler).cmdContact,
	"abo":         (*Handler).cmdSubscribe,
	"subscribe":   (*Handler).cmdSubscribe,
	"abbestellen": (*Handler).cmdUnsubscribe,
	"unsubscribe": (*Handler).cmdUnsubscribe,
	"termine":     (*Handler).cmdEvents,
	"events":      (*Handler).cmdEvents,
	"datenschutz": (*Handler).cmdPrivacy,
	"privacy":     (*Handler).cmdPrivacy,
	"meinedaten":  (*Handler).cmdMyData,
	"mydata":      (*Handler).cmdMyData,
	"loeschen":    (*Handler).cmdDelete,
	"löschen":     (*Handler).cmdDelete,
	"delete":      (*Handler).cmdDelete,
	"rueckruf":    (*Handler).cmdCallback,
	"rückruf":     (*Handler).cmdCallback,
	"callback":    (*Handler).cmdCallback,
	"rueckrufe":   (*Handler).cmdTeamList,
	"rückrufe":    (*Handler).cmdTeamList,
	"callbacks":   (*Handler).cmdTeamList,
}

// handleCommand runs a command: the conversation's own, then the staff
// dialogue's, else a hint to /hilfe.
func (h *Handler) handleCommand(ctx context.Context, t *turn, cmd, args string) error {
	if to := commandAddressee(t.u.Text); to != "" && h.botUsername() != "" &&
		!strings.EqualFold(to, h.botUsername()) {
		return nil // addressed to another bot in a group
	}
	if f, ok := commands[cmd]; ok {
		return f(h, ctx, t, args)
	}
	if (cmd == "abbrechen" || cmd == "cancel") && isCallbackStep(t.st.Step) {
		return h.cancelCallback(ctx, t, false)
	}
	handled, err := h.handleStaffCommand(ctx, t.r, t.u, &t.st, cmd, args)
	if handled || err != nil {
		return err
	}
	return h.say(ctx, t, "unknown_command", nil)
}

func (h *Handler) cmdStart(ctx context.Context, t *turn, _ string) error {
	if !isStaffStep(t.st.Step) {
		t.st.Step, t.st.Candidates, t.st.Nonce = "", nil, ""
	}
	m := Message{Text: h.text(h.lang(t), "start", map[string]any{"Programme": esc(h.cfg.Directory.Programme().Short)}) +
		h.groupHint(t)}
	if t.u.Private {
		m.LocationButton = h.text(h.lang(t), "btn_location", nil)
	}
	return h.send(ctx, t, m)
}

func (h *Handler) cmdHelp(ctx context.Context, t *turn, _ string) error {
	text := h.text(h.lang(t), "help", map[string]any{"Inline": esc(h.botUsername())}) + h.groupHint(t)
	return h.send(ctx, t, Message{Text: text})
}
