package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// TestDemotedRedisCountsAsDown: the Redis the bot talks to is made a replica
// while a chat holds its lock (a failed-over master behind a DNS name or a
// virtual IP, as managed Redis services do it). It still answers PING but
// refuses every write (READONLY): the lock renewal fails, and the bot must
// treat Redis as down – one outage, answering without it – until it accepts
// writes again, not call it "available again" at the next probe because PING
// works and then fail at the next write.
func TestDemotedRedisCountsAsDown(t *testing.T) {
	rs, other := startRedis(t, false), startRedis(t, false)
	c := redis.NewClient(&redis.Options{Addr: rs.addr(), DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	admin := redis.NewClient(&redis.Options{Addr: rs.addr()})
	t.Cleanup(func() { admin.Close() })
	api := fakeapi.Start(t)
	conv := &echoConv{holdOn: "hold", hold: make(chan struct{})}
	r := startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: "demoted",
		LockLease: 1500 * time.Millisecond, SweepInterval: 100 * time.Millisecond})
	ctx := context.Background()
	waitLog := func(s string) {
		t.Helper()
		for deadline := time.Now().Add(waitLong); !strings.Contains(r.logs.String(), s); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%q not logged; logs:\n%s", s, r.logs.String())
			}
		}
	}

	api.Push(fakeapi.TextUpdate(1, "de", "a1"))
	api.Push(fakeapi.TextUpdate(1, "de", "hold")) // holds chat 1's lock until released
	if _, err := api.WaitChat("sendMessage", 1, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	for conv.running.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := admin.ReplicaOf(ctx, "127.0.0.1", strconv.Itoa(other.port)).Err(); err != nil {
		t.Fatal(err)
	}
	waitLog("redis unavailable") // the renewal (every 500 ms) met READONLY
	time.Sleep(time.Second)      // five probes
	if strings.Contains(r.logs.String(), "redis available again") {
		t.Errorf("a Redis that refuses writes was taken as available again:\n%s", r.logs.String())
	}
	close(conv.hold)
	for i := range 3 {
		api.Push(fakeapi.TextUpdate(1, "de", "b"+strconv.Itoa(i)))
	}
	if _, err := api.WaitChat("sendMessage", 1, 5, waitLong); err != nil {
		t.Fatalf("not answered while Redis refuses writes: %v\n%s", err, r.logs.String())
	}

	if err := admin.ReplicaOf(ctx, "NO", "ONE").Err(); err != nil { // writable again
		t.Fatal(err)
	}
	waitLog("redis available again")
	api.Push(fakeapi.TextUpdate(1, "de", "c1"))
	if _, err := api.WaitChat("sendMessage", 1, 6, waitLong); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(r.logs.String(), "redis unavailable"); n != 1 {
		t.Errorf("the demotion logged as an outage %d times, want once:\n%s", n, r.logs.String())
	}
	if got := texts(api, 1); strings.Join(got, ",") != "echo: a1,echo: hold,echo: b0,echo: b1,echo: b2,echo: c1" {
		t.Errorf("answers %q", got)
	}
}
