package main

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/terminal"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/rueckruf"
)

// Callback requests in the terminal chat: every district's requests go to a
// simulated team group, whose messages are printed as the team would see them
// ("── Team-Chat … ──"); the due steps (scrubbing after a withdrawal or
// /loeschen, reminders) run after each input.

// teamChatBase is the chat id of the first simulated team group (negative, as
// Telegram's groups).
const teamChatBase = -1000

// terminalCallbacks routes every district's requests to its simulated team group.
func terminalCallbacks(d *directory.Directory, rdb redis.UniversalClient, prefix string) handlers.CallbackConfig {
	routes := map[string]handlers.CallbackRoute{}
	for i, dist := range d.Districts() {
		routes[dist.ID] = handlers.CallbackRoute{ChatID: int64(teamChatBase - i)}
	}
	return handlers.CallbackConfig{Desk: rueckruf.New(rdb, prefix), Routes: routes}
}

// teamChatName labels a simulated team group's messages ("" for other chats).
func teamChatName(d *directory.Directory) func(chat int64) string {
	return func(chat int64) string {
		ds := d.Districts()
		if i := int(teamChatBase - chat); chat <= teamChatBase && i < len(ds) {
			return fmt.Sprintf("Team-Chat %s (so sieht es das Team)", ds[i].Name)
		}
		return ""
	}
}

// dueAfterEach runs the callback requests' due steps after every update, so the
// terminal shows at once what the team chat would show.
type dueAfterEach struct{ h *handlers.Handler }

func (d dueAfterEach) Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error {
	err := d.h.Handle(ctx, r, u)
	if p, ok := r.(handlers.Poster); ok {
		if derr := d.h.CallbacksDue(ctx, p); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

var _ terminal.Handler = dueAfterEach{}
