package redisstore

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultLockTTL is how long a lock lives without renewal (a crashed holder
// blocks its chat at most this long).
const DefaultLockTTL = 30 * time.Second

// ErrLocked is returned by TryLock when another holder has the lock.
var ErrLocked = errors.New("redisstore: lock held by another holder")

// Locker hands out named locks in Redis, held by one holder across all processes
// (the per-chat lock that keeps a chat's updates in order across bot replicas, as
// aiogram's RedisEventIsolation does). A lock is SET NX PX with a random token,
// renewed while held, and released with a compare-and-delete script, so a holder
// never releases a lock that expired and went to someone else.
// Keys: <prefix>:lock:<name>.
type Locker struct {
	c      redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewLocker returns a Locker over c; ttl <= 0 means DefaultLockTTL.
func NewLocker(c redis.UniversalClient, prefix string, ttl time.Duration) *Locker {
	if ttl <= 0 {
		ttl = DefaultLockTTL
	}
	return &Locker{c: c, prefix: prefix, ttl: ttl}
}

// Lock is a held lock. Release it with Unlock.
type Lock struct {
	l        *Locker
	key      string
	token    string
	stop     chan struct{}
	stopped  chan struct{}
	lost     chan struct{}
	lostOnce sync.Once
	unlock   sync.Once
}

// TryLock takes the lock if it is free, else returns ErrLocked.
func (l *Locker) TryLock(ctx context.Context, name string) (*Lock, error) {
	var b [16]byte
	_, _ = crand.Read(b[:])
	k := &Lock{l: l, key: l.prefix + ":lock:" + name, token: hex.EncodeToString(b[:]),
		stop: make(chan struct{}), stopped: make(chan struct{}), lost: make(chan struct{})}
	ok, err := l.c.SetNX(ctx, k.key, k.token, l.ttl).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: lock %s: %w", name, err)
	}
	if !ok {
		return nil, ErrLocked
	}
	go k.renew()
	return k, nil
}

// Lock waits until it holds the lock, retrying with jittered backoff (2 ms up to
// 200 ms), until ctx ends or Redis fails.
func (l *Locker) Lock(ctx context.Context, name string) (*Lock, error) {
	wait := 2 * time.Millisecond
	for {
		k, err := l.TryLock(ctx, name)
		if !errors.Is(err, ErrLocked) {
			return k, err
		}
		t := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("redisstore: waiting for lock %s: %w", name, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// renew extends the lock every third of its TTL until Unlock, and reports the
// lock lost when it is gone or could not be renewed for a whole TTL.
func (k *Lock) renew() {
	defer close(k.stopped)
	ttl := k.l.ttl
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), ttl/3)
		n, err := renewScript.Run(ctx, k.l.c, []string{k.key}, k.token, ttl.Milliseconds()).Int()
		cancel()
		switch {
		case err == nil && n == 1:
			last = time.Now()
		case err == nil || time.Since(last) >= ttl:
			k.markLost()
			return
		}
	}
}

func (k *Lock) markLost() { k.lostOnce.Do(func() { close(k.lost) }) }

// Lost is closed when the lock expired or went to another holder while held.
func (k *Lock) Lost() <-chan struct{} { return k.lost }

// Unlock stops renewing and releases the lock if this holder still has it.
func (k *Lock) Unlock(ctx context.Context) error {
	var err error
	k.unlock.Do(func() {
		close(k.stop)
		<-k.stopped
		if e := unlockScript.Run(ctx, k.l.c, []string{k.key}, k.token).Err(); e != nil {
			err = fmt.Errorf("redisstore: unlock: %w", e)
		}
	})
	return err
}
