package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func TestDedup(t *testing.T) {
	c := redistest.Client(t)
	p := redistest.Prefix(t)
	ctx := context.Background()
	d := redisstore.NewDedup(c, p, time.Hour)
	steps := []struct {
		do   string
		want redisstore.Claim
	}{
		{"begin", redisstore.ClaimFirst},
		{"begin", redisstore.ClaimRunning},
		{"done", 0},
		{"begin", redisstore.ClaimDone},
		{"begin", redisstore.ClaimDone},
	}
	for i, s := range steps {
		switch s.do {
		case "begin":
			got, err := d.Begin(ctx, 77)
			if err != nil || got != s.want {
				t.Errorf("step %d: Begin = %v, %v; want %v", i, got, err, s.want)
			}
		case "done":
			if err := d.Done(ctx, 77); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ttl := c.TTL(ctx, p+":seen:77").Val(); ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("TTL = %v", ttl)
	}
	if got, _ := d.Begin(ctx, 78); got != redisstore.ClaimFirst {
		t.Errorf("other id: %v", got)
	}
}

func TestDedupConcurrentBeginOnce(t *testing.T) {
	c := redistest.Client(t)
	d := redisstore.NewDedup(c, redistest.Prefix(t), 0)
	var first atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if got, err := d.Begin(context.Background(), 5); err == nil && got == redisstore.ClaimFirst {
				first.Add(1)
			}
		})
	}
	wg.Wait()
	if first.Load() != 1 {
		t.Errorf("%d claims were first", first.Load())
	}
}

func TestLockExclusive(t *testing.T) {
	c := redistest.Client(t)
	l := redisstore.NewLocker(c, redistest.Prefix(t), 300*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var holders, maxHolders, count atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				k, err := l.Lock(ctx, "chat:1")
				if err != nil {
					t.Error(err)
					return
				}
				n := holders.Add(1)
				for {
					m := maxHolders.Load()
					if n <= m || maxHolders.CompareAndSwap(m, n) {
						break
					}
				}
				count.Add(1)
				time.Sleep(time.Millisecond)
				holders.Add(-1)
				if err := k.Unlock(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if maxHolders.Load() != 1 || count.Load() != 40 {
		t.Errorf("max holders %d, count %d", maxHolders.Load(), count.Load())
	}
}

// renewals is a go-redis hook that signals every successful renewal of one
// lock: a script call with the lock's key and the TTL in milliseconds that
// answered 1.
type renewals struct {
	key, ttl string
	ch       chan struct{}
}

func (h *renewals) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *renewals) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *renewals) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		args := cmd.Args() // evalsha sha 1 key token ttl
		if n := cmd.Name(); (n == "evalsha" || n == "eval") && len(args) == 6 &&
			fmt.Sprint(args[3]) == h.key && fmt.Sprint(args[5]) == h.ttl {
			if c, ok := cmd.(*redis.Cmd); ok && err == nil {
				if v, _ := c.Int(); v == 1 {
					select {
					case h.ch <- struct{}{}:
					default: // enough counted
					}
				}
			}
		}
		return err
	}
}

func TestLockRenewAndRelease(t *testing.T) {
	c := redistest.Client(t)
	p := redistest.Prefix(t)
	ctx := context.Background()
	const ttl = 150 * time.Millisecond
	renewed := &renewals{key: p + ":lock:a", ttl: fmt.Sprint(ttl.Milliseconds()), ch: make(chan struct{}, 100)}
	c.AddHook(renewed)
	l := redisstore.NewLocker(c, p, ttl)
	k, err := l.TryLock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	// Four renewals, a third of the TTL apart: the lock has lived longer than
	// its TTL, only because it was renewed.
	for i := range 4 {
		select {
		case <-renewed.ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("the held lock was renewed %d times, want 4", i)
		}
	}
	if _, err := l.TryLock(ctx, "a"); !errors.Is(err, redisstore.ErrLocked) {
		t.Errorf("second TryLock while held: %v", err)
	}
	select {
	case <-k.Lost():
		t.Error("lock reported lost while renewed")
	default:
	}
	// Someone else's value: the holder loses it and must not delete the other's lock.
	c.Set(ctx, p+":lock:a", "other", time.Minute)
	select {
	case <-k.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("lost lock not reported")
	}
	if err := k.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if v := c.Get(ctx, p+":lock:a").Val(); v != "other" {
		t.Errorf("unlock deleted another holder's lock: %q", v)
	}
	c.Del(ctx, p+":lock:a")
	k2, err := l.TryLock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if err := k2.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if n := c.Exists(ctx, p+":lock:a").Val(); n != 0 {
		t.Error("lock key left after Unlock")
	}
}

func TestLockWaitCancelled(t *testing.T) {
	c := redistest.Client(t)
	l := redisstore.NewLocker(c, redistest.Prefix(t), time.Minute)
	k, err := l.TryLock(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Unlock(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Lock(ctx, "b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}
