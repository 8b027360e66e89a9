package bot

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// status429 counts the 429 answers the fake gave to sendMessage into chat.
func status429(api *fakeapi.Server, chat int64) int {
	n := 0
	for _, r := range api.ChatRequests(chat) {
		if r.Method == "sendMessage" && r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// waitUntil polls cond (a state the test cannot be told about otherwise) until
// it holds or waitLong passed.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestChatWaitingOut429HoldsNoWorker: with a single worker, a chat whose reply
// waits out a long retry_after does not keep another chat from being answered,
// and none of its own replies is lost once Telegram lets it write again.
// (Before: the worker slept through every retry_after of the chat's whole queue
// and dropped each reply after five 429s.)
func TestChatWaitingOut429HoldsNoWorker(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		api.RateLimitChat(1, -1, 3)
		var flood []string
		for i := range 5 {
			api.Push(fakeapi.TextUpdate(1, "de", fmt.Sprint("flood ", i)))
			flood = append(flood, fmt.Sprint("echo: flood ", i))
		}
		startBot(t, api, Options{Conversation: &echoConv{}, Redis: c, KeyPrefix: prefix, MaxConcurrency: 1})
		if _, err := api.WaitChat("sendMessage", 1, 1, waitLong); err != nil {
			t.Fatal(err) // the flooding chat's first reply met its 429
		}
		api.Push(fakeapi.TextUpdate(2, "de", "Dorfmark"))
		if _, err := api.WaitFunc(1, waitLong, func(r fakeapi.Request) bool {
			return r.ChatID == 2 && r.Status == http.StatusOK
		}); err != nil {
			t.Fatalf("the other chat was not answered while the first waited out its 429: %v", err)
		}
		if n := status429(api, 1); n != 1 {
			t.Errorf("the waiting chat was tried %d times before the other chat's answer, want once "+
				"(the answer must not wait for a retry_after)", n)
		}
		api.ClearFaults()
		if _, err := api.WaitFunc(len(flood), waitLong, func(r fakeapi.Request) bool {
			return r.ChatID == 1 && r.Status == http.StatusOK
		}); err != nil {
			t.Fatal(err)
		}
		if got := texts(api, 1); !slices.Equal(got, flood) {
			t.Errorf("after the 429 the chat got %q, want %q", got, flood)
		}
	})
}

// TestNoReplyLostToLong429: a reply that meets 429 many times in a row is
// delivered in the end, and its update counts as done only then: in Redis it
// stays in the inbox (marked running), without Redis its polling offset is not
// confirmed. (Before: the reply was dropped after five 429s, its update
// already confirmed.)
func TestNoReplyLostToLong429(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		m := &countMetrics{}
		api.RateLimitChat(3, 7, 1)
		id := api.Push(fakeapi.TextUpdate(3, "de", "Soltau"))[0]
		startBot(t, api, Options{Conversation: &echoConv{}, Redis: c, KeyPrefix: prefix, Metrics: m})
		waitUntil(t, "the reply met its first 429s", func() bool { return status429(api, 3) >= 2 })
		if c != nil {
			if n := c.LLen(t.Context(), prefix+":inbox:c3").Val(); n != 1 {
				t.Errorf("the update left the inbox (%d) before its reply was delivered", n)
			}
			if v := c.Get(t.Context(), prefix+":seen:"+fmt.Sprint(id)).Val(); v != "run" {
				t.Errorf("the update is marked %q before its reply was delivered, want run", v)
			}
		} else if got := api.Confirmed(); got > id {
			t.Errorf("offset %d confirmed before the reply of update %d was delivered", got, id)
		}
		if _, err := api.WaitFunc(1, waitLong, func(r fakeapi.Request) bool {
			return r.ChatID == 3 && r.Status == http.StatusOK
		}); err != nil {
			t.Fatalf("the reply was lost to 429: %v", err)
		}
		if n := status429(api, 3); n != 7 {
			t.Errorf("%d answers with 429 before the delivery, want 7", n)
		}
		if got := texts(api, 3); !slices.Equal(got, []string{"echo: Soltau"}) {
			t.Errorf("delivered %q", got)
		}
		if c == nil {
			if err := api.WaitConfirmed(id+1, waitLong); err != nil {
				t.Error(err)
			}
		} else {
			waitUntil(t, "the update is done", func() bool {
				return c.Get(t.Context(), prefix+":seen:"+fmt.Sprint(id)).Val() == "done" &&
					c.Exists(t.Context(), prefix+":inbox:c3").Val() == 0
			})
		}
		if n := m.count("reply", "delivered"); n != 1 {
			t.Errorf("delivered replies counted: %v", n)
		}
	})
}

