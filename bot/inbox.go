package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// inbox is the durable per-chat queue in Redis: a list per ordering key
// (<prefix>:inbox:<key>) and a set of keys with queued updates
// (<prefix>:inbox:pending). An update is pushed when it arrives (the webhook
// answers 200 and the polling offset advances only after that), and popped only
// after it was handled, under the chat's lock; so arrival order holds across
// replicas and an update in hand survives a crash. Lists are short-lived: a
// drained list no longer exists, and a list nobody drains (every replica gone)
// expires after inboxTTL, so a queued message text is never kept longer than
// Telegram itself keeps an unconfirmed update.
// inboxTTL bounds how long a queued update (which may hold a message text) is
// kept in Redis: Telegram gives up on unconfirmed updates after 24 hours, too.
const inboxTTL = 24 * time.Hour

type inbox struct {
	c      redis.UniversalClient
	prefix string
}

func (q *inbox) listKey(key string) string { return q.prefix + ":inbox:" + key }
func (q *inbox) pendingKey() string        { return q.prefix + ":inbox:pending" }

// push appends a raw update to the key's list.
func (q *inbox) push(ctx context.Context, key string, raw []byte) error {
	_, err := q.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, q.listKey(key), raw)
		p.Expire(ctx, q.listKey(key), inboxTTL)
		p.SAdd(ctx, q.pendingKey(), key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("inbox push: %w", err)
	}
	return nil
}

// peek returns the oldest update of the key, nil when the list is empty.
func (q *inbox) peek(ctx context.Context, key string) ([]byte, error) {
	b, err := q.c.LIndex(ctx, q.listKey(key), 0).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("inbox peek: %w", err)
	}
	return b, nil
}

var popScript = redis.NewScript(`
redis.call('LPOP', KEYS[1])
local n = redis.call('LLEN', KEYS[1])
if n == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return n
`)

// pop removes the oldest update of the key (after it was handled) and returns
// how many remain; at 0 the key also leaves the pending set, atomically.
func (q *inbox) pop(ctx context.Context, key string) (int, error) {
	n, err := popScript.Run(ctx, q.c, []string{q.listKey(key), q.pendingKey()}, key).Int()
	if err != nil {
		return 0, fmt.Errorf("inbox pop: %w", err)
	}
	return n, nil
}

var finishScript = redis.NewScript(`
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) return 1 end
return 0
`)

// finish removes the key from the pending set if its list is empty, atomically;
// it reports whether it did (false: updates arrived meanwhile).
func (q *inbox) finish(ctx context.Context, key string) (bool, error) {
	n, err := finishScript.Run(ctx, q.c, []string{q.listKey(key), q.pendingKey()}, key).Int()
	if err != nil {
		return false, fmt.Errorf("inbox finish: %w", err)
	}
	return n == 1, nil
}

// pending lists the keys with queued updates.
func (q *inbox) pending(ctx context.Context) ([]string, error) {
	keys, err := q.c.SMembers(ctx, q.pendingKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("inbox pending: %w", err)
	}
	return keys, nil
}
