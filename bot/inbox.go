package bot

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// inbox is the durable per-chat queue in Redis: a list per ordering key
// (<prefix>:inbox:<key>) and a set of keys with queued updates
// (<prefix>:inbox:pending). An update is pushed when it arrives (the webhook
// answers 200 and the polling offset advances only after that), and popped only
// after it was handled, under the chat's lock; so arrival order holds across
// replicas and an update in hand survives a crash. The lock and the update_id
// deduplication are part of the same scripts (inboxscripts.go), so that taking
// a chat, deduplicating and reading its head is one round trip, and finishing an
// update and reading the next is another. Lists are short-lived: a drained list
// no longer exists, and a list nobody drains (every replica gone) expires after
// inboxTTL, so a queued message text is never kept longer than Telegram itself
// keeps an unconfirmed update.
type inbox struct {
	c        redis.UniversalClient
	prefix   string
	lockTTL  time.Duration
	dedupTTL time.Duration
}

// inboxTTL bounds how long a queued update (which may hold a message text) is
// kept in Redis: Telegram gives up on unconfirmed updates after 24 hours, too.
const inboxTTL = 24 * time.Hour

func (q *inbox) listKey(key string) string { return q.prefix + ":inbox:" + key }
func (q *inbox) pendingKey() string        { return q.prefix + ":inbox:pending" }
func (q *inbox) lockKey(key string) string { return q.prefix + ":lock:" + key }
func (q *inbox) seenPrefix() string        { return q.prefix + ":seen:" }

// entry is one update to push.
type entry struct {
	key string
	raw []byte
}

// held is a chat whose lock a push or acquire took, with its head in hand.
type held struct {
	claim claim
	head  head
	at    time.Time // when the lock was taken or last renewed
}

// push appends raw updates to their keys' lists, marks the keys pending and
// tries to take each key's lock, in one atomic script (one round trip for a
// whole getUpdates batch). It returns the chats it took, by key, and the number
// of duplicates it dropped from chats it did not take.
func (q *inbox) push(ctx context.Context, es ...entry) (map[string]*held, int, error) {
	var order []string
	raws := map[string][][]byte{}
	for _, e := range es {
		if _, ok := raws[e.key]; !ok {
			order = append(order, e.key)
		}
		raws[e.key] = append(raws[e.key], e.raw)
	}
	keys := make([]string, 0, 1+2*len(order))
	keys = append(keys, q.pendingKey())
	args := make([]any, 0, 4+3*len(order)+len(es))
	args = append(args, q.lockTTL.Milliseconds(), q.seenPrefix(), int64(q.dedupTTL/time.Second), int64(inboxTTL/time.Second))
	claims := make([]claim, len(order))
	for i, k := range order {
		claims[i] = claim{key: k, token: newToken()}
		keys = append(keys, q.listKey(k), q.lockKey(k))
		args = append(args, k, claims[i].token, len(raws[k]))
		for _, r := range raws[k] {
			args = append(args, r)
		}
	}
	now := time.Now()
	v, err := pushScript.Run(ctx, q.c, keys, args...).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("inbox push: %w", err)
	}
	if len(v) != len(order) {
		return nil, 0, fmt.Errorf("inbox push: %d answers for %d chats", len(v), len(order))
	}
	took := map[string]*held{}
	skipped := 0
	for i, a := range v {
		part, ok := a.([]any)
		if !ok {
			return nil, 0, fmt.Errorf("inbox push: malformed answer")
		}
		h, err := parseHead(part)
		if err != nil {
			return nil, 0, fmt.Errorf("inbox push: %w", err)
		}
		if h.status == headReady {
			took[order[i]] = &held{claim: claims[i], head: h, at: now}
		} else {
			skipped += h.skipped
		}
	}
	return took, skipped, nil
}

// headStatus is what acquire or complete found.
type headStatus int

