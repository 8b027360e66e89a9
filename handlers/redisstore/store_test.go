package redisstore_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func newStore(t *testing.T, opts ...redisstore.Option) (*redisstore.Store, *redis.Client, string) {
	t.Helper()
	c := redistest.Client(t)
	p := redistest.Prefix(t)
	return redisstore.New(c, p, opts...), c, p
}

func keys(t *testing.T, c *redis.Client, prefix string) []string {
	t.Helper()
	var ks []string
	iter := c.Scan(context.Background(), 0, prefix+":*", 1000).Iterator()
	for iter.Next(context.Background()) {
		ks = append(ks, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestStateRoundTripAndTTL(t *testing.T) {
	ctx := context.Background()
	s, c, p := newStore(t, redisstore.WithStateTTL(time.Hour))
	if st, err := s.LoadState(ctx, 42); err != nil || !reflect.DeepEqual(st, handlers.State{}) {
		t.Fatalf("empty LoadState = %+v, %v; want zero, nil", st, err)
	}
	want := handlers.State{
		Step: "ask", District: "walsrode", Place: "walsrode", Lang: "ar",
		Candidates: []string{"walsrode", "ostenholz"}, Nonce: "abc123",
		Draft:   &handlers.Draft{Districts: []string{"walsrode"}, Text: "Fest <b>", When: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)},
		Updated: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
	}
	if err := s.SaveState(ctx, 42, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadState(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadState = %+v, want %+v", got, want)
	}
	ttl := c.TTL(ctx, p+":chat:42").Val()
	if ttl <= 0 || ttl > time.Hour {
		t.Fatalf("state TTL = %v, want in (0, 1h]", ttl)
	}
	raw := c.Get(ctx, p+":chat:42").Val()
	if want := `{"v":1,`; len(raw) < len(want) || raw[:len(want)] != want {
		t.Fatalf("stored state %q does not start with the version %q", raw, want)
	}
}

func TestStateDiscardsUnknownEncodings(t *testing.T) {
	ctx := context.Background()
	tests := []struct{ name, raw string }{
		{"future version", `{"v":2,"state":{"district":"walsrode"}}`},
		{"no version", `{"district":"walsrode"}`},
		{"garbage", "\x00\xffnot json"},
		{"empty", ``},
		{"bad inner", `{"v":1,"state":"walsrode"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, p := newStore(t)
			if err := c.Set(ctx, p+":chat:7", tt.raw, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			st, err := s.LoadState(ctx, 7)
			if err != nil || !reflect.DeepEqual(st, handlers.State{}) {
				t.Fatalf("LoadState = %+v, %v; want zero, nil", st, err)
			}
			if n := c.Exists(ctx, p+":chat:7").Val(); n != 0 {
				t.Fatalf("unknown encoding was kept")
			}
			// The next load is clean too: no error on every update.
			if _, err := s.LoadState(ctx, 7); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSubscriptions(t *testing.T) {
	ctx := context.Background()
	s, c, p := newStore(t)
	for _, sub := range []struct {
		chat     int64
		district string
	}{{1, "walsrode"}, {1, "munster-bispingen"}, {1, "walsrode"}, {2, "walsrode"}, {-100123, "walsrode"}} {
		if err := s.Subscribe(ctx, sub.chat, sub.district); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := s.Subscriptions(ctx, 1)
	if err != nil || !reflect.DeepEqual(ds, []string{"munster-bispingen", "walsrode"}) {
		t.Fatalf("Subscriptions(1) = %v, %v", ds, err)
	}
	if n, err := s.CountSubscribers(ctx, "walsrode"); err != nil || n != 3 {
		t.Fatalf("CountSubscribers = %d, %v; want 3", n, err)
	}
	ids, err := s.Subscribers(ctx, "walsrode")
	if err != nil || !reflect.DeepEqual(ids, []int64{-100123, 1, 2}) {
		t.Fatalf("Subscribers = %v, %v", ids, err)
	}
	if err := c.SAdd(ctx, p+":subs:walsrode", "not-a-chat").Err(); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.Subscribers(ctx, "walsrode"); err != nil || len(ids) != 3 {
		t.Fatalf("Subscribers with a foreign member = %v, %v", ids, err)
	}
	if err := s.Unsubscribe(ctx, 1, "walsrode"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unsubscribe(ctx, 1, "walsrode"); err != nil {
		t.Fatalf("second Unsubscribe: %v", err)
	}
	if ds, _ := s.Subscriptions(ctx, 1); !reflect.DeepEqual(ds, []string{"munster-bispingen"}) {
		t.Fatalf("after Unsubscribe: %v", ds)
	}
	if ids, _ := s.Subscribers(ctx, "walsrode"); !reflect.DeepEqual(ids, []int64{-100123, 2}) {
		t.Fatalf("Subscribers after Unsubscribe = %v", ids)
	}
	if ds, err := s.Subscriptions(ctx, 99); err != nil || len(ds) != 0 {
		t.Fatalf("Subscriptions of a stranger = %v, %v", ds, err)
	}
}

func TestExportAndDeleteAll(t *testing.T) {
	ctx := context.Background()
	s, c, p := newStore(t)
	const chat, other = int64(5), int64(6)
	st := handlers.State{District: "walsrode", Lang: "de", Updated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, id := range []int64{chat, other} {
		if err := s.SaveState(ctx, id, st); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"walsrode", "soltau-wietzendorf"} {
			if err := s.Subscribe(ctx, id, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A district set out of sync: it holds the chat, the chat's own set lost track.
	if err := s.Subscribe(ctx, chat, "munster-bispingen"); err != nil {
		t.Fatal(err)
	}
	if err := c.SRem(ctx, p+":chat:5:subs", "munster-bispingen").Err(); err != nil {
		t.Fatal(err)
	}

	pd, err := s.Export(ctx, chat)
	if err != nil {
		t.Fatal(err)
	}
	if pd.State == nil || pd.State.District != "walsrode" || pd.State.Lang != "de" || !pd.State.Updated.Equal(st.Updated) {
		t.Fatalf("Export state = %+v", pd.State)
	}
	// The out-of-sync district is shown too: Export reads what DeleteAll erases.
	if !reflect.DeepEqual(pd.Subscriptions, []string{"munster-bispingen", "soltau-wietzendorf", "walsrode"}) {
		t.Fatalf("Export subscriptions = %v", pd.Subscriptions)
	}
	wantWhere := []string{p + ":chat:5", p + ":chat:5:subs", p + ":subs:munster-bispingen", p + ":subs:soltau-wietzendorf", p + ":subs:walsrode"}
	if got := slices.Sorted(slices.Values(pd.Where)); !reflect.DeepEqual(got, wantWhere) {
		t.Fatalf("Export where = %v, want %v", got, wantWhere)
	}
	if len(pd.Items) != 0 {
		t.Fatalf("Export items = %v, want none", pd.Items)
	}

	if err := s.DeleteAll(ctx, chat); err != nil {
		t.Fatal(err)
	}
	// The test may SCAN the prefix; the product must not.
	for _, k := range keys(t, c, p) {
		switch k {
		case p + ":chat:6", p + ":chat:6:subs", p + ":subs:walsrode", p + ":subs:soltau-wietzendorf":
			if c.SIsMember(ctx, k, chat).Val() {
				t.Errorf("%s still holds chat %d", k, chat)
			}
		case p + ":districts":
			// District ids only; the emptied munster-bispingen left it.
			if ds := c.SMembers(ctx, k).Val(); len(ds) != 2 || c.SIsMember(ctx, k, "munster-bispingen").Val() {
				t.Errorf("district registry = %v, want walsrode and soltau-wietzendorf", ds)
			}
		default:
			t.Errorf("key %s left after DeleteAll", k)
		}
	}
	pd, err = s.Export(ctx, chat)
	if err != nil || pd.State != nil || len(pd.Subscriptions) != 0 || len(pd.Items) != 0 || len(pd.Where) != 0 {
		t.Fatalf("Export after DeleteAll = %+v, %v; want empty", pd, err)
	}
	// The other chat is untouched.
	if ds, _ := s.Subscriptions(ctx, other); len(ds) != 2 {
		t.Fatalf("other chat lost subscriptions: %v", ds)
	}
	if ids, _ := s.Subscribers(ctx, "walsrode"); !reflect.DeepEqual(ids, []int64{other}) {
		t.Fatalf("walsrode subscribers after DeleteAll = %v", ids)
	}
	if got, _ := s.LoadState(ctx, other); got.District != "walsrode" {
		t.Fatalf("other chat lost its state: %+v", got)
	}
	// Deleting nothing is fine.
	if err := s.DeleteAll(ctx, 12345); err != nil {
		t.Fatal(err)
	}
	// Once the last chat is gone, nothing at all is left under the prefix.
	if err := s.DeleteAll(ctx, other); err != nil {
		t.Fatal(err)
	}
	if left := keys(t, c, p); len(left) != 0 {
		t.Fatalf("keys left after deleting every chat: %v", left)
	}
}

func TestExportDiscardsUnreadableState(t *testing.T) {
	ctx := context.Background()
	s, c, p := newStore(t)
	if err := c.Set(ctx, p+":chat:8", `{"v":99}`, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Subscribe(ctx, 8, "walsrode"); err != nil {
		t.Fatal(err)
	}
	pd, err := s.Export(ctx, 8)
	if err != nil || pd.State != nil || !reflect.DeepEqual(pd.Subscriptions, []string{"walsrode"}) {
		t.Fatalf("Export = %+v, %v; want no state, subscription walsrode", pd, err)
	}
	if n := c.Exists(ctx, p+":chat:8").Val(); n != 0 {
		t.Fatal("unreadable state was kept")
	}
}

func TestRedisDown(t *testing.T) {
	s := redisstore.New(redistest.Down(t), "down")
	ctx := context.Background()
	calls := map[string]func() error{
		"LoadState":        func() error { _, err := s.LoadState(ctx, 1); return err },
		"SaveState":        func() error { return s.SaveState(ctx, 1, handlers.State{}) },
		"Subscribe":        func() error { return s.Subscribe(ctx, 1, "walsrode") },
		"Unsubscribe":      func() error { return s.Unsubscribe(ctx, 1, "walsrode") },
		"Subscriptions":    func() error { _, err := s.Subscriptions(ctx, 1); return err },
		"CountSubscribers": func() error { _, err := s.CountSubscribers(ctx, "walsrode"); return err },
		"Subscribers":      func() error { _, err := s.Subscribers(ctx, "walsrode"); return err },
		"Export":           func() error { _, err := s.Export(ctx, 1); return err },
		"DeleteAll":        func() error { return s.DeleteAll(ctx, 1) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, handlers.ErrStoreUnavailable) {
				t.Fatalf("%s error = %v, want ErrStoreUnavailable", name, err)
			}
		})
	}
}

func BenchmarkLoadSaveState(b *testing.B) {
	c := redistest.Client(b)
	s := redisstore.New(c, redistest.Prefix(b))
	ctx := context.Background()
	st := handlers.State{District: "walsrode", Place: "walsrode", Lang: "de", Nonce: "abcdef"}
	for b.Loop() {
		if err := s.SaveState(ctx, 1, st); err != nil {
			b.Fatal(err)
		}
		if _, err := s.LoadState(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
}
