package rueckruf_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
	"github.com/heidekreis/sozialraumbot/handlers/rueckruf"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func limits() handlers.CallbackLimits {
	return handlers.CallbackLimits{DailyCap: 3, Day: "2026-12-01", MaxAge: 30 * 24 * time.Hour}
}

func request(chat int64, district string) handlers.CallbackRequest {
	return handlers.CallbackRequest{District: district, ChatID: chat, Lang: "de", Name: "Erika",
		Phone: "+4915123456789", Topic: "childcare", Slot: handlers.SlotMorning, Note: "kurz", Created: t0}
}

func newDesk(t *testing.T) (*rueckruf.Desk, context.Context) {
	t.Helper()
	return rueckruf.New(redistest.Client(t), redistest.Prefix(t)), context.Background()
}

// TestCreateLimits: one live request per chat and district, and a daily cap.
func TestCreateLimits(t *testing.T) {
	d, ctx := newDesk(t)
	first, err := d.Create(ctx, request(7, "walsrode"), limits(), t0)
	if err != nil || first.ID == "" || first.Status != handlers.CallbackOpen {
		t.Fatalf("Create = %+v, %v", first, err)
	}
	again, err := d.Create(ctx, request(7, "walsrode"), limits(), t0)
	if !errors.Is(err, handlers.ErrCallbackOpen) || again.ID != first.ID {
		t.Fatalf("second request for the district: %+v, %v; want ErrCallbackOpen with #%s", again, err, first.ID)
	}
	// Another district is fine, then the cap (3 a day) is reached.
	if _, err := d.Create(ctx, request(7, "munster-bispingen"), limits(), t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Close(ctx, first.ID, handlers.CallbackDone, 5, "Anna", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create(ctx, request(7, "walsrode"), limits(), t0); err != nil {
		t.Fatalf("after the first was closed: %v", err)
	}
	if _, err := d.Create(ctx, request(7, "soltau-wietzendorf"), limits(), t0); !errors.Is(err, handlers.ErrCallbackLimit) {
		t.Fatalf("fourth request of the day: %v, want ErrCallbackLimit", err)
	}
	next := limits()
	next.Day = "2026-12-02"
	if _, err := d.Create(ctx, request(7, "soltau-wietzendorf"), next, t0); err != nil {
		t.Fatalf("the next day: %v", err)
	}
}

// TestConcurrentCreatesOfOneChat: the checks and the write are one step.
func TestConcurrentCreatesOfOneChat(t *testing.T) {
	d, ctx := newDesk(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Go(func() {
			if _, err := d.Create(ctx, request(8, "walsrode"), limits(), t0); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, handlers.ErrCallbackOpen) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d of 8 concurrent creates succeeded, want exactly 1", ok)
	}
}

// TestClaimExactlyOnce: many team members press "Übernehmen" at once on
// separate connections; exactly one wins, everyone else learns who.
func TestClaimExactlyOnce(t *testing.T) {
	pfx := redistest.Prefix(t)
	ctx := context.Background()
	r, err := rueckruf.New(redistest.Client(t), pfx).Create(ctx, request(9, "walsrode"), limits(), t0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	results := make([]string, n)
	var winners []int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		desk := rueckruf.New(redistest.Client(t), pfx) // a replica of its own
		wg.Go(func() {
			<-start
			got, res, err := desk.Claim(ctx, r.ID, int64(100+i), "Member", t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = res
			if res == handlers.ClaimWon {
				mu.Lock()
				winners = append(winners, got.TakenBy)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d winners %v, want exactly 1 (results %v)", len(winners), winners, results)
	}
	for i, res := range results {
		if res != handlers.ClaimWon && res != handlers.ClaimTaken {
			t.Errorf("member %d: %q", i, res)
		}
	}
	got, err := rueckruf.New(redistest.Client(t), pfx).Get(ctx, r.ID)
	if err != nil || got.Status != handlers.CallbackTaken || got.TakenBy != winners[0] {
		t.Fatalf("stored %+v, %v; want taken by %d", got, err, winners[0])
	}
}

// TestDeleteKeepsOnlyWhatScrubbingNeeds: a deleted request holds no personal
// data, only the team messages to scrub; it is gone with the last one.
func TestDeleteKeepsOnlyWhatScrubbingNeeds(t *testing.T) {
	d, ctx := newDesk(t)
	r, err := d.Create(ctx, request(10, "walsrode"), limits(), t0)
	if err != nil {
		t.Fatal(err)
	}
	m1, m2 := handlers.TeamMessage{ChatID: -100, MessageID: 5}, handlers.TeamMessage{ChatID: 501, MessageID: 9}
	for _, m := range []handlers.TeamMessage{m1, m2, m1} {
		if err := d.AddMessage(ctx, r.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	old, deleted, err := d.Delete(ctx, r.ID, handlers.CallbackWithdrawn)
	if err != nil || !deleted || old.Phone != "+4915123456789" {
		t.Fatalf("Delete = %+v, %v, %v", old, deleted, err)
	}
	got, err := d.Get(ctx, r.ID)
	if err != nil || got.Status != handlers.CallbackDeleted || got.Outcome != handlers.CallbackWithdrawn ||
		len(got.Messages) != 2 || got.ChatID != 0 || got.Name != "" || got.Phone != "" || got.Note != "" {
		t.Fatalf("after Delete: %+v, %v", got, err)
	}
	if _, again, _ := d.Delete(ctx, r.ID, handlers.CallbackExpired); again {
		t.Error("deleted twice")
	}
	if reqs, _ := d.ChatRequests(ctx, 10); len(reqs) != 0 {
		t.Errorf("the chat still lists %+v", reqs)
	}
	for _, m := range []handlers.TeamMessage{m1, m2} {
		if err := d.Scrubbed(ctx, r.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Get(ctx, r.ID); !errors.Is(err, handlers.ErrNotFound) {
		t.Fatalf("after the last scrub: %v, want ErrNotFound", err)
	}
	// A team message that arrives after the request is gone is kept to be scrubbed.
	if err := d.AddMessage(ctx, r.ID, m1); err != nil {
		t.Fatal(err)
	}
	got, err = d.Get(ctx, r.ID)
	if err != nil || got.Status != handlers.CallbackDeleted || len(got.Messages) != 1 {
		t.Fatalf("late message: %+v, %v", got, err)
	}
	due, err := d.ClaimDue(ctx, t0, time.Minute, 10)
	if err != nil || !strings.Contains(strings.Join(due, ","), r.ID) {
		t.Fatalf("the late message is not due at once: %v, %v", due, err)
	}
}

// TestClaimDueLease: a due entry goes to one caller; after the lease to the next.
func TestClaimDueLease(t *testing.T) {
	d, ctx := newDesk(t)
	r, err := d.Create(ctx, request(11, "walsrode"), limits(), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := d.ClaimDue(ctx, t0, time.Minute, 10); len(ids) != 0 {
		t.Fatalf("not due yet, got %v", ids)
	}
	at := t0.Add(time.Hour)
	if ids, _ := d.ClaimDue(ctx, at, time.Minute, 10); len(ids) != 1 || ids[0] != r.ID {
		t.Fatalf("due: %v", ids)
	}
	if ids, _ := d.ClaimDue(ctx, at.Add(30*time.Second), time.Minute, 10); len(ids) != 0 {
		t.Fatalf("claimed twice within the lease: %v", ids)
	}
	if ids, _ := d.ClaimDue(ctx, at.Add(time.Minute), time.Minute, 10); len(ids) != 1 {
		t.Fatalf("not taken over after the lease: %v", ids)
	}
}

// TestMarkOnce: a reminder is marked once, and only while the request is open.
func TestMarkOnce(t *testing.T) {
	d, ctx := newDesk(t)
	r, err := d.Create(ctx, request(12, "walsrode"), limits(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Mark(ctx, r.ID, "reminded", t0); !ok || err != nil {
		t.Fatalf("first mark: %v, %v", ok, err)
	}
	if ok, _ := d.Mark(ctx, r.ID, "reminded", t0); ok {
		t.Error("marked twice")
	}
	if _, res, _ := d.Claim(ctx, r.ID, 5, "Anna", t0); res != handlers.ClaimWon {
		t.Fatal(res)
	}
	if ok, _ := d.Mark(ctx, r.ID, "escalated", t0); ok {
		t.Error("escalated a taken request")
	}
}

// TestForgetChat: ChatData lists the chat's list, its requests and its draft;
// ForgetChat erases all of it (the requests keep no personal data, only what
// scrubbing needs), and ChatData is empty afterwards.
func TestForgetChat(t *testing.T) {
	d, ctx := newDesk(t)
	rdb := redistest.Client(t)
	r, err := d.Create(ctx, request(13, "walsrode"), limits(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddMessage(ctx, r.ID, handlers.TeamMessage{ChatID: -100, MessageID: 3}); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveDraft(ctx, 13, handlers.CallbackDraft{District: "munster-bispingen", Phone: "+4915199999999"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	items, err := d.ChatData(ctx, 13)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range items {
		kinds = append(kinds, it.Kind)
	}
	if strings.Join(kinds, " ") != "callback_index callback callback_draft" || items[1].Values["phone"] != "+4915123456789" ||
		items[2].Values["phone"] != "+4915199999999" {
		t.Fatalf("ChatData %+v", items)
	}
	gone, err := d.ForgetChat(ctx, 13)
	if err != nil || len(gone) != 1 || gone[0].ID != r.ID {
		t.Fatalf("ForgetChat = %+v, %v", gone, err)
	}
	if items, err := d.ChatData(ctx, 13); err != nil || len(items) != 0 {
		t.Fatalf("after ForgetChat: %+v, %v", items, err)
	}
	for _, w := range items {
		for _, k := range w.Where {
			if rdb.Exists(ctx, k).Val() != 0 && !strings.Contains(k, ":rr:req:") {
				t.Errorf("%s left", k)
			}
		}
	}
	left, err := d.Get(ctx, r.ID)
	if err != nil || left.Status != handlers.CallbackDeleted || left.Outcome != handlers.CallbackErased ||
		left.Phone != "" || left.Name != "" || left.ChatID != 0 || len(left.Messages) != 1 {
		t.Fatalf("the request after ForgetChat: %+v, %v", left, err)
	}
}
