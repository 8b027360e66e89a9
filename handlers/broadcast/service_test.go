package broadcast

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func TestStartRefusesBadAnnouncements(t *testing.T) {
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1}}), testOptions())
	long := strings.Repeat("a", htmltext.MaxMessage+1)
	tests := []struct {
		name string
		a    handlers.Announcement
		want error
	}{
		{"no districts", handlers.Announcement{HTML: "x"}, ErrInvalid},
		{"no text", handlers.Announcement{Districts: []string{"walsrode"}, HTML: "  "}, ErrInvalid},
		{"too long", handlers.Announcement{Districts: []string{"walsrode"}, HTML: long}, ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := s.Start(context.Background(), tt.a); !errors.Is(err, tt.want) {
				t.Errorf("Start = %v, want %v", err, tt.want)
			}
		})
	}
	// Exactly at the limit is fine: tags and entities do not count.
	ok := handlers.Announcement{Districts: []string{"walsrode"}, HTML: "<b>" + strings.Repeat("&amp;", htmltext.MaxMessage) + "</b>"}
	if _, _, err := s.Start(context.Background(), ok); err != nil {
		t.Errorf("Start at the limit: %v", err)
	}
}

func TestStartWithoutRecipientsIsDoneAtOnce(t *testing.T) {
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{}), testOptions())
	id, n, err := s.Start(context.Background(), announce("munster"))
	if err != nil || n != 0 {
		t.Fatalf("Start = %q, %d, %v", id, n, err)
	}
	st, err := s.Status(context.Background(), id)
	if err != nil || !st.Done || st.Total != 0 {
		t.Errorf("Status = %+v, %v", st, err)
	}
}

func TestListNewestFirst(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	o := testOptions()
	o.Now = func() time.Time { now = now.Add(time.Minute); return now }
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), o)
	var ids []string
	for range 3 {
		id, _, err := s.Start(ctx, announce("walsrode"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	got, err := s.List(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] {
		t.Fatalf("List = %+v, want ids %s, %s", got, ids[2], ids[1])
	}
	if got[0].Total != 2 || got[0].Done || got[0].Preview != "Elterncafé <am> Freitag" ||
		got[0].SenderID != 7 || strings.Join(got[0].Districts, ",") != "walsrode" {
		t.Errorf("List[0] = %+v", got[0])
	}
	if _, err := s.Status(ctx, "nope"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("Status(unknown) = %v", err)
	}
}

func TestUpcoming(t *testing.T) {
	ctx := context.Background()
	berlin := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, berlin)
	o := testOptions()
	o.Now = func() time.Time { return now }
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{}), o)
	start := func(text string, when time.Time, districts ...string) string {
		a := handlers.Announcement{Districts: districts, Text: text, HTML: text, When: when, Where: "Rathaus " + text}
		id, _, err := s.Start(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	start("past", now.Add(-time.Hour), "walsrode")
	start("later", time.Date(2026, 12, 20, 18, 0, 0, 0, berlin), "walsrode", "bomlitz")
	start("undated", time.Time{}, "bomlitz")
	start("today", time.Date(2026, 12, 1, 0, 0, 0, 0, berlin), "walsrode") // date only: all day
	start("soon", now.Add(2*time.Hour), "walsrode")
	cancelled := start("cancelled", now.Add(3*time.Hour), "walsrode")
	start("elsewhere", now.Add(time.Hour), "munster")
	if err := s.Cancel(ctx, cancelled); err != nil {
		t.Fatal(err)
	}

	evs, err := s.Upcoming(ctx, []string{"walsrode", "bomlitz"}, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Text)
	}
	if want := "today soon later undated"; strings.Join(got, " ") != want {
		t.Errorf("Upcoming = %q, want %q", strings.Join(got, " "), want)
	}
	if len(evs) == 4 && (!evs[2].When.Equal(time.Date(2026, 12, 20, 18, 0, 0, 0, berlin)) || evs[2].Where != "Rathaus later") {
		t.Errorf("event = %+v", evs[2])
	}
	// A month later even the undated one is gone.
	evs, err = s.Upcoming(ctx, []string{"walsrode", "bomlitz"}, now.Add(31*24*time.Hour))
	if err != nil || len(evs) != 0 {
		t.Errorf("Upcoming a month later = %+v, %v", evs, err)
	}
}

