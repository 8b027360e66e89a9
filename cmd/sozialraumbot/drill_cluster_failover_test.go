package main

import (
	"context"
	"crypto/rand"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestDrillClusterFailover: the cluster master that holds the bot's hash tag
// is SIGKILLed while parents write (each waits for its answer before writing
// again, as people do). Its replica takes over; the bot answers without memory
// meanwhile and follows the failover by itself. Nothing is lost or answered
// twice, and the subscriptions written before the crash survive: the test makes
// the replica acknowledge them first (WAIT), which is what Redis' asynchronous
// replication guarantees and no more.
func TestDrillClusterFailover(t *testing.T) {
	cl := redistest.StartCluster(t, 3, 1, "--cluster-node-timeout", "1000")
	ctx := context.Background()
	prefix := "failover-" + strings.ToLower(rand.Text()[:8])
	keys := "{" + prefix + "}"
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillAppWith(t, map[string]string{"TELEGRAM_API_URL": api.URL(),
		"REDIS_CLUSTER_ADDRS": strings.Join(cl.Addrs, ","), "REDIS_PREFIX": prefix, "LOG_LEVEL": "info"},
		appOptions{chatPace: bot.NoChatPace})
	const unavailable = "vorübergehend nicht verfügbar"
	const chats, probe = 10, int64(999)
	places := drillPlaces(t, chats)

	// Phase 1: parents ask for a place and subscribe; the probe chat too.
	for c := int64(1); c <= chats; c++ {
		api.Push(fakeapi.TextUpdate(c, "de", places[c-1]), fakeapi.TextUpdate(c, "de", "/abo"))
	}
	api.Push(fakeapi.TextUpdate(probe, "de", places[0]))
	for c := int64(1); c <= chats; c++ {
		if got := waitSent(t, api, c, 2, app.log); !strings.Contains(got[1], "Ankündigungen für den") {
			t.Fatalf("chat %d: /abo answered %q", c, got[1])
		}
	}
	waitSent(t, api, probe, 1, app.log)
	cc := cl.Client(t)
	master, err := cc.MasterForKey(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	old := master.Options().Addr
	slot, err := cc.ClusterKeySlot(ctx, keys).Result()
	if err != nil {
		t.Fatal(err)
	}
	survivor := cl.Addrs[0]
	if survivor == old {
		survivor = cl.Addrs[1]
	}
	if n, err := master.Wait(ctx, 1, drillWait).Result(); err != nil || n < 1 {
		t.Fatalf("WAIT for the replica: %d, %v", n, err)
	}

	// Phase 2: parents write in a closed loop; the master dies meanwhile.
	var stop atomic.Bool
	pushed := make([]int, chats+1)
	var wg sync.WaitGroup
	for c := int64(1); c <= chats; c++ {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				api.Push(fakeapi.TextUpdate(c, "de", places[(int(c)+i)%len(places)]))
				pushed[c]++
				if _, err := api.WaitFunc(2+pushed[c], drillWait, func(r fakeapi.Request) bool {
					return r.Method == "sendMessage" && r.ChatID == c && r.Status == http.StatusOK
				}); err != nil {
					t.Errorf("chat %d: update %d not answered: %v", c, pushed[c], err)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	time.Sleep(500 * time.Millisecond) // normal traffic before the crash
	before := 0
	for c := int64(1); c <= chats; c++ {
		before += len(api.Sent("sendMessage", c))
	}
	killed := time.Now()
	cl.Kill(t, old)

	// The probe chat asks /meinedaten until the answer comes from Redis again.
	var promoted, normal time.Duration
	var promotedTo string
	watch := redis.NewClient(&redis.Options{Addr: survivor, MaxRetries: -1})
	defer watch.Close()
	probes, unavailableAnswers := 0, 0
	for normal == 0 {
		if time.Since(killed) > drillWait {
			t.Fatalf("no normal answer %s after the crash; logs:\n%s", drillWait, app.log)
		}
		if promoted == 0 {
			if to := slotMaster(ctx, watch, slot); to != "" && to != old {
				promoted, promotedTo = time.Since(killed), to
			}
		}
		probes++
		api.Push(fakeapi.TextUpdate(probe, "de", "/meinedaten"))
		got := waitSent(t, api, probe, 1+probes, app.log)[probes]
		if strings.Contains(got, unavailable) {
			unavailableAnswers++
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if !strings.Contains(got, "Ort: "+places[0]) {
			t.Fatalf("/meinedaten after the failover: %q", got)
		}
		normal = time.Since(killed)
	}
	for promoted == 0 { // the promotion was not seen before the bot's recovery
		if to := slotMaster(ctx, watch, slot); to != "" && to != old {
			promoted, promotedTo = time.Since(killed), to
		} else if time.Since(killed) > drillWait {
			t.Fatalf("the bot's slot has no new master %s after the crash", drillWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // normal traffic after
	stop.Store(true)
	wg.Wait()

	// Every update answered once; the subscriptions are on the new master.
	updates, answered, lost, dups := 0, 0, 0, 0
	for c := int64(1); c <= chats; c++ {
		got := len(api.Sent("sendMessage", c))
		answered += got
		want := 2 + pushed[c]
		updates += want
		switch {
		case got < want:
			lost += want - got
		case got > want:
			dups += got - want
		}
	}
	if lost != 0 || dups != 0 {
		t.Errorf("%d answers lost, %d duplicates", lost, dups)
	}
	after := cl.Client(t) // a new client: it learns the new master
	missing := 0
	for c := int64(1); c <= chats; c++ {
		ok, err := after.Exists(ctx, keys+":chat:"+strconv.FormatInt(c, 10)+":subs").Result()
		if err != nil || ok != 1 {
			missing++
		}
	}
	if missing != 0 {
		t.Errorf("%d of %d subscriptions lost in the failover", missing, chats)
	}
	if !strings.Contains(app.log.String(), "redis available again") {
		t.Error("the bot did not log its recovery")
	}
	t.Logf("failover: master %s SIGKILLed after %d answers; replica %s promoted after %s; the bot answered from Redis again after %s "+
		"(%d probe answers without memory meanwhile); parents: %d updates, %d answered, %d lost, %d duplicates; subscriptions lost: %d of %d",
		old, before, promotedTo, promoted.Round(time.Millisecond), normal.Round(time.Millisecond), unavailableAnswers,
		updates, answered, lost, dups, missing, chats)
}

// slotMaster is host:port of the online master serving slot, as the node
// behind c sees it (CLUSTER SHARDS); "" when there is none.
func slotMaster(ctx context.Context, c *redis.Client, slot int64) string {
	shards, err := c.ClusterShards(ctx).Result()
	if err != nil {
		return ""
	}
	for _, sh := range shards {
		for _, r := range sh.Slots {
			if int64(r.Start) > slot || int64(r.End) < slot {
				continue
			}
			for _, n := range sh.Nodes {
				if n.Role == "master" && n.Health == "online" {
					return net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10))
				}
			}
		}
	}
	return ""
}
