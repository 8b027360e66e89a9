package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// The polling offset confirms updates to Telegram: an update below it is gone
// for good. So whenever the bot asks getUpdates with an offset, every update
// below it must be safe: handled, or (with Redis) stored in the durable inbox,
// from where a crash cannot take it. These tests check that at every
// getUpdates call, through the public API only, while a conversation holds an
// update on purpose; they do not depend on how the dispatcher works inside.

const offsetWait = 20 * time.Second

// holdingConv records which updates were handled (Handle returned) and holds
// chosen updates until released.
type holdingConv struct {
	mu      sync.Mutex
	handled map[int64]int
	held    map[int64]*heldUpdate
}

type heldUpdate struct {
	entered chan struct{} // closed when Handle got the update
	release chan struct{} // closed by the test (through release)
	after   int64         // released by the first getUpdates with an offset above this
}

func newHoldingConv() *holdingConv {
	return &holdingConv{handled: map[int64]int{}, held: map[int64]*heldUpdate{}}
}

// hold makes Handle wait for update id until a getUpdates call asks for an
// offset above after (see releaseAbove), or until the test ends.
func (c *holdingConv) hold(id, after int64) *heldUpdate {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := &heldUpdate{entered: make(chan struct{}), release: make(chan struct{}), after: after}
	c.held[id] = h
	return h
}

func (c *holdingConv) Handle(ctx context.Context, _ handlers.Replier, u handlers.Update) error {
	c.mu.Lock()
	h := c.held[u.ID]
	c.mu.Unlock()
	if h != nil {
		c.mu.Lock()
		select {
		case <-h.entered: // handled again: counted below
		default:
			close(h.entered)
		}
		c.mu.Unlock()
		select {
		case <-h.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	c.handled[u.ID]++
	c.mu.Unlock()
	return nil
}

func (c *holdingConv) isHandled(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.handled[id] > 0
}

// releaseAbove releases the held updates whose condition the offset meets.
func (c *holdingConv) releaseAbove(offset int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.held {
		if offset > h.after {
			select {
			case <-h.release:
			default:
				close(h.release)
			}
		}
	}
}

func (c *holdingConv) releaseAll() { c.releaseAbove(1 << 62) }

// offsetGuard checks, at every getUpdates call, that every update pushed below
// the requested offset is handled or in the Redis inbox.
type offsetGuard struct {
	api    *fakeapi.Server
	conv   *holdingConv
	rdb    redis.UniversalClient // nil without Redis
	prefix string

	mu         sync.Mutex
	pushed     []int64
	calls      int
	violations []string
}

// push queues one text update per chat with the given ids (in order).
func (g *offsetGuard) push(ids []int64, chats ...int64) {
	ups := make([]models.Update, 0, len(chats))
	for i, c := range chats {
		u := fakeapi.TextUpdate(c, "de", fmt.Sprintf("Nachricht an %d", c))
		u.ID = ids[i]
		ups = append(ups, u)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.api.Push(ups...)
	g.pushed = append(g.pushed, ids...)
}

// onGetUpdates is the fake API's hook: it runs when the request arrives, before
// the fake confirms anything.
func (g *offsetGuard) onGetUpdates(offset int64) {
	g.mu.Lock()
	pushed := slices.Clone(g.pushed)
	g.calls++
	g.mu.Unlock()
	// The inbox first, then the handled ones: an update leaves the inbox only
	// after it was handled, so no update can slip between the two looks.
	var inInbox map[int64]bool
	if g.rdb != nil {
		inInbox = g.inbox()
	}
	for _, id := range pushed {
		if id >= offset || inInbox[id] || g.conv.isHandled(id) {
			continue
		}
		g.mu.Lock()
		g.violations = append(g.violations,
			fmt.Sprintf("getUpdates offset %d confirms update %d, which is neither handled nor in the inbox", offset, id))
		g.mu.Unlock()
	}
	g.conv.releaseAbove(offset)
}

// inbox returns the update ids queued in the Redis inbox (<prefix>:inbox:<chat>
// lists, as the README documents them).
func (g *offsetGuard) inbox() map[int64]bool {
	ctx := context.Background()
	out := map[int64]bool{}
	iter := g.rdb.Scan(ctx, 0, g.prefix+":inbox:*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		if strings.HasSuffix(key, ":inbox:pending") {
			continue
		}
		raws, err := g.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			continue // a list that is not one: not an inbox
		}
		for _, raw := range raws {
			var u struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal([]byte(raw), &u) == nil {
				out[u.ID] = true
			}
		}
	}
	return out
}

func (g *offsetGuard) check(t *testing.T) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, v := range g.violations {
		t.Error(v)
	}
	g.violations = nil
}

