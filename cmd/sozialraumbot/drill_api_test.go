package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestDrillAPIFaults: while parents write, the Bot API answers sendMessage with
// bursts of 500, 502, dropped connections (a timeout as the client sees it) and
// 429 with retry_after. Every update is answered exactly once (each reply is sent
// again only after a failed attempt, and the fake drops failed attempts), and
// each chat's answers come in the order its messages were written.
func TestDrillAPIFaults(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": redistest.Prefix(t)})
	places := drillPlaces(t, 12)

	bursts := []struct {
		name       string
		method     string
		n, status  int
		retryAfter int
	}{
		{"500", "sendMessage", 3, http.StatusInternalServerError, 0},
		{"502", "sendMessage", 3, http.StatusBadGateway, 0},
		{"dropped connection", "", 2, 0, 0},
		{"429 retry_after=1", "sendMessage", 2, http.StatusTooManyRequests, 1},
		{"mixed: 503 then 429", "sendMessage", 1, http.StatusServiceUnavailable, 0},
	}
	const chats, perWave = 8, 3
	want := map[int64][]string{}
	for i, b := range bursts {
		api.FailNext(b.method, b.n, b.status, b.retryAfter)
		if i == len(bursts)-1 {
			api.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
		}
		for m := range perWave {
			for c := int64(1); c <= chats; c++ {
				p := places[(int(c)*perWave+m+i)%len(places)]
				api.Push(fakeapi.TextUpdate(c, "de", p))
				want[c] = append(want[c], p)
			}
		}
		for c := int64(1); c <= chats; c++ {
			waitSent(t, api, c, len(want[c]), app.log)
		}
		t.Logf("burst %s: answered", b.name)
	}

	// Every fault was really served.
	statuses := map[int]int{}
	for _, r := range api.Requests("") {
		statuses[r.Status]++
	}
	for _, s := range []int{500, 502, 503, 429, 0} {
		if statuses[s] == 0 {
			t.Errorf("no request was answered with status %d: %v", s, statuses)
		}
	}
	// Exactly once, in order.
	for c := int64(1); c <= chats; c++ {
		var got []string
		for _, txt := range sentTexts(api, c) {
			got = append(got, cardPlace(txt))
		}
		if strings.Join(got, "|") != strings.Join(want[c], "|") {
			t.Errorf("chat %d answered\n  %q\nwant (once each, in order)\n  %q", c, got, want[c])
		}
	}
	t.Logf("statuses served: %v", statuses)
}