func TestForgetChat(t *testing.T) {
	ctx := context.Background()
	prefix := redistest.Prefix(t)
	subs := newSubs(map[string][]int64{"walsrode": {1, 2, 3}})
	s := newService(t, prefix, subs, testOptions())
	done, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	r := newReplier()
	stop, _ := runWorker(t, s, r)
	waitDone(t, s, done)
	stop()
	pending, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetChat(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// The record of the finished delivery to chat 2 is gone.
	if ok, _ := s.rdb.HExists(ctx, s.resKey(done), "2").Result(); ok {
		t.Error("finished broadcast still records chat 2")
	}
	s2 := newService(t, prefix, subs, testOptions())
	runWorker(t, s2, r)
	st := waitDone(t, s2, pending)
	if st.Delivered != 2 || st.Total != 3 {
		t.Errorf("status = %+v, want 2 of 3 delivered", st)
	}
	if n := len(r.to(2)); n != 1 {
		t.Errorf("forgotten chat got %d messages in all, want only the first", n)
	}
}

func TestStartOnce(t *testing.T) {
	ctx := context.Background()
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), testOptions())
	id, n, started, err := s.StartOnce(ctx, "4711-abc", announce("walsrode"))
	if err != nil || !started || n != 2 {
		t.Fatalf("first StartOnce = %q, %d, %v, %v", id, n, started, err)
	}
	id2, n2, started2, err := s.StartOnce(ctx, "4711-abc", announce("walsrode"))
	if err != nil || started2 || id2 != id || n2 != 2 {
		t.Errorf("second StartOnce = %q, %d, %v, %v; want %q, 2, false", id2, n2, started2, err, id)
	}
	if l, _ := s.List(ctx, 10); len(l) != 1 {
		t.Errorf("%d broadcasts, want 1", len(l))
	}
	// A failed start frees the key.
	if _, _, _, err := s.StartOnce(ctx, "4711-def", handlers.Announcement{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid StartOnce = %v", err)
	}
	if _, _, started, err := s.StartOnce(ctx, "4711-def", announce("walsrode")); err != nil || !started {
		t.Errorf("StartOnce after a failure = %v, %v", started, err)
	}
}

func TestCountRecipients(t *testing.T) {
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"a": {1, 2, 3}, "b": {3, 4}}), testOptions())
	n, err := s.CountRecipients(context.Background(), []string{"a", "b", "c"})
	if err != nil || n != 4 {
		t.Errorf("CountRecipients = %d, %v; want 4", n, err)
	}
}

// Junk in the queue is acknowledged and dropped, never sent, never a panic.
func TestMalformedEntriesAreDropped(t *testing.T) {
	ctx := context.Background()
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{}), testOptions())
	if err := s.ensureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	for _, vals := range [][]any{{"x", "1"}, {"bc", "5", "chat", "nope"}, {"bc", "99", "chat", "1"}, {"bc", "99", "kind", "report"}} {
		if err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.streamKey(), Values: vals}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	r := newReplier()
	runWorker(t, s, r)
	waitFor(t, "the queue to empty", func() bool { n, _ := s.rdb.XLen(ctx, s.streamKey()).Result(); return n == 0 })
	if len(r.count()) != 0 {
		t.Errorf("sent %v", r.count())
	}
}

func TestLoadTest(t *testing.T) {
	r := newReplier()
	for c := int64(1_000_000); c < 1_000_010; c++ {
		r.fail(c, &handlers.RetryAfterError{After: 100 * time.Millisecond})
	}
	rep, err := LoadTest(context.Background(), redistest.Client(t), redistest.Prefix(t), r,
		LoadConfig{Subscribers: 300, Rate: 1000, Replicas: 2, Workers: 4, Logger: testOptions().Logger})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Delivered != 300 || rep.Duplicates != 0 || rep.Missing != 0 || rep.Seen429 != 10 || rep.Achieved <= 0 || rep.PeakHeap == 0 {
		t.Errorf("report:\n%s", rep)
	}
	if !strings.Contains(rep.String(), "429 seen 10") {
		t.Errorf("String() = %s", rep)
	}
}
