package broadcast_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// A scheduled broadcast starts exactly once: replica A claims it at its time and
// dies before queueing it; after a restart, two replicas race for it again and
// again, and only the one that takes over A's expired claim queues it. Every
// subscriber gets exactly one message.
func TestScheduledStartsOnceAcrossReplicasAndRestart(t *testing.T) {
	ctx := context.Background()
	loc := berlin(t)
	clk := handlerstest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, loc))
	api := fakeapi.Start(t)
	chats := []int64{201, 202, 203, 204, 205, 206, 207, 208}
	s := &subs{chats: chats, unsub: make(chan int64, len(chats))}
	prefix := redistest.Prefix(t)
	opts := fastOpts()
	opts.Now, opts.StartLease = clk.Now, time.Minute
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	crashed := 0
	broadcast.SetBeforeQueue(a, func(string) error { crashed++; return errors.New("replica A died") })

	at := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	ann := handlers.Announcement{Districts: []string{"walsrode"}, Text: "Adventsbasteln", HTML: "<b>Adventsbasteln</b>",
		SenderID: 1, SenderChat: staffChat}
	id, scheduled, err := a.ScheduleOnce(ctx, "k1", ann, at)
	if err != nil || !scheduled {
		t.Fatalf("ScheduleOnce = %s, %v, %v", id, scheduled, err)
	}
	if again, scheduled, err := a.ScheduleOnce(ctx, "k1", ann, at); err != nil || scheduled || again != id {
		t.Fatalf("the same button twice scheduled %s, %v, %v", again, scheduled, err)
	}
	st, _ := a.Status(ctx, id)
	if !st.Scheduled || !st.SendAt.Equal(at) || st.Total != 0 {
		t.Fatalf("status before the time: %+v", st)
	}
	if err := a.Due(ctx); err != nil { // 09:00: not yet
		t.Fatal(err)
	}
	clk.Set(at)
	if err := a.Due(ctx); err == nil || crashed != 1 {
		t.Fatalf("A should have claimed and died: %v, %d", err, crashed)
	}

	// Restart: A is gone; B (A restarted) and C (another replica) come up.
	b := broadcast.New(redistest.Client(t), prefix, s, opts)
	c := broadcast.New(redistest.Client(t), prefix, s, opts)
	race := func() {
		var wg sync.WaitGroup
		for range 5 {
			for _, r := range []*broadcast.Service{b, c} {
				wg.Go(func() {
					if err := r.Due(ctx); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
	}
	clk.Set(at.Add(30 * time.Second)) // A's claim still holds
	race()
	if st, _ := b.Status(ctx, id); st.Total != 0 || !st.Scheduled {
		t.Fatalf("started while the dead replica's claim held: %+v", st)
	}
	clk.Set(at.Add(61 * time.Second)) // the claim ran out
	race()
	st, _ = b.Status(ctx, id)
	if st.Scheduled || st.Total != int64(len(chats)) {
		t.Fatalf("status after the takeover: %+v", st)
	}
	startWorkers(t, sender(t, api), b, c)
	waitReport(t, api)
	race() // later ticks start nothing more
	clk.Set(at.Add(time.Hour))
	race()
	for _, chat := range chats {
		if n := len(api.Sent("sendMessage", chat)); n != 1 {
			t.Errorf("chat %d got %d messages, want exactly 1", chat, n)
		}
	}
	if l, _ := b.List(ctx, 10); len(l) != 1 || l[0].ID != id || !l[0].Done || l[0].Delivered != int64(len(chats)) {
		t.Errorf("list = %+v", l)
	}
}

// A scheduled broadcast can be cancelled before it starts; it never starts then.
func TestScheduledCancel(t *testing.T) {
	ctx := context.Background()
	clk := handlerstest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, berlin(t)))
	api := fakeapi.Start(t)
	s := &subs{chats: []int64{1, 2}, unsub: make(chan int64, 2)}
	opts := fastOpts()
	opts.Now = clk.Now
	a := broadcast.New(redistest.Client(t), redistest.Prefix(t), s, opts)
	id, err := a.Schedule(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "x", SenderChat: staffChat}, clk.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Schedule(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "x"}, clk.Now().Add(-time.Minute)); !errors.Is(err, broadcast.ErrTooLate) {
		t.Errorf("a time in the past: %v", err)
	}
	if err := a.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	clk.Set(clk.Now().Add(2 * time.Hour))
	if err := a.Due(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := a.Status(ctx, id)
	if st.Total != 0 || !st.Cancelled || st.Scheduled {
		t.Errorf("status %+v", st)
	}
	if n := len(api.Requests("")); n != 0 {
		t.Errorf("%d API calls for a cancelled scheduled broadcast", n)
	}
	_ = http.StatusOK
}

// A replica that claimed a scheduled broadcast but was too slow (its lease ran
// out and another replica took over and queued it) must not queue it again.
func TestScheduledSlowClaimerDoesNotQueueTwice(t *testing.T) {
	ctx := context.Background()
	clk := handlerstest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, berlin(t)))
	chats := []int64{301, 302, 303}
	s := &subs{chats: chats, unsub: make(chan int64, len(chats))}
	prefix := redistest.Prefix(t)
	opts := fastOpts()
	opts.Now = clk.Now
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	b := broadcast.New(redistest.Client(t), prefix, s, opts)
	at := clk.Now().Add(time.Hour)
	id, err := a.Schedule(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "x", SenderChat: staffChat}, at)
	if err != nil {
		t.Fatal(err)
	}
	broadcast.SetBeforeQueue(a, func(string) error {
		// A stalls past its lease; B takes over and queues meanwhile.
		clk.Set(at.Add(2 * time.Minute))
		return b.Due(ctx)
	})
	clk.Set(at)
	if err := a.Due(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := a.Status(ctx, id)
	if st.Total != int64(len(chats)) {
		t.Fatalf("status %+v", st)
	}
	c := redistest.Client(t)
	n, err := c.XLen(ctx, prefix+":bc:stream").Result()
	if err != nil || n != int64(len(chats)) {
		t.Errorf("%d deliveries queued, want %d (once)", n, len(chats))
	}
}
