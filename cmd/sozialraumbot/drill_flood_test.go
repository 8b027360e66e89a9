package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// okTo counts the successful messages into chat.
func okTo(api *fakeapi.Server, chat int64) int { return len(api.Sent("sendMessage", chat)) }

// TestDrillFlood: 16 chats (as many as the bot has workers) each send 30 place
// questions at once while Telegram answers every message into them with 429,
// for as long as it takes; then a parent who writes normally asks one question.
//
// The parent is answered while the flood is still stuck at Telegram: its chats
// wait out their retry_after without holding a worker. Once Telegram lets them
// write again, each flooding chat gets the answer to its first question, one
// note that 20 were skipped, and the answers to its newest 9 (at most 10 wait
// per chat), in order: nothing is lost to the 429s.
// (Before: every worker slept through retry_afters, the parent waited for the
// flood to drain, 40 s in the audit, and each flood reply was dropped after
// five 429s.)
func TestDrillFlood(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	prefix := redistest.Prefix(t)
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(), "REDIS_URL": redistest.URL(t),
		"REDIS_PREFIX": prefix})
	const (
		floods, perFlood = 16, 30
		parent           = int64(100)
	)
	places := drillPlaces(t, perFlood+1)
	for c := int64(1); c <= floods; c++ {
		api.RateLimitChat(c, -1, 1)
	}
	var last int64
	for i := range perFlood {
		for c := int64(1); c <= floods; c++ {
			last = api.Push(fakeapi.TextUpdate(c, "de", places[i]))[0]
		}
	}
	if err := api.WaitConfirmed(last+1, drillWait); err != nil { // the whole flood is queued
		t.Fatal(err)
	}
	for c := int64(1); c <= floods; c++ { // and every flooding chat is stuck at Telegram
		if _, err := api.WaitFunc(1, drillWait, func(r fakeapi.Request) bool {
			return r.ChatID == c && r.Status == http.StatusTooManyRequests
		}); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	api.Push(fakeapi.TextUpdate(parent, "de", places[perFlood]))
	got := waitSent(t, api, parent, 1, app.log)
	latency := time.Since(start)
	if p := cardPlace(got[0]); p != places[perFlood] {
		t.Errorf("the parent got %q", got[0])
	}
	attempts := 0
	for c := int64(1); c <= floods; c++ {
		if n := okTo(api, c); n != 0 {
			t.Errorf("flooding chat %d got %d messages through although Telegram refuses them", c, n)
		}
		attempts += len(api.ChatRequests(c))
	}
	t.Logf("the parent was answered %s after asking, while %d chats flooded (%d refused attempts so far)",
		latency.Round(time.Millisecond), floods, attempts)

	api.ClearFaults() // Telegram lets the flooding chats write again
	for c := int64(1); c <= floods; c++ {
		got := waitSent(t, api, c, 11, app.log)
		if len(got) != 11 {
			t.Errorf("chat %d: %d messages, want 11", c, len(got))
			continue
		}
		want := append([]string{places[0], ""}, places[perFlood-9:perFlood]...)
		for i, w := range want {
			switch {
			case i == 1:
				if !strings.Contains(got[i], "übersprungen") || !strings.Contains(got[i], "20") {
					t.Errorf("chat %d: message %d is %q, want the note that 20 were skipped", c, i, got[i])
				}
			case cardPlace(got[i]) != w:
				t.Errorf("chat %d: message %d is %q, want the card for %s", c, i, got[i], w)
			}
		}
	}
	rdb := redistest.Client(t)
	deadline := time.Now().Add(drillWait)
	for rdb.Exists(context.Background(), prefix+":inbox:pending").Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("inboxes left: %v", rdb.SMembers(context.Background(), prefix+":inbox:pending").Val())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDrill429Window: for ten seconds Telegram answers every message with 429
// (retry_after 2 s) while parents write; then it lets them through. Every
// question is answered exactly once, in order: waiting out 429s is not a failed
// attempt, and no reply is dropped for it.
// (Before: a reply that met 429 five times, about 8 s, was dropped, after its
// update had been confirmed to Telegram.)
func TestDrill429Window(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(), "REDIS_URL": redistest.URL(t),
		"REDIS_PREFIX": redistest.Prefix(t)})
	const chats, each = 8, 3
	places := drillPlaces(t, chats*each)
	api.FailNext("sendMessage", -1, http.StatusTooManyRequests, 2)
	want := map[int64][]string{}
	for i := range each {
		for c := int64(1); c <= chats; c++ {
			p := places[int(c-1)*each+i]
			api.Push(fakeapi.TextUpdate(c, "de", p))
			want[c] = append(want[c], p)
		}
	}
	time.Sleep(10 * time.Second) // the window: this is the fault, not a synchronisation
	api.ClearFaults()
	refused := 0
	for _, r := range api.Requests("sendMessage") {
		if r.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	lost := 0
	for c := int64(1); c <= chats; c++ {
		got := waitSent(t, api, c, each, app.log)
		var places []string
		for _, txt := range got {
			places = append(places, cardPlace(txt))
		}
		if strings.Join(places, "|") != strings.Join(want[c], "|") {
			t.Errorf("chat %d answered %q, want %q (once each, in order)", c, places, want[c])
		}
		lost += max(0, each-len(got))
	}
	if refused < chats {
		t.Errorf("only %d requests met the 429 window", refused)
	}
	t.Logf("429 window of 10 s: %d requests refused, %d of %d questions answered, lost %d", refused,
		chats*each-lost, chats*each, lost)
}