// checkCalls: the guard really looked (at least min getUpdates calls).
func (g *offsetGuard) checkCalls(t *testing.T, min int) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.calls < min {
		t.Errorf("%d getUpdates calls checked, want at least %d", g.calls, min)
	}
}

// runOffsetBot runs a polling bot; stop cancels it and returns Run's error.
func runOffsetBot(t *testing.T, api *fakeapi.Server, conv bot.Conversation, rdb redis.UniversalClient, prefix string) (stop func() error) {
	t.Helper()
	b, err := bot.New(bot.Options{
		Token: "4711:offset-test", APIURL: api.URL(), Conversation: conv, Redis: rdb, KeyPrefix: prefix,
		PollTimeout: 2 * time.Second, SweepInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(offsetWait):
				runErr = fmt.Errorf("Run did not return after cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func waitEntered(t *testing.T, h *heldUpdate, id int64) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(offsetWait):
		t.Fatalf("update %d never reached the conversation", id)
	}
}

func waitHandled(t *testing.T, conv *holdingConv, ids ...int64) {
	t.Helper()
	deadline := time.Now().Add(offsetWait)
	for _, id := range ids {
		for !conv.isHandled(id) {
			if time.Now().After(deadline) {
				t.Fatalf("update %d not handled in time", id)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// TestOffsetNeverAheadOfHandled: without Redis an update is safe only once it
// is handled. In each round chat A's first update is handled at once and chat
// B's, second in the batch, is held; it is released by the first getUpdates
// call that confirms chat A's (that call must not confirm chat B's).
func TestOffsetNeverAheadOfHandled(t *testing.T) {
	api := fakeapi.Start(t)
	conv := newHoldingConv()
	g := &offsetGuard{api: api, conv: conv}
	api.OnGetUpdates(g.onGetUpdates)
	t.Cleanup(conv.releaseAll)
	stop := runOffsetBot(t, api, conv, nil, "")
	var all []int64
	for round := range int64(4) {
		base := 1000 * (round + 1)
		ids := []int64{base + 1, base + 2, base + 3, base + 4}
		held := conv.hold(ids[1], ids[0])
		g.push(ids, base+1, base+2, base+1, base+3) // chats A, B, A, C
		waitEntered(t, held, ids[1])
		waitHandled(t, conv, ids...)
		if err := api.WaitConfirmed(ids[len(ids)-1]+1, offsetWait); err != nil {
			t.Fatal(err)
		}
		g.check(t)
		all = append(all, ids...)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
	g.check(t)
	g.checkCalls(t, 8)
	checkOnce(t, conv, all)
}

// TestOffsetNeverAheadOfInbox: with Redis an update is safe once it is in the
// inbox, so the offset may pass an update still being handled, but only while
// that update stays in the inbox until it is handled. In each round chat B's
// update is held until a later batch (a probe of chat D) has been fetched and
// confirmed.
func TestOffsetNeverAheadOfInbox(t *testing.T) {
	api := fakeapi.Start(t)
	conv := newHoldingConv()
	rdb, prefix := redistest.Client(t), redistest.Prefix(t)
	g := &offsetGuard{api: api, conv: conv, rdb: rdb, prefix: prefix}
	api.OnGetUpdates(g.onGetUpdates)
	t.Cleanup(conv.releaseAll)
	stop := runOffsetBot(t, api, conv, rdb, prefix)
	var all []int64
	for round := range int64(4) {
		base := 1000 * (round + 1)
		ids := []int64{base + 1, base + 2, base + 3, base + 4}
		probe := base + 5
		held := conv.hold(ids[1], probe)
		g.push(ids, base+1, base+2, base+1, base+3) // chats A, B, A, C
		waitEntered(t, held, ids[1])
		waitHandled(t, conv, ids[0], ids[2], ids[3])
		// Chat B's update is being handled; the next batch moves the offset past it.
		g.push([]int64{probe}, base+4)
		waitHandled(t, conv, probe, ids[1])
		if err := api.WaitConfirmed(probe+1, offsetWait); err != nil {
			t.Fatal(err)
		}
		g.check(t)
		all = append(all, ids...)
		all = append(all, probe)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
	g.check(t)
	g.checkCalls(t, 8)
	checkOnce(t, conv, all)
}

func checkOnce(t *testing.T, conv *holdingConv, ids []int64) {
	t.Helper()
	if n := len(ids); n < 8 {
		t.Fatalf("only %d updates", n)
	}
	conv.mu.Lock()
	defer conv.mu.Unlock()
	for _, id := range ids {
		if n := conv.handled[id]; n != 1 {
			t.Errorf("update %d handled %d times", id, n)
		}
	}
}
