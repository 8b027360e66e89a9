package broadcast_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// Parents who pressed "Erinnern" get one reminder the day before at 10:00, in
// their language, exactly once although two replicas look for due reminders
// again and again; a second press cancels it; /loeschen forgets it.
func TestRemindersSentOnce(t *testing.T) {
	ctx := context.Background()
	loc := berlin(t)
	clk := handlerstest.NewClock(time.Date(2027, 1, 10, 12, 0, 0, 0, loc))
	api := fakeapi.Start(t)
	var chats []int64
	for i := range int64(20) {
		chats = append(chats, 500+i)
	}
	s := &langSubs{subs: subs{chats: chats, unsub: make(chan int64, 20)}, langs: map[int64]string{501: "en"}}
	prefix := redistest.Prefix(t)
	opts := fastOpts()
	opts.Now = clk.Now
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	b := broadcast.New(redistest.Client(t), prefix, s, opts)
	id, _, err := a.Start(ctx, richAnnouncement(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	startWorkers(t, sender(t, api), a, b)
	waitReport(t, api)
	due := time.Date(2027, 1, 13, 10, 0, 0, 0, loc)
	for _, c := range chats {
		lang := "de"
		if c == 501 {
			lang = "en"
		}
		on, at, err := a.ToggleReminder(ctx, id, c, lang)
		if err != nil || !on || !at.Equal(due) {
			t.Fatalf("ToggleReminder(%d) = %v, %v, %v", c, on, at, err)
		}
	}
	if on, _, err := b.ToggleReminder(ctx, id, chats[0], "de"); err != nil || on {
		t.Fatalf("second press: %v, %v", on, err)
	}
	if ex, err := a.ExportChat(ctx, chats[2]); err != nil || !strings.Contains(ex["Erinnerungen"], "#"+id+" am 13.01.2027 10:00") {
		t.Errorf("ExportChat = %v, %v", ex, err)
	}
	if err := a.ForgetChat(ctx, chats[3]); err != nil { // /loeschen
		t.Fatal(err)
	}
	reminders := func() map[int64][]string {
		out := map[int64][]string{}
		for _, r := range api.Requests("sendMessage") {
			if strings.HasPrefix(r.Params["text"], "⏰") && r.Status == http.StatusOK {
				out[r.ChatID] = append(out[r.ChatID], r.Params["text"])
			}
		}
		return out
	}
	race := func() {
		var wg sync.WaitGroup
		for range 5 {
			for _, r := range []*broadcast.Service{a, b} {
				wg.Go(func() {
					if err := r.Due(ctx); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
	}
	clk.Set(due.Add(-time.Minute))
	race()
	if got := reminders(); len(got) != 0 {
		t.Fatalf("reminders before their time: %v", got)
	}
	clk.Set(due)
	race()
	waitUntil(t, "18 reminders", func() bool { return len(reminders()) == 18 })
	race()
	clk.Set(due.Add(time.Hour))
	race()
	// Everything due was queued and handled: the stream is empty again.
	rdb := redistest.Client(t)
	waitUntil(t, "an empty queue", func() bool { n, _ := rdb.XLen(ctx, prefix+":bc:stream").Result(); return n == 0 })
	got := reminders()
	for _, c := range chats {
		want := 1
		if c == chats[0] || c == chats[3] {
			want = 0 // cancelled; forgotten
		}
		if len(got[c]) != want {
			t.Errorf("chat %d got %d reminders, want %d", c, len(got[c]), want)
		}
	}
	if txt := got[501]; len(txt) != 1 || txt[0] != "⏰ morgen en" {
		t.Errorf("the English reminder: %v", txt)
	}
	if txt := got[502]; len(txt) != 1 || txt[0] != "⏰ morgen de" {
		t.Errorf("the German reminder: %v", txt)
	}
	if _, _, err := a.ToggleReminder(ctx, id, 999, "de"); !errors.Is(err, broadcast.ErrTooSoon) {
		t.Errorf("a reminder after its time: %v", err)
	}
}
