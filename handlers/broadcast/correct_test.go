package broadcast_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/ical"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// A flyer with a calendar file to 1,000 recipients is corrected (new caption,
// new date: the calendar file is replaced) and then recalled. Every delivered
// message is edited exactly once (editMessageCaption, editMessageMedia) and
// deleted exactly once (deleteMessage), each with the message id Telegram gave
// it; two messages a parent had deleted already are reported as not deleted.
func TestCorrectAndRecall1000(t *testing.T) {
	ctx := context.Background()
	const n = 1000
	loc := berlin(t)
	clk := handlerstest.NewClock(time.Date(2027, 1, 5, 10, 0, 0, 0, loc))
	api := fakeapi.Start(t)
	var chats []int64
	for i := range int64(n) {
		chats = append(chats, 10_000+i)
	}
	s := &subs{chats: chats, unsub: make(chan int64, n)}
	prefix := redistest.Prefix(t)
	opts := fastOpts()
	opts.Rate, opts.Workers, opts.Now = 2000, 8, clk.Now
	a := broadcast.New(redistest.Client(t), prefix, s, opts)
	b := broadcast.New(redistest.Client(t), prefix, s, opts)
	startWorkers(t, sender(t, api), a, b)

	ann := func(caption string, when time.Time) handlers.Announcement {
		var b []byte
		if !when.IsZero() {
			var err error
			if b, err = ical.Make(ical.Event{UID: "srb-1@x", Summary: caption, Start: when, Stamp: clk.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		return handlers.Announcement{Districts: []string{"walsrode"}, Text: caption, When: when,
			Media:      &handlers.Media{Kind: handlers.MediaPhoto, FileID: "AgACflyer"},
			Renditions: map[string]handlers.Rendition{"de": {HTML: caption, ICS: b, ICSName: "termin.ics", ICSCaption: "📅"}},
			SenderChat: staffChat}
	}
	id, _, err := a.Start(ctx, ann("Elterncafé am 14.", time.Date(2027, 1, 14, 15, 0, 0, 0, loc)))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "delivery", func() bool { return len(api.Requests("sendDocument")) >= n })
	waitReport(t, api)
	photoID := map[int64]int{}
	docID := map[int64]int{}
	for _, r := range api.Requests("sendPhoto") {
		m, _ := r.Message()
		photoID[r.ChatID] = m.MessageID
	}
	for _, r := range api.Requests("sendDocument") {
		m, _ := r.Message()
		docID[r.ChatID] = m.MessageID
	}
	if len(photoID) != n || len(docID) != n {
		t.Fatalf("%d photos, %d calendar files", len(photoID), len(docID))
	}
	if _, _, err := a.Correct(ctx, "999", ann("x", time.Time{})); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("correcting an unknown broadcast: %v", err)
	}

	// The correction.
	api.Reset()
	job, k, err := a.Correct(ctx, id, ann("Elterncafé am 15. (neuer Termin)", time.Date(2027, 1, 15, 15, 0, 0, 0, loc)))
	if err != nil || k != n {
		t.Fatalf("Correct = %s, %d, %v", job, k, err)
	}
	report := waitReport(t, api)
	if !strings.Contains(report.Params["text"], "Geändert: 1000 von 1000") {
		t.Errorf("correction report %q", report.Params["text"])
	}
	counted := map[string]map[int64]int{}
	for _, r := range api.Requests("") {
		if r.ChatID == staffChat {
			continue
		}
		if counted[r.Method] == nil {
			counted[r.Method] = map[int64]int{}
		}
		counted[r.Method][r.ChatID]++
		mid, _ := strconv.Atoi(r.Params["message_id"])
		switch r.Method {
		case "editMessageCaption":
			if mid != photoID[r.ChatID] || r.Params["caption"] != "Elterncafé am 15. (neuer Termin)" || r.Status != http.StatusOK {
				t.Fatalf("edit %v -> %d", r.Params, r.Status)
			}
		case "editMessageMedia":
			if mid != docID[r.ChatID] || r.Status != http.StatusOK || !strings.Contains(string(r.Files["termin.ics"]), "DTSTART:20270115T140000Z") {
				t.Fatalf("calendar file not replaced: %v %d", r.Params, r.Status)
			}
		default:
			t.Fatalf("unexpected %s during the correction", r.Method)
		}
	}
	for _, m := range []string{"editMessageCaption", "editMessageMedia"} {
		if len(counted[m]) != n {
			t.Errorf("%s reached %d chats, want %d", m, len(counted[m]), n)
		}
		for c, k := range counted[m] {
			if k != 1 {
				t.Errorf("%s %d times in chat %d", m, k, c)
			}
		}
	}
	ev, _ := a.Upcoming(ctx, []string{"walsrode"}, clk.Now())
	if len(ev) != 1 || ev[0].Text != "Elterncafé am 15. (neuer Termin)" || ev[0].When.Day() != 15 {
		t.Errorf("/termine after the correction: %+v", ev)
	}

	// Two parents deleted the flyer themselves; then the recall.
	bot := sender(t, api)
	for _, c := range chats[:2] {
		if err := bot.DeleteMessage(ctx, c, photoID[c]); err != nil {
			t.Fatal(err)
		}
	}
	api.Reset()
	clk.Set(clk.Now().Add(47 * time.Hour)) // still within Telegram's 48 hours
	job, k, err = a.Recall(ctx, id, staffChat)
	if err != nil || k != n {
		t.Fatalf("Recall = %s, %d, %v", job, k, err)
	}
	report = waitReport(t, api)
	if !strings.Contains(report.Params["text"], "Gelöscht: in 998 von 1000") || !strings.Contains(report.Params["text"], "Nicht gelöscht: 2") {
		t.Errorf("recall report %q", report.Params["text"])
	}
	deleted := map[int64]map[int]int{}
	calls, failed := 0, 0
	for _, r := range api.Requests("deleteMessage") {
		calls++
		if r.Status != http.StatusOK {
			failed++
		}
		mid, _ := strconv.Atoi(r.Params["message_id"])
		if deleted[r.ChatID] == nil {
			deleted[r.ChatID] = map[int]int{}
		}
		deleted[r.ChatID][mid]++
	}
	if calls != 2*n || failed != 2 {
		t.Errorf("%d deleteMessage calls (%d failed), want %d (2 failed)", calls, failed, 2*n)
	}
	for _, c := range chats {
		if deleted[c][photoID[c]] != 1 || deleted[c][docID[c]] != 1 {
			t.Errorf("chat %d: deletes %v, want photo %d and file %d once", c, deleted[c], photoID[c], docID[c])
			break
		}
	}
	if ev, _ := a.Upcoming(ctx, []string{"walsrode"}, clk.Now()); len(ev) != 0 {
		t.Errorf("a recalled event is still listed: %+v", ev)
	}
	if _, _, err := a.Recall(ctx, id, staffChat); !errors.Is(err, broadcast.ErrRecalled) {
		t.Errorf("second recall: %v", err)
	}
	if _, _, err := a.Correct(ctx, id, ann("y", time.Time{})); !errors.Is(err, broadcast.ErrRecalled) {
		t.Errorf("correcting a recalled broadcast: %v", err)
	}
}

// After Telegram's 48 hours nothing is deleted: the recall says so for every
// recipient without calling deleteMessage. A running broadcast is not recalled.
func TestRecallAfter48Hours(t *testing.T) {
	ctx := context.Background()
	clk := handlerstest.NewClock(time.Date(2027, 1, 5, 10, 0, 0, 0, berlin(t)))
	api := fakeapi.Start(t)
	s := &subs{chats: []int64{1, 2, 3}, unsub: make(chan int64, 3)}
	opts := fastOpts()
	opts.Now = clk.Now
	a := broadcast.New(redistest.Client(t), redistest.Prefix(t), s, opts)
	id, _, err := a.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"}, HTML: "Flohmarkt", SenderChat: staffChat})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Recall(ctx, id, staffChat); !errors.Is(err, broadcast.ErrRunning) {
		t.Errorf("recalling a running broadcast: %v", err)
	}
	startWorkers(t, sender(t, api), a)
	waitReport(t, api)
	api.Reset()
	clk.Set(clk.Now().Add(48*time.Hour + time.Minute))
	if _, _, err := a.Recall(ctx, id, staffChat); err != nil {
		t.Fatal(err)
	}
	report := waitReport(t, api)
	if !strings.Contains(report.Params["text"], "Gelöscht: in 0 von 3") || !strings.Contains(report.Params["text"], "Nicht gelöscht: 3 (älter als 48 Stunden") {
		t.Errorf("report %q", report.Params["text"])
	}
	if n := len(api.Requests("deleteMessage")); n != 0 {
		t.Errorf("%d deleteMessage calls after 48 hours", n)
	}
}
