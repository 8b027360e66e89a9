package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// counter is a go-redis hook that counts round trips and the commands in them.
type counter struct {
	mu         sync.Mutex
	roundTrips int
	commands   []string
}

func (c *counter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *counter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.mu.Lock()
		c.roundTrips++
		c.commands = append(c.commands, cmd.Name())
		c.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (c *counter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.mu.Lock()
		c.roundTrips++
		for _, cmd := range cmds {
			c.commands = append(c.commands, cmd.Name())
		}
		c.mu.Unlock()
		return next(ctx, cmds)
	}
}

func (c *counter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.roundTrips, c.commands = 0, nil
}

func (c *counter) get() (int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.roundTrips, append([]string(nil), c.commands...)
}

// cost runs f and returns the round trips and commands it sent through cnt.
func cost(t *testing.T, cnt *counter, f func() error) (int, []string) {
	t.Helper()
	cnt.reset()
	if err := f(); err != nil {
		t.Fatal(err)
	}
	return cnt.get()
}

// addUnrelated writes n keys under the prefix that have nothing to do with any chat
// of the test, like the dedup and broadcast keys of a busy bot.
func addUnrelated(t *testing.T, c *redis.Client, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	const batch = 1000
	for i := 0; i < n; i += batch {
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for j := i; j < i+batch && j < n; j++ {
				p.Set(ctx, fmt.Sprintf("%s:seen:%d", prefix, j), "done", time.Hour)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestPrivacyCostIndependentOfKeyspace proves that Export and DeleteAll address
// the chat's keys by name: with 20,000 unrelated keys under the prefix they send
// exactly as many commands as with none, and only a handful.
func TestPrivacyCostIndependentOfKeyspace(t *testing.T) {
	ctx := context.Background()
	c, p := redistest.Client(t), redistest.Prefix(t)
	cnt := &counter{}
	c.AddHook(cnt)
	s := redisstore.New(c, p)

	setup := func(chat int64) {
		t.Helper()
		if err := s.SaveState(ctx, chat, handlers.State{District: "walsrode", Lang: "de"}); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"walsrode", "soltau-wietzendorf", "munster-bispingen"} {
			if err := s.Subscribe(ctx, chat, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	measure := func(chat int64) (exportRT, deleteRT int, exportCmds, deleteCmds []string) {
		t.Helper()
		setup(chat)
		// Load the scripts once, so the count shows the steady state (EVALSHA).
		if err := s.DeleteAll(ctx, chat+1000); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Export(ctx, chat+1000); err != nil {
			t.Fatal(err)
		}
		exportRT, exportCmds = cost(t, cnt, func() error { _, err := s.Export(ctx, chat); return err })
		deleteRT, deleteCmds = cost(t, cnt, func() error { return s.DeleteAll(ctx, chat) })
		pd, err := s.Export(ctx, chat)
		if err != nil || pd.State != nil || len(pd.Subscriptions) != 0 {
			t.Fatalf("Export after DeleteAll = %+v, %v", pd, err)
		}
		return
	}

	e0, d0, ec0, dc0 := measure(1)
	addUnrelated(t, c, p, 20000)
	e1, d1, ec1, dc1 := measure(2)
	t.Logf("Export: %d round trips, %d commands (no unrelated keys); %d round trips %v (20,000 unrelated keys)", e0, len(ec0), e1, ec1)
	t.Logf("DeleteAll: %d round trips, %d commands (no unrelated keys); %d round trips %v (20,000 unrelated keys)", d0, len(dc0), d1, dc1)
	if e1 != e0 || len(ec1) != len(ec0) || d1 != d0 || len(dc1) != len(dc0) {
		t.Errorf("cost depends on unrelated keys: Export %d/%d -> %d/%d, DeleteAll %d/%d -> %d/%d",
			e0, len(ec0), e1, len(ec1), d0, len(dc0), d1, len(dc1))
	}
	if e1 > 1 || len(ec1) > 2 {
		t.Errorf("Export sent %d round trips %v, want 1 round trip of at most 2 commands", e1, ec1)
	}
	if d1 > 1 || len(dc1) > 1 {
		t.Errorf("DeleteAll sent %d round trips %v, want 1 command", d1, dc1)
	}
}
