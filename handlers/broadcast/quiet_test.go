package broadcast_test

import (
	"context"
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

func TestParseQuietHours(t *testing.T) {
	loc := berlin(t)
	q, err := broadcast.ParseQuietHours("20:00-08:00", loc)
	if err != nil || q.String() != "20:00–08:00" {
		t.Fatalf("%v, %v", q, err)
	}
	tests := []struct {
		at    time.Time
		in    bool
		until time.Time
	}{
		{time.Date(2026, 12, 1, 19, 59, 59, 0, loc), false, time.Date(2026, 12, 1, 19, 59, 59, 0, loc)},
		{time.Date(2026, 12, 1, 20, 0, 0, 0, loc), true, time.Date(2026, 12, 2, 8, 0, 0, 0, loc)},
		{time.Date(2026, 12, 2, 3, 0, 0, 0, loc), true, time.Date(2026, 12, 2, 8, 0, 0, 0, loc)},
		{time.Date(2026, 12, 2, 8, 0, 0, 0, loc), false, time.Date(2026, 12, 2, 8, 0, 0, 0, loc)},
		// The clock change night (Europe/Berlin, 28 March 2027): still 08:00 local.
		{time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), true, time.Date(2027, 3, 28, 8, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		if q.In(tt.at) != tt.in || !q.End(tt.at).Equal(tt.until) {
			t.Errorf("%v: in %v until %v, want %v %v", tt.at, q.In(tt.at), q.End(tt.at), tt.in, tt.until)
		}
	}
	for _, bad := range []string{"20-08", "25:00-08:00", "20:00", "20:00-20:00", "8:5-9:00"} {
		if _, err := broadcast.ParseQuietHours(bad, loc); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if q, err := broadcast.ParseQuietHours("off", loc); err != nil || !q.Off() || q.In(time.Now()) {
		t.Errorf("off: %v %v", q, err)
	}
}

// clockAfter is a Replier that moves the clock to 'to' once n messages went out:
// the broadcast reaches quiet hours in the middle.
type clockAfter struct {
	next broadcast.Sender
	clk  *handlerstest.Clock
	n    int
	to   time.Time
	mu   sync.Mutex
	sent int
}

func (c *clockAfter) bump(err error) {
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent++; c.sent == c.n {
		c.clk.Set(c.to)
	}
}

func (c *clockAfter) Send(ctx context.Context, chat int64, m handlers.Message) error {
	err := c.next.Send(ctx, chat, m)
	if chat != staffChat {
		c.bump(err)
	}
	return err
}
func (c *clockAfter) Post(ctx context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	out, err := c.next.Post(ctx, chat, p)
	if chat != staffChat {
		c.bump(err)
	}
	return out, err
}
func (c *clockAfter) EditPost(ctx context.Context, chat int64, id int, e handlers.Edit) error {
	return c.next.EditPost(ctx, chat, id, e)
}
func (c *clockAfter) DeleteMessage(ctx context.Context, chat int64, id int) error {
	return c.next.DeleteMessage(ctx, chat, id)
}

// A broadcast that reaches the quiet hours pauses: nothing is sent between 20:00
// and 08:00, it resumes at 08:00 (not a minute earlier) and every subscriber gets
// the message exactly once. An urgent one is delivered at night.
func TestQuietHoursPauseAndResume(t *testing.T) {
	ctx := context.Background()
	loc := berlin(t)
	clk := handlerstest.NewClock(time.Date(2026, 12, 1, 19, 58, 0, 0, loc))
	api := fakeapi.Start(t)
	var chats []int64
	for i := range int64(50) {
		chats = append(chats, 400+i)
	}
	s := &subs{chats: chats, unsub: make(chan int64, len(chats))}
	prefix := redistest.Prefix(t)
	opts := fastOpts()
	opts.Now, opts.Workers = clk.Now, 1 // one sender: exactly 20 go out before 20:00
	opts.Quiet, _ = broadcast.ParseQuietHours("20:00-08:00", loc)
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	r := &clockAfter{next: sender(t, api), clk: clk, n: 20, to: time.Date(2026, 12, 1, 20, 0, 0, 0, loc)}
	startWorkers(t, r, a)
	id, _, err := a.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "Laternenumzug", SenderChat: staffChat})
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Client(t)
	waitUntil(t, "the rest to wait for the morning", func() bool {
		n, _ := rdb.LLen(ctx, prefix+":bc:"+id+":later").Result()
		return n == 30
	})
	st, _ := a.Status(ctx, id)
	if st.Delivered != 20 || st.Done || !st.Paused.Equal(time.Date(2026, 12, 2, 8, 0, 0, 0, loc)) {
		t.Fatalf("paused status %+v", st)
	}
	night := len(api.Requests("sendMessage"))
	// An urgent announcement goes out at night.
	urgent, _, err := a.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "Hochwasser: Kita geschlossen",
		Urgent: true, SenderChat: staffChat})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the urgent one", func() bool { st, _ := a.Status(ctx, urgent); return st.Done })
	clk.Set(time.Date(2026, 12, 2, 7, 59, 0, 0, loc))
	if err := a.Due(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.LLen(ctx, prefix+":bc:"+id+":later").Result(); n != 30 {
		t.Fatalf("resumed before 08:00: %d waiting", n)
	}
	if n := countText(api, "Laternenumzug"); n != 20 || night != 20 {
		t.Fatalf("%d announcements out before 08:00 (%d at 20:00), want the 20 sent before the quiet hours", n, night)
	}
	clk.Set(time.Date(2026, 12, 2, 8, 0, 0, 0, loc))
	waitUntil(t, "the broadcast to finish in the morning", func() bool { st, _ := a.Status(ctx, id); return st.Done })
	st, _ = a.Status(ctx, id)
	if st.Delivered != 50 || !st.Paused.IsZero() {
		t.Errorf("final status %+v", st)
	}
	for _, c := range chats {
		got := 0
		for _, req := range api.Sent("sendMessage", c) {
			if req.Params["text"] == "Laternenumzug" {
				got++
			}
		}
		if got != 1 {
			t.Errorf("chat %d got the announcement %d times", c, got)
		}
		if n := len(api.Sent("sendMessage", c)); n != 2 {
			t.Errorf("chat %d got %d messages, want the announcement and the urgent one", c, n)
		}
	}
}

func countText(api *fakeapi.Server, text string) int {
	n := 0
	for _, r := range api.Requests("sendMessage") {
		if r.Params["text"] == text && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}
