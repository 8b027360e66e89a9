package broadcast_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

const staffChat = 777000

// subs is a fixed subscription list that records unsubscriptions.
type subs struct {
	chats []int64
	unsub chan int64
}

func (s *subs) Subscribers(context.Context, string) ([]int64, error) { return s.chats, nil }
func (s *subs) Unsubscribe(_ context.Context, chat int64, _ string) error {
	s.unsub <- chat
	return nil
}

func sender(t testing.TB, api *fakeapi.Server) *bot.Sender {
	t.Helper()
	b, err := bot.NewAPI("123:secret", api.URL(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewSender(b, api.URL(), nil, nil)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Against the fake Bot API with the real Sender: 429s (global and per chat), a
// blocked chat, a chat whose requests fail with 500 for good, one that recovers
// after two 500s and one whose connection drops once; two replicas share the work.
func TestDeliveryAgainstFakeAPI(t *testing.T) {
	ctx := context.Background()
	api := fakeapi.Start(t)
	const n = 120
	var chats []int64
	for i := range int64(n) {
		chats = append(chats, 100+i)
	}
	s := &subs{chats: chats, unsub: make(chan int64, n)}
	api.FailNext("sendMessage", 3, http.StatusTooManyRequests, 1) // the first three calls: 429, retry_after 1
	api.FailChat(105, http.StatusForbidden, -1)                   // blocked the bot
	api.FailChat(106, http.StatusInternalServerError, -1)         // never works
	api.FailChat(107, http.StatusInternalServerError, 2)          // works on the third try
	api.FailChat(108, http.StatusTooManyRequests, 1)              // one 429 for this chat
	api.FailChat(109, 0, 1)                                       // connection dropped once

	opts := broadcast.Options{Rate: 200, PerChatInterval: 20 * time.Millisecond, MaxAttempts: 4,
		Backoff: 20 * time.Millisecond, ClaimIdle: time.Second, Workers: 3, Logger: quiet()}
	prefix := redistest.Prefix(t)
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	b := broadcast.New(redistest.Client(t), prefix, s, opts)
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	r := sender(t, api)
	go func() { _ = a.Run(runCtx, r) }()
	go func() { _ = b.Run(runCtx, r) }()

	id, got, err := a.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"}, Text: "Tag der offenen Tür",
		HTML: "<b>Tag der offenen Tür</b> &amp; Kaffee", SenderID: 1, SenderChat: staffChat})
	if err != nil || got != n {
		t.Fatalf("Start = %d, %v", got, err)
	}
	reports, err := api.WaitFunc(1, time.Minute, func(r fakeapi.Request) bool {
		return r.ChatID == staffChat && r.Status == http.StatusOK
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Delivered != n-2 || st.Blocked != 1 || st.Failed != 1 || !st.Done {
		t.Errorf("status = %+v, want %d delivered, 1 blocked, 1 failed", st, n-2)
	}
	for _, c := range chats {
		want := 1
		if c == 105 || c == 106 {
			want = 0
		}
		sent := api.Sent("sendMessage", c)
		if len(sent) != want {
			t.Errorf("chat %d saw %d messages, want %d", c, len(sent), want)
			continue
		}
		if want == 1 {
			if m, _ := sent[0].Message(); m.Text != "Tag der offenen Tür & Kaffee" || sent[0].Params["parse_mode"] != "HTML" {
				t.Errorf("chat %d saw %q (%s)", c, m.Text, sent[0].Params["parse_mode"])
			}
		}
	}
	if calls := len(api.ChatRequests(106)); calls != 4 {
		t.Errorf("chat with 500s was tried %d times, want MaxAttempts=4", calls)
	}
	if calls := len(api.ChatRequests(105)); calls != 1 {
		t.Errorf("blocked chat was tried %d times, want 1", calls)
	}
	// The first 429 said retry_after 1: nothing was sent successfully within that
	// second. Requests already in flight when the 429 came back (the six workers
	// send concurrently; the pause is set when the answer arrives) may still
	// succeed, so the check starts a generous 250 ms later: without the pause,
	// all 120 messages at 200/s would go out inside the checked window.
	first429 := api.Requests("sendMessage")[0]
	for _, r := range api.Requests("sendMessage") {
		if d := r.At.Sub(first429.At); r.Status == http.StatusOK && d > 250*time.Millisecond && d < 990*time.Millisecond {
			t.Errorf("request %d succeeded %v after a 429 with retry_after 1s", r.Seq, r.At.Sub(first429.At))
			break
		}
	}
	select {
	case c := <-s.unsub:
		if c != 105 {
			t.Errorf("unsubscribed chat %d, want 105", c)
		}
	default:
		t.Error("blocked chat was not unsubscribed")
	}
	if m, _ := reports[0].Message(); m.Text == "" {
		t.Error("empty report")
	} else {
		t.Logf("report:\n%s", m.Text)
	}
}

// BenchmarkBroadcast10k broadcasts a flyer (sendPhoto with caption; BROADCAST_BENCH_TEXT=1
// for a text message) to 10,000 subscribers against the fake Bot API
// (which answers a 429 with retry_after 1 every two seconds) with two replicas,
// and reports the achieved rate against the configured one, the 429s and memory.
// The configured rate is raised to 500 msg/s so that one run takes well under a
// minute; BROADCAST_BENCH_RATE=25 measures the production default (10,000 / 25 = 400 s
// plus the 429 pauses); BROADCAST_BENCH_N changes the number of subscribers and
// BROADCAST_BENCH_429_EVERY the interval of the 429s (0: none).
func BenchmarkBroadcast10k(b *testing.B) {
	rate := 500.0
	if v := os.Getenv("BROADCAST_BENCH_RATE"); v != "" {
		var err error
		if rate, err = strconv.ParseFloat(v, 64); err != nil || rate <= 0 {
			b.Fatalf("BROADCAST_BENCH_RATE=%q is not a positive number", v)
		}
	}
	api := fakeapi.Start(b)
	c := redistest.Client(b)
	r := sender(b, api)
	subscribers := 10000
	if v := os.Getenv("BROADCAST_BENCH_N"); v != "" {
		var err error
		if subscribers, err = strconv.Atoi(v); err != nil || subscribers <= 0 {
			b.Fatalf("BROADCAST_BENCH_N=%q is not a positive number", v)
		}
	}
	photo := os.Getenv("BROADCAST_BENCH_TEXT") == "" // a flyer by default; BROADCAST_BENCH_TEXT=1 for text
	method := "sendPhoto"
	if !photo {
		method = "sendMessage"
	}
	every := 2 * time.Second // how often the fake API answers one 429
	if v := os.Getenv("BROADCAST_BENCH_429_EVERY"); v != "" {
		var err error
		if every, err = time.ParseDuration(v); err != nil {
			b.Fatalf("BROADCAST_BENCH_429_EVERY=%q is not a duration", v)
		}
	}
	for range b.N {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			if every <= 0 {
				return
			}
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					api.FailNext(method, 1, http.StatusTooManyRequests, 1)
				}
			}
		}()
		rep, err := broadcast.LoadTest(ctx, c, redistest.Prefix(b), r, broadcast.LoadConfig{
			Subscribers: subscribers, Rate: rate, Replicas: 2, Workers: 8, Logger: quiet(), Photo: photo,
		})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Duplicates != 0 || rep.Missing != 0 || rep.Delivered != int64(subscribers) {
			b.Fatalf("not exactly once:\n%s", rep)
		}
		if got := len(api.Requests(method)); got < subscribers {
			b.Fatalf("%d %s requests for %d subscribers", got, method, subscribers)
		}
		b.Logf("\n%s", rep)
		b.ReportMetric(rep.Achieved, "msg/s")
		b.ReportMetric(rep.Achieved/rep.Configured*100, "%_of_rate")
		b.ReportMetric(float64(rep.Seen429), "429s")
		b.ReportMetric(float64(rep.PeakHeap)/(1<<20), "peak_heap_MiB")
		api.Reset()
	}
}
