package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultDedupTTL is how long handled update ids are remembered: Telegram keeps
// undelivered updates for 24 hours, so a redelivery can come that late.
const DefaultDedupTTL = 25 * time.Hour

// Claim is what Dedup.Begin found about an update id.
type Claim int

// The outcomes of Dedup.Begin.
const (
	// ClaimFirst: the id was never seen; it is now marked as running.
	ClaimFirst Claim = iota
	// ClaimDone: the id was handled before; the update is a duplicate.
	ClaimDone
	// ClaimRunning: the id is marked as running. Under the chat's Lock that means
	// an earlier handler died before Done (handle it again); without the lock,
	// another process is handling it now.
	ClaimRunning
)

// String names the claim for logs.
func (c Claim) String() string {
	switch c {
	case ClaimFirst:
		return "first"
	case ClaimDone:
		return "done"
	case ClaimRunning:
		return "running"
	}
	return "claim(" + strconv.Itoa(int(c)) + ")"
}

// Dedup remembers which Telegram update ids were handled, so an update delivered
// twice (webhook retries, a restart before the polling offset was confirmed, two
// replicas) is answered once. Keys: <prefix>:seen:<update_id>, value "run" or
// "done", with a TTL. It stores no chat id and no text.
type Dedup struct {
	c      redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewDedup returns a Dedup over c; ttl <= 0 means DefaultDedupTTL.
func NewDedup(c redis.UniversalClient, prefix string, ttl time.Duration) *Dedup {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &Dedup{c: c, prefix: prefix, ttl: ttl}
}

func (d *Dedup) key(updateID int64) string {
	return d.prefix + ":seen:" + strconv.FormatInt(updateID, 10)
}

// beginScript marks an id running if it is new (SET NX EX) and reports what it found.
var beginScript = redis.NewScript(`
if redis.call('SET', KEYS[1], 'run', 'NX', 'EX', ARGV[1]) then return 0 end
if redis.call('GET', KEYS[1]) == 'done' then return 1 end
return 2
`)

// Begin claims an update id before it is handled.
func (d *Dedup) Begin(ctx context.Context, updateID int64) (Claim, error) {
	n, err := beginScript.Run(ctx, d.c, []string{d.key(updateID)}, int64(d.ttl/time.Second)).Int()
	if err != nil {
		return ClaimFirst, fmt.Errorf("redisstore: dedup begin: %w", err)
	}
	return Claim(n), nil
}

// Done marks an update id handled.
func (d *Dedup) Done(ctx context.Context, updateID int64) error {
	if err := d.c.Set(ctx, d.key(updateID), "done", d.ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: dedup done: %w", err)
	}
	return nil
}
