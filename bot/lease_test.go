package bot

import (
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestLeaseRenewedWhileReplyWaits: a chat whose reply waits (429s) longer than
// the lock's lease keeps its lock: the lease keeper renews it although no
// worker runs the chat, so the other replica never takes the chat over and
// the update is handled and answered once.
func TestLeaseRenewedWhileReplyWaits(t *testing.T) {
	api := fakeapi.Start(t)
	convs := [2]*echoConv{{}, {}}
	c := redistest.Client(t)
	prefix := redistest.Prefix(t)
	replicas := startReplicas(t, api, convs, Options{Redis: c, KeyPrefix: prefix, LockLease: time.Second,
		SweepInterval: 100 * time.Millisecond})
	api.RateLimitChat(9, 3, 1) // about 3 s of waiting: three leases
	u := fakeapi.TextUpdate(9, "de", "Munster")
	u.ID = 9901
	if code := postUpdate(t, replicas[0].bot, replicaSecret, u); code != 200 {
		t.Fatalf("status %d", code)
	}
	if _, err := api.WaitFunc(1, waitLong, func(r fakeapi.Request) bool { return r.ChatID == 9 && r.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the chat is done", func() bool { return c.Exists(t.Context(), prefix+":inbox:c9").Val() == 0 })
	for _, r := range replicas {
		if err := r.stop(t); err != nil {
			t.Error(err)
		}
	}
	if n := len(convs[0].handled()) + len(convs[1].handled()); n != 1 {
		t.Errorf("the update was handled %d times, want once (lock lost while the reply waited?)", n)
	}
	if got := texts(api, 9); !slices.Equal(got, []string{"echo: Munster"}) {
		t.Errorf("answers %q", got)
	}
}

// TestRedisRestartFromAOFReleasesOwnLocks: Redis dies while a chat's reply is
// on its way and comes back from its AOF with the chat's lock (a long lease)
// and the chat's next update in it. The bot does not wait for the lease: once
// Redis answers, it marks the delivered update done and gives the lock back,
// so the next update is answered at once, and the first is not answered again.
// (Before: the chat waited for the lease to run out.)
func TestRedisRestartFromAOFReleasesOwnLocks(t *testing.T) {
	rs := startRedis(t, true)
	c := redis.NewClient(&redis.Options{Addr: rs.addr(), DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	api := fakeapi.Start(t)
	api.SetLatency("sendMessage", time.Second)
	conv := &echoConv{}
	m := &countMetrics{}
	const lease = time.Minute // far longer than the test may wait
	r := startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: "aof", LockLease: lease,
		SweepInterval: 100 * time.Millisecond, Metrics: m})
	ids := api.Push(fakeapi.TextUpdate(8, "de", "eins"), fakeapi.TextUpdate(8, "de", "zwei"))
	if err := api.WaitConfirmed(ids[1]+1, waitLong); err != nil { // both in the inbox
		t.Fatal(err)
	}
	rs.kill() // while "eins" is on its way to Telegram
	if _, err := api.WaitChat("sendMessage", 8, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the bot noticed the outage", func() bool {
		return m.sum("rediserror") >= 1
	})
	rs.start() // from the AOF: the chat's lock (a minute's lease) and "zwei" are back
	start := time.Now()
	check := redis.NewClient(&redis.Options{Addr: rs.addr()})
	defer check.Close()
	if _, err := api.WaitChat("sendMessage", 8, 2, waitLong); err != nil {
		t.Fatalf("the chat's next update was not answered after Redis came back (waiting for a %s lease?): %v", lease, err)
	}
	t.Logf("answered %s after Redis came back", time.Since(start).Round(time.Millisecond))
	waitUntil(t, "the chat is done", func() bool { return check.Exists(t.Context(), "aof:inbox:c8").Val() == 0 })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if got := texts(api, 8); !slices.Equal(got, []string{"echo: eins", "echo: zwei"}) {
		t.Errorf("answers %q, want each once in order", got)
	}
	if n := len(conv.handled()); n != 2 {
		t.Errorf("handled %d updates, want 2", n)
	}
}