const (
	headBusy  headStatus = 0 // another holder has the chat (and will drain it)
	headEmpty headStatus = 1 // nothing queued; the lock is not held
	headReady headStatus = 2 // head returned; the lock is held
	headLost  headStatus = 3 // the lock expired or went to another holder
)

// head is the answer of acquire and complete.
type head struct {
	status  headStatus
	skipped int    // duplicates popped (their id was done)
	raw     []byte // the oldest update, with headReady
	id      string // its update_id as read by Redis; "" when Redis could not read it
	rerun   bool   // its id was marked running: a holder died while handling it
}

// claim is a held chat: the lock token.
type claim struct {
	key   string
	token string
}

func newToken() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// acquire takes the chat's lock if it is free and returns its oldest update
// that was not handled yet (marked running).
func (q *inbox) acquire(ctx context.Context, key string) (claim, head, error) {
	c := claim{key: key, token: newToken()}
	v, err := acquireScript.Run(ctx, q.c, q.keys(key), q.args(c)...).Slice()
	if err != nil {
		return c, head{}, fmt.Errorf("inbox acquire: %w", err)
	}
	h, err := parseHead(v)
	if err != nil {
		return c, head{}, fmt.Errorf("inbox acquire: %w", err)
	}
	return c, h, nil
}

// complete marks the handled update done (id "" : unknown to Redis), pops it and
// returns the next one with the lock renewed, or releases the lock when the list
// is empty.
func (q *inbox) complete(ctx context.Context, c claim, id string) (head, error) {
	v, err := completeScript.Run(ctx, q.c, q.keys(c.key), append(q.args(c), id)...).Slice()
	if err != nil {
		return head{}, fmt.Errorf("inbox complete: %w", err)
	}
	h, err := parseHead(v)
	if err != nil {
		return head{}, fmt.Errorf("inbox complete: %w", err)
	}
	return h, nil
}

// renew extends the held lock; false when it is no longer held.
func (q *inbox) renew(ctx context.Context, c claim) (bool, error) {
	n, err := renewScript.Run(ctx, q.c, []string{q.lockKey(c.key)}, c.token, q.lockTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("inbox renew: %w", err)
	}
	return n == 1, nil
}

func (q *inbox) keys(key string) []string {
	return []string{q.listKey(key), q.lockKey(key), q.pendingKey()}
}

func (q *inbox) args(c claim) []any {
	return []any{c.token, q.lockTTL.Milliseconds(), q.seenPrefix(), int64(q.dedupTTL / time.Second), c.key}
}

// parseHead reads a script answer {status, skipped, head, id, was_running}.
func parseHead(v []any) (head, error) {
	if len(v) == 0 {
		return head{}, fmt.Errorf("empty script answer")
	}
	st, ok := v[0].(int64)
	if !ok || st < 0 || st > 3 {
		return head{}, fmt.Errorf("unexpected script status %v", v[0])
	}
	h := head{status: headStatus(st)}
	if len(v) > 1 {
		n, _ := v[1].(int64)
		h.skipped = int(n)
	}
	if h.status != headReady {
		return h, nil
	}
	if len(v) != 5 {
		return head{}, fmt.Errorf("script answer of %d parts", len(v))
	}
	raw, ok1 := v[2].(string)
	id, ok2 := v[3].(string)
	rerun, ok3 := v[4].(int64)
	if !ok1 || !ok2 || !ok3 {
		return head{}, fmt.Errorf("malformed script answer")
	}
	if id != "" {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return head{}, fmt.Errorf("script read update_id %q: %w", id, err)
		}
	}
	h.raw, h.id, h.rerun = []byte(raw), id, rerun == 1
	return h, nil
}

// pending lists the keys with queued updates.
func (q *inbox) pending(ctx context.Context) ([]string, error) {
	keys, err := q.c.SMembers(ctx, q.pendingKey()).Result()
	if err != nil {
		return nil, fmt.Errorf("inbox pending: %w", err)
	}
	return keys, nil
}
