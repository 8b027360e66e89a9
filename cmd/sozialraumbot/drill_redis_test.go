package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// TestDrillRedisRestart: Redis is killed (SIGKILL, no persistence) while parents
// are writing and started again empty on the same port. Place questions go on
// being answered without memory, /abo and /meinedaten say "temporarily
// unavailable", nothing is answered twice, nothing panics, and once Redis is back
// subscriptions work again without a restart of the bot.
func TestDrillRedisRestart(t *testing.T) {
	rs := startDrillRedis(t)
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(), "REDIS_URL": rs.url(), "REDIS_PREFIX": "drill"})
	places := drillPlaces(t, 8)
	const unavailable = "vorübergehend nicht verfügbar"

	// Phase 1, Redis up: parents ask and subscribe.
	const chats = 6
	pushed := map[int64]int{}
	push := func(chat int64, text string) {
		api.Push(fakeapi.TextUpdate(chat, "de", text))
		pushed[chat]++
	}
	for c := int64(1); c <= chats; c++ {
		push(c, places[c%int64(len(places))])
		push(c, "/abo")
	}
	for c := int64(1); c <= chats; c++ {
		got := waitSent(t, api, c, 2, app.log)
		if !strings.Contains(got[1], "Ankündigungen für den") {
			t.Fatalf("chat %d: /abo with Redis up answered %q", c, got[1])
		}
	}

	// Phase 2: kill Redis while place questions are coming in.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Go(func() {
		for i := range 4 {
			for c := int64(1); c <= chats; c++ {
				mu.Lock()
				push(c, places[(int(c)+i)%len(places)])
				mu.Unlock()
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	rs.kill()
	wg.Wait()
	for c := int64(1); c <= chats; c++ {
		waitSent(t, api, c, pushed[c], app.log)
	}
	// Redis is down for sure now: every place is answered from the directory alone.
	for c := int64(1); c <= chats; c++ {
		before := pushed[c]
		push(c, places[int(c)%len(places)])
		push(c, "/abo")
		push(c, "/meinedaten")
		got := waitSent(t, api, c, pushed[c], app.log)
		if p := cardPlace(got[before]); p != places[int(c)%len(places)] {
			t.Errorf("chat %d: place answered without Redis as %q, want a card for %q", c, got[before], places[int(c)%len(places)])
		}
		for _, i := range []int{before + 1, before + 2} {
			if !strings.Contains(got[i], unavailable) {
				t.Errorf("chat %d: without Redis %q", c, got[i])
			}
		}
	}
	if !strings.Contains(app.log.String(), "redis") {
		t.Error("the outage was not logged")
	}

	// Phase 3: Redis back (empty); the bot recovers by itself.
	rs.start()
	recovered := false
	chat := int64(100)
	for deadline := time.Now().Add(drillWait); !recovered && time.Now().Before(deadline); chat++ {
		push(chat, places[0])
		push(chat, "/abo")
		got := waitSent(t, api, chat, 2, app.log)
		recovered = strings.Contains(got[1], "Ankündigungen für den")
		if !recovered {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !recovered {
		t.Fatalf("subscriptions did not work again within %s of Redis coming back", drillWait)
	}
	chat--
	keys, err := rs.client().Keys(context.Background(), "drill:subs:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("subscription keys after recovery: %v %v", keys, err)
	}
	if ok, _ := rs.client().SIsMember(context.Background(), keys[0], chat).Result(); !ok {
		t.Errorf("chat %d not in %s after recovery", chat, keys[0])
	}

	// Nothing was answered twice: exactly one message per message pushed.
	for c, n := range pushed {
		if got := len(sentTexts(api, c)); got != n {
			t.Errorf("chat %d: %d messages for %d updates", c, got, n)
		}
	}
	t.Logf("recovered after %d tries; updates %d", chat-99, sum(pushed))
}

func sum(m map[int64]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}
