package bot

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// stateConv writes each update's text to the chat's state key while handling
// it, and records what the transport prefetched for that key.
type stateConv struct {
	rdb    *redis.Client
	prefix string

	mu   sync.Mutex
	seen []string // per update: the prefetched value, "<none>" when nothing stored, "<not prefetched>"
}

func (c *stateConv) key(chat int64) string { return c.prefix + ":state:" + strconv.FormatInt(chat, 10) }

func (c *stateConv) Handle(ctx context.Context, _ handlers.Replier, u handlers.Update) error {
	got := "<not prefetched>"
	if v, found, ok := handlers.TakePrefetched(ctx, c.key(u.ChatID)); ok {
		got = "<none>"
		if found {
			got = string(v)
		}
	}
	if _, _, again := handlers.TakePrefetched(ctx, c.key(u.ChatID)); again {
		got += " (twice)"
	}
	c.mu.Lock()
	c.seen = append(c.seen, got)
	c.mu.Unlock()
	return c.rdb.Set(ctx, c.key(u.ChatID), u.Text, time.Hour).Err()
}

func (c *stateConv) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

// TestStatePrefetched: the state read along with each head is the one the
// previous update of the chat saved, for the head a push hands out (the first)
// and for the ones complete hands out (the rest of the burst); it is taken once
// per turn.
func TestStatePrefetched(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	conv := &stateConv{rdb: rdb, prefix: prefix}
	api := fakeapi.Start(t)
	ups := make([]models.Update, 4)
	for i := range ups {
		ups[i] = fakeapi.TextUpdate(31, "de", "Text "+strconv.Itoa(i))
	}
	api.Push(ups...)
	startBot(t, api, Options{Conversation: conv, Redis: rdb, KeyPrefix: prefix,
		StateKey: func(chat int64) string { return conv.key(chat) }})
	deadline := time.Now().Add(waitLong)
	for len(conv.got()) < len(ups) {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d of %d", len(conv.got()), len(ups))
		}
		time.Sleep(5 * time.Millisecond)
	}
	want := []string{"<none>", "Text 0", "Text 1", "Text 2"}
	got := conv.got()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("prefetched states %q, want %q", got, want)
		}
	}
}

// TestChatStateKey: only a chat's ordering key has a state key (an inline
// query's "u<user>" has none).
func TestChatStateKey(t *testing.T) {
	f := chatStateKey(func(chat int64) string { return "s:" + strconv.FormatInt(chat, 10) })
	for key, want := range map[string]string{"c42": "s:42", "c-1001": "s:-1001", "u42": "", "c": "", "cx": ""} {
		if got := f(key); got != want {
			t.Errorf("state key of %q = %q, want %q", key, got, want)
		}
	}
	if chatStateKey(nil) != nil {
		t.Error("no StateKey: want no state key function")
	}
}
