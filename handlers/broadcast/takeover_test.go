package broadcast

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// blockingReplier holds every Send until released: a request on its way to a
// Telegram that does not answer (yet), or in flight when the process dies.
type blockingReplier struct {
	mu       sync.Mutex
	inFlight []int64
	changed  chan struct{}
	release  chan struct{}
	once     sync.Once
}

func newBlocking() *blockingReplier {
	return &blockingReplier{changed: make(chan struct{}, 100), release: make(chan struct{})}
}

func (b *blockingReplier) Send(_ context.Context, chat int64, _ handlers.Message) error {
	b.mu.Lock()
	b.inFlight = append(b.inFlight, chat)
	b.mu.Unlock()
	b.changed <- struct{}{}
	<-b.release
	return nil
}

func (b *blockingReplier) open() { b.once.Do(func() { close(b.release) }) }

// waitInFlight waits until n sends are held.
func (b *blockingReplier) waitInFlight(t *testing.T, n int) []int64 {
	t.Helper()
	deadline := time.After(wait)
	for {
		b.mu.Lock()
		got := append([]int64(nil), b.inFlight...)
		b.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-b.changed:
		case <-deadline:
			t.Fatalf("%d sends in flight, want %d", len(got), n)
		}
	}
}

// A worker waiting for Telegram's answer longer than ClaimIdle keeps its
// recipient: its lock is short (three quarters of ClaimIdle) but renewed, its
// stream entry never goes idle, and a second worker running meanwhile sends
// nothing. (Before, the lock lived 30 s and was not renewed during the send.)
func TestSlowSendKeepsItsRecipient(t *testing.T) {
	ctx := context.Background()
	prefix := redistest.Prefix(t)
	subs := newSubs(map[string][]int64{"walsrode": {1}})
	o := testOptions()
	// Long enough that the renewals (every 300 ms) keep up on a loaded machine
	// running the whole suite with -race.
	o.ClaimIdle, o.Workers, o.SendTimeout = 1200*time.Millisecond, 1, 10*time.Second
	a := newService(t, prefix, subs, o)
	ra := newBlocking()
	runWorker(t, a, textSender(ra.Send))
	t.Cleanup(ra.open) // runs before the worker's stop
	id, _, err := a.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	ra.waitInFlight(t, 1)
	b := newService(t, prefix, subs, o)
	rb := newReplier()
	runWorker(t, b, rb)

	lockKey := a.lockKey(id, "1")
	for range 36 { // 3.6 s: three times ClaimIdle
		time.Sleep(100 * time.Millisecond)
		if ttl := a.rdb.PTTL(ctx, lockKey).Val(); ttl <= 0 || ttl > o.ClaimIdle {
			t.Fatalf("recipient lock TTL %v, want renewed within (0, ClaimIdle %v]", ttl, o.ClaimIdle)
		}
		pend, err := a.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: a.streamKey(), Group: group, Start: "-", End: "+", Count: 10}).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pend {
			if p.Idle >= o.ClaimIdle {
				t.Fatalf("entry %s idle %v while its worker is alive (ClaimIdle %v)", p.ID, p.Idle, o.ClaimIdle)
			}
		}
	}
	if n := len(rb.to(1)); n != 0 {
		t.Fatalf("the second worker sent %d messages to a recipient in flight", n)
	}
	ra.open()
	if st := waitDone(t, a, id); st.Delivered != 1 {
		t.Errorf("status %+v", st)
	}
	if n := len(rb.to(1)); n != 0 {
		t.Errorf("recipient got %d extra messages", n)
	}
}

// A worker dies with sends in flight (its Redis connection is gone, so neither
// outcome nor renewal is written): another worker takes its deliveries over
// after ClaimIdle, not after a 30 s lease; every recipient gets the message, and
// the only duplicates are the sends that were in flight (at most Workers).
func TestDeadWorkersDeliveriesTakenOverAfterClaimIdle(t *testing.T) {
	ctx := context.Background()
	prefix := redistest.Prefix(t)
	subs := newSubs(map[string][]int64{"walsrode": chats(1, 12)})
	o := testOptions()
	o.ClaimIdle, o.Workers, o.SendTimeout, o.PerChatInterval = time.Second, 4, 15*time.Second, 10*time.Millisecond
	a := newService(t, prefix, subs, o)
	ra := newBlocking()
	_, doneA := runWorker(t, a, textSender(ra.Send))
	t.Cleanup(ra.open)
	id, _, err := a.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	inFlight := ra.waitInFlight(t, o.Workers)
	_ = a.rdb.Close() // the process dies: nothing more reaches Redis from it
	crashed := time.Now()

	b := newService(t, prefix, subs, o)
	rb := newReplier()
	runWorker(t, b, rb)
	var st handlers.BroadcastStatus
	deadline := crashed.Add(10 * o.ClaimIdle) // before: at least the 30 s lease
	for !st.Done {
		if time.Now().After(deadline) {
			t.Fatalf("not taken over within %v of the crash (ClaimIdle %v): %+v", 10*o.ClaimIdle, o.ClaimIdle, st)
		}
		time.Sleep(20 * time.Millisecond)
		if st, err = b.Status(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("crash with %d sends in flight: all %d delivered %v after the crash (ClaimIdle %v)",
		len(inFlight), st.Delivered, time.Since(crashed).Round(10*time.Millisecond), o.ClaimIdle)
	if st.Delivered != 12 {
		t.Errorf("status %+v", st)
	}
	dup := 0
	got := rb.count()
	for _, c := range chats(1, 12) {
		if got[c] != 1 {
			t.Errorf("chat %d got %d messages from the surviving worker, want 1", c, got[c])
		}
	}
	for _, c := range inFlight {
		if got[c] > 0 {
			dup++
		}
	}
	if dup > o.Workers {
		t.Errorf("%d duplicates, more than the %d sends in flight", dup, o.Workers)
	}
	waitFor(t, "the report", func() bool { return len(rb.to(sender)) == 1 })
	ra.open()
	select {
	case <-doneA:
	case <-time.After(wait):
		t.Error("the dead worker's Run did not return")
	}
}
