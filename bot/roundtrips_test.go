package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// tripCounter is a go-redis hook that records every round trip: one command, or
// one pipeline or MULTI/EXEC, by its command names.
type tripCounter struct {
	mu    sync.Mutex
	trips []string
}

func (h *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		name := cmd.Name()
		if args := cmd.Args(); name == "evalsha" && len(args) > 1 {
			name = scriptNames[fmt.Sprint(args[1])]
		}
		h.add(name)
		return next(ctx, cmd)
	}
}

// scriptNames names the inbox scripts by their SHA.
var scriptNames = map[string]string{
	pushScript.Hash(): "push", acquireScript.Hash(): "acquire", completeManyScript.Hash(): "complete",
	renewManyScript.Hash(): "renew", releaseScript.Hash(): "release", sweepScript.Hash(): "sweep",
}

func (h *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = c.Name()
		}
		h.add(strings.Join(names, "+"))
		return next(ctx, cmds)
	}
}

func (h *tripCounter) add(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.trips = append(h.trips, s)
}

// hotPath returns the round trips except the timers' (the sweep and the lease
// renewal, not per update) and a new connection's handshake (HELLO, CLIENT SETINFO).
func (h *tripCounter) hotPath() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.trips {
		if s != "sweep" && s != "renew" && !handshake(s) {
			out = append(out, s)
		}
	}
	return out
}

// handshake reports whether a round trip holds only what go-redis sends on a new
// connection: HELLO, AUTH, SELECT (a database number in REDIS_URL), READONLY and
// CLIENT SETNAME/SETINFO.
func handshake(trip string) bool {
	for name := range strings.SplitSeq(trip, "+") {
		switch name {
		case "hello", "auth", "select", "readonly", "client":
		default:
			return false
		}
	}
	return true
}

// countedRedis returns a client that counts its round trips, with the inbox
// scripts already loaded (so no NOSCRIPT retry is counted), and a plain client
// for the test's own checks.
func countedRedis(t *testing.T) (*redis.Client, *tripCounter, *redis.Client) {
	t.Helper()
	check := redistest.Client(t)
	for _, s := range []*redis.Script{pushScript, acquireScript, completeManyScript, renewManyScript, releaseScript, sweepScript} {
		if err := s.Load(t.Context(), check).Err(); err != nil {
			t.Fatal(err)
		}
	}
	c := redistest.Client(t)
	h := &tripCounter{}
	c.AddHook(h)
	return c, h, check
}

// waitChatDone waits until n updates were handled and the chat's inbox and lock are gone.
func waitChatDone(t *testing.T, check *redis.Client, prefix, key string, conv *countConv, n int64) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for conv.n.Load() < n || check.Exists(t.Context(), prefix+":inbox:"+key, prefix+":lock:"+key).Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("chat %s not done: handled %d of %d", key, conv.n.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRoundTripsSingleUpdate: an update of an idle chat costs push (which takes
// the chat) + complete = 2 Redis round trips (the conversation's own calls not
// included).
func TestRoundTripsSingleUpdate(t *testing.T) {
	c, h, check := countedRedis(t)
	prefix := redistest.Prefix(t)
	api := fakeapi.Start(t)
	conv := &countConv{}
	wh := WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: "s3cret"}
	r := startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, Mode: ModeWebhook, Webhook: wh,
		SweepInterval: time.Hour})
	waitReady(t, r.bot)
	u := fakeapi.TextUpdate(21, "de", "Soltau")
	u.ID = 9101
	if code := postUpdate(t, r.bot, "s3cret", u); code != 200 {
		t.Fatalf("status %d", code)
	}
	waitChatDone(t, check, prefix, "c21", conv, 1)
	trips := h.hotPath()
	if len(trips) > 2 {
		t.Errorf("%d Redis round trips for one update, want at most 2: %q", len(trips), trips)
	}
	if got := check.Get(t.Context(), prefix+":seen:9101").Val(); got != "done" {
		t.Errorf("update id marked %q, want done", got)
	}
	t.Logf("round trips: %q", trips)
}

// TestRoundTripsBurst: k updates of one chat fetched in one getUpdates batch cost
// one push (which takes the chat) and k completes: k+1 round trips.
func TestRoundTripsBurst(t *testing.T) {
	c, h, check := countedRedis(t)
	prefix := redistest.Prefix(t)
	api := fakeapi.Start(t)
	const k = 5
	ups := make([]models.Update, k)
	for i := range ups {
		ups[i] = fakeapi.TextUpdate(22, "de", "Walsrode")
	}
	api.Push(ups...)
	conv := &countConv{}
	startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, SweepInterval: time.Hour})
	waitChatDone(t, check, prefix, "c22", conv, k)
	trips := h.hotPath()
	if len(trips) > k+1 {
		t.Errorf("%d Redis round trips for a burst of %d, want at most %d: %q", len(trips), k, k+1, trips)
	}
	t.Logf("round trips: %q", trips)
}
