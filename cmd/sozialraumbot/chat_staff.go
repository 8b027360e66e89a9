package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/terminal"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
)

// terminalUser is the chat (and user) id of the person at the terminal.
const terminalUser = 1

// simulatedParents are the subscribers of the staff chat: chat id and language.
var simulatedParents = []struct {
	chat int64
	lang string
}{{9001, "de"}, {9002, "en"}, {9003, "uk"}}

// lockedWriter serialises the staff dialogue and the simulated deliveries.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// runStaffChat runs the terminal chat as a staff member of every district: the
// real announcement dialogue and broadcast delivery over the in-process Redis,
// to three simulated parents whose messages are printed as they arrive.
func runStaffChat(ctx context.Context, hc handlers.Config, store *redisstore.Store, rdb redis.UniversalClient,
	quiet, lang string, e env) error {
	q, err := broadcast.ParseQuietHours(quiet, nil)
	if err != nil {
		return err
	}
	out := &lockedWriter{w: e.stdout}
	bc := broadcast.New(rdb, "chat", store, broadcast.Options{
		// Telegram's most (no replica shares the terminal's rate); the per-chat
		// interval and the claim idle time are serve's defaults.
		Rate: 30, Workers: 4, Quiet: q, Logger: hc.Logger, Tick: 200 * time.Millisecond,
	})
	for _, p := range simulatedParents {
		for _, d := range hc.Directory.Districts() {
			if err := store.Subscribe(ctx, p.chat, d.ID); err != nil {
				return err
			}
		}
		if err := store.SaveState(ctx, p.chat, handlers.State{Lang: p.lang, Updated: time.Now()}); err != nil {
			return err
		}
	}
	hc.Broadcaster = bc
	hc.Staff = []handlers.StaffMember{{UserID: terminalUser, All: true}}
	h, err := handlers.New(hc)
	if err != nil {
		return err
	}
	parents := terminal.NewLabelledReplier(out, func(chat int64) string {
		for _, p := range simulatedParents {
			if p.chat == chat {
				return fmt.Sprintf("Eltern-Chat %d (%s) erhält", p.chat, p.lang)
			}
		}
		if chat == terminalUser {
			return "an Sie (Bericht)"
		}
		return teamChatName(hc.Directory)(chat)
	})
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = bc.Run(wctx, parents)
	}()
	fmt.Fprintf(out, "  (Mitarbeiter-Modus: Sie sind Mitarbeitende aller Bezirke. Simulierte Eltern: 9001 de, 9002 en, 9003 uk.\n"+
		"   /ankuendigung beginnt eine Ankündigung; \"foto TEXT\" schickt einen Flyer, \"pdf NAME TEXT\" eine Datei,\n"+
		"   \"loc 52.86 9.59\" den Ort; Ruhezeit %s.)\n\n", q)
	you := terminal.NewLabelledReplier(out, teamChatName(hc.Directory))
	err = terminal.Run(ctx, dueAfterEach{h}, e.stdin, out, terminal.WithLanguage(lang), terminal.WithChatID(terminalUser),
		terminal.WithMedia(), terminal.WithReplier(you))
	// Let running deliveries finish (they are paced), at most a minute: the queue
	// is empty and no broadcast is running (paused and scheduled ones stay).
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		l, lerr := bc.List(ctx, 20)
		busy := false
		for _, b := range l {
			busy = busy || (!b.Done && !b.Cancelled && !b.Scheduled && b.Paused.IsZero())
		}
		queued, qerr := rdb.XLen(ctx, "chat:bc:stream").Result()
		if lerr != nil || qerr != nil || (!busy && queued == 0) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	<-done
	return err
}