// TestReplyGivenUpOnlyAfterMaxAge: a reply that cannot be delivered within
// ReplyMaxAge is given up, logged and counted, and the chat goes on.
func TestReplyGivenUpOnlyAfterMaxAge(t *testing.T) {
	api := fakeapi.Start(t)
	m := &countMetrics{}
	api.RateLimitChat(4, 2, 1)
	api.Push(fakeapi.TextUpdate(4, "de", "verloren"))
	r := startBot(t, api, Options{Conversation: &echoConv{}, Metrics: m, ReplyMaxAge: 1500 * time.Millisecond})
	waitUntil(t, "the reply is given up", func() bool {
		return m.count("reply", "expired") == 1
	})
	api.Push(fakeapi.TextUpdate(4, "de", "danach"))
	if _, err := api.WaitFunc(1, waitLong, func(q fakeapi.Request) bool { return q.ChatID == 4 && q.Status == http.StatusOK }); err != nil {
		t.Fatal(err)
	}
	if got := texts(api, 4); !slices.Equal(got, []string{"echo: danach"}) {
		t.Errorf("delivered %q", got)
	}
	if n := status429(api, 4); n != 2 {
		t.Errorf("%d attempts met 429, want 2 (waits do not end a reply, only its age)", n)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	mustLog(t, r.logs.String(), "giving up replies that could not be delivered in time")
}

// TestFloodCapTellsTheConversation: a chat that sends far more than anyone
// types keeps the update in hand and the newest ones; those in between are
// skipped, counted, and the conversation is told once, with the first update
// after the gap. Answers keep their order.
func TestFloodCapTellsTheConversation(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		m := &countMetrics{}
		api.RateLimitChat(5, -1, 1) // the first reply is stuck while the flood comes in
		api.Push(fakeapi.TextUpdate(5, "de", "m01"))
		conv := &echoConv{}
		startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, Metrics: m, MaxPendingPerChat: 4})
		waitUntil(t, "the first reply is stuck", func() bool { return status429(api, 5) >= 1 })
		for i := 2; i <= 13; i++ {
			api.Push(fakeapi.TextUpdate(5, "de", fmt.Sprintf("m%02d", i)))
		}
		waitUntil(t, "the flood was taken", func() bool {
			return m.count("update", "message") == 13
		})
		api.ClearFaults()
		want := []string{"echo: m01", "echo: m11", "echo: m12", "echo: m13"}
		if _, err := api.WaitFunc(len(want), waitLong, func(r fakeapi.Request) bool {
			return r.ChatID == 5 && r.Status == http.StatusOK
		}); err != nil {
			t.Fatal(err)
		}
		if got := texts(api, 5); !slices.Equal(got, want) {
			t.Errorf("answers %q, want %q", got, want)
		}
		var skipped []int
		for _, u := range conv.handled() {
			skipped = append(skipped, u.Skipped)
		}
		if !slices.Equal(skipped, []int{0, 9, 0, 0}) {
			t.Errorf("the conversation was told of skipped updates %v, want [0 9 0 0]", skipped)
		}
		if n := m.count("skipped", ""); n != 9 {
			t.Errorf("skipped updates counted: %v", n)
		}
		if c != nil {
			waitUntil(t, "the inbox is empty", func() bool { return c.Exists(t.Context(), prefix+":inbox:c5").Val() == 0 })
		}
	})
}

// TestPacedRepliesAreAllDelivered: replies over a chat's pace wait, in order;
// none is dropped.
func TestPacedRepliesAreAllDelivered(t *testing.T) {
	api := fakeapi.Start(t)
	var want []string
	for i := range 6 {
		api.Push(fakeapi.TextUpdate(6, "de", fmt.Sprint(i)))
		want = append(want, fmt.Sprint("echo: ", i))
	}
	startBot(t, api, Options{Conversation: &echoConv{}, ChatPace: ChatPace{Private: 20, Burst: 1}})
	if _, err := api.WaitChat("sendMessage", 6, len(want), waitLong); err != nil {
		t.Fatal(err)
	}
	if got := texts(api, 6); !slices.Equal(got, want) {
		t.Errorf("answers %q, want %q", got, want)
	}
}

// TestPacer: a chat may get Burst messages at once, then one per 1/rate; a
// group chat (negative id) has its own, slower pace; a wait takes nothing.
func TestPacer(t *testing.T) {
	p := newPacer(ChatPace{})
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	steps := []struct {
		chat int64
		at   time.Duration
		want time.Duration
	}{
		{7, 0, 0}, {7, 0, 0}, {7, 0, 0}, // the burst
		{7, 0, time.Second}, // then one per second
		{7, 500 * time.Millisecond, 500 * time.Millisecond}, // waiting took nothing
		{7, time.Second, 0},
		{7, time.Second, time.Second},
		{8, time.Second, 0}, // another chat has its own bucket
		{-100, 0, 0}, {-100, 0, 0}, {-100, 0, 0},
		{-100, 0, 3 * time.Second}, // a group: 20 per minute
	}
	for i, s := range steps {
		if got := p.wait(s.chat, at(s.at)); got != s.want {
			t.Errorf("step %d: chat %d at %s waits %s, want %s", i, s.chat, s.at, got, s.want)
		}
	}
	off := newPacer(NoChatPace)
	for i := range 10 {
		if w := off.wait(int64(i%2*2-1), t0); w != 0 { // a private and a group chat in turn
			t.Fatalf("NoChatPace paced message %d: %s", i, w)
		}
	}
}

func mustLog(t *testing.T, logs, s string) {
	t.Helper()
	if !strings.Contains(logs, s) {
		t.Errorf("log lacks %q:\n%s", s, logs)
	}
}
