package bot

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// inbox is the durable per-chat queue in Redis: a list per ordering key
// (<prefix>:inbox:<key>) and a set of keys with queued updates
// (<prefix>:inbox:pending). An update is pushed when it arrives (the webhook
// answers 200 and the polling offset advances only after that), and popped only
// after its replies were delivered, under the chat's lock; so arrival order holds
// across replicas and an update in hand survives a crash. The lock and the
// update_id deduplication are part of the same scripts (inboxscripts.go), so
// that taking a chat, deduplicating and reading its head is one round trip, and
// finishing an update and reading the next is another. Lists are short-lived: a
// drained list no longer exists, and a list nobody drains (every replica gone)
// expires after inboxTTL, so a queued message text is never kept longer than
// Telegram itself keeps an unconfirmed update.
type inbox struct {
	c        redis.UniversalClient
	prefix   string
	lease    time.Duration // lock lifetime without renewal
	dedupTTL time.Duration
	cap      int // updates kept per chat (head included)
	// stateKey names the Redis key of the state of the chat with this ordering
	// key, read along with each head the scripts hand out ("" or nil: none).
	stateKey func(key string) string
}

// inboxTTL bounds how long a queued update (which may hold a message text) is
// kept in Redis: a chat's list expires inboxTTL after the push that created it
// (Telegram gives up on unconfirmed updates after 24 hours, too).
const inboxTTL = 24 * time.Hour

func (q *inbox) listKey(key string) string { return q.prefix + ":inbox:" + key }
func (q *inbox) pendingKey() string        { return q.prefix + ":inbox:pending" }
func (q *inbox) lockKey(key string) string { return q.prefix + ":lock:" + key }
func (q *inbox) seenPrefix() string        { return q.prefix + ":seen:" }
func (q *inbox) probeKey() string          { return q.prefix + ":probe" }

// probe reports whether Redis takes writes: the health probe while Redis is
// down. PING is not enough: a replica answers it too (a demoted master behind a
// DNS name or virtual IP) and then refuses every write with READONLY, and a
// master may refuse writes (NOREPLICAS, OOM). Taking such a Redis as up would
// make the bot flap between down and up at every write.
func (q *inbox) probe(ctx context.Context) error {
	if err := q.c.Set(ctx, q.probeKey(), "1", time.Second).Err(); err != nil {
		return fmt.Errorf("redis write probe: %w", err)
	}
	return nil
}

// stateArgs returns the state key of the chat with this ordering key for the
// scripts' KEYS (list, the chat's list key, when there is none: every key a
// script may touch is declared) and the flag that tells the script whether to
// read it ("1" or "0", constants: no allocation as a script argument).
func (q *inbox) stateArgs(key, list string) (skey string, read any) {
	if q.stateKey != nil {
		if k := q.stateKey(key); k != "" {
			return k, "1"
		}
	}
	return list, "0"
}

// entry is one update to push.
type entry struct {
	key string
	raw []byte
}

// claim is a chat whose lock this process holds: the lock token. lost is set
// when the lease keeper found the lock expired or taken by another holder.
type claim struct {
	key   string
	token string
	lost  atomic.Bool
}

func newClaim(key string) *claim { return &claim{key: key, token: crand.Text()} }

// held is a chat whose lock a push took, with its head in hand.
type held struct {
	claim *claim
	head  head
}

// pushResult is what a push did.
type pushResult struct {
	took       map[string]*held // chats the push took, by key
	claims     []*claim         // every claim the push tried (to release when its answer was lost)
	duplicates int              // redeliveries not queued, and updates dropped as already done in chats it did not take
	dropped    int              // updates the per-chat cap dropped
}

// push appends raw updates to their keys' lists, bounds the lists, marks the
// keys pending and tries to take each key's lock, in one atomic script (one
// round trip for a whole getUpdates batch). On an error the claims it tried are
// returned all the same: the script may have run.
func (q *inbox) push(ctx context.Context, es ...entry) (pushResult, error) {
	var order []string
	raws := map[string][][]byte{}
	for _, e := range es {
		if _, ok := raws[e.key]; !ok {
			order = append(order, e.key)
		}
		raws[e.key] = append(raws[e.key], e.raw)
	}
	keys := make([]string, 0, 1+3*len(order))
	keys = append(keys, q.pendingKey())
	args := make([]any, 0, 5+4*len(order)+len(es))
	args = append(args, q.lease.Milliseconds(), q.seenPrefix(), int64(q.dedupTTL/time.Second),
		int64(inboxTTL/time.Second), q.cap)
	res := pushResult{claims: make([]*claim, len(order))}
	var skeys []string // the state keys read, by chat ("" none); nil: none at all
	if q.stateKey != nil {
		skeys = make([]string, len(order))
	}
	for i, k := range order {
		res.claims[i] = newClaim(k)
		list := q.listKey(k)
		skey, read := q.stateArgs(k, list)
		if read == "1" && skeys != nil {
			skeys[i] = skey
		}
		keys = append(keys, list, q.lockKey(k), skey)
		args = append(args, k, res.claims[i].token, read, len(raws[k]))
		for _, r := range raws[k] {
			args = append(args, r)
		}
	}
	v, err := pushScript.Run(ctx, q.c, keys, args...).Slice()
	if err != nil {
		return res, fmt.Errorf("inbox push: %w", err)
	}
	if len(v) != len(order) {
		return res, fmt.Errorf("inbox push: %d answers for %d chats", len(v), len(order))
	}
	res.took = map[string]*held{}
	for i, a := range v {
		part, ok := a.([]any)
		if !ok || len(part) < 3 {
			return res, fmt.Errorf("inbox push: malformed answer")
		}
		// What the cap dropped, the redeliveries not queued, then the acquire answer.
		n, _ := part[0].(int64)
		dups, _ := part[1].(int64)
		res.dropped += int(n)
		res.duplicates += int(dups)
		h, err := parseHead(part[2:], at(skeys, i))
		if err != nil {
			return res, fmt.Errorf("inbox push: %w", err)
		}
		if h.status == headReady {
			res.took[order[i]] = &held{claim: res.claims[i], head: h}
		} else {
			res.duplicates += h.skipped
		}
	}
	return res, nil
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
	flood   int    // updates the per-chat cap dropped before this head
	raw     []byte // the oldest update, with headReady
	id      string // its update_id as read by Redis; "" when Redis could not read it
	rerun   bool   // its id was marked running: a holder died while handling it
	// state is the chat's state as stored when the head was handed out
	// (inbox.stateKey), with headReady; nil when none was read.
	state *prefetched
	// m is the update as this process decoded it when it pushed it (the head
	// is that very JSON), so it need not be decoded again; nil: decode raw.
	m *mapped
}

// prefetched is a value read along with a head: the key and, when found, the value.
type prefetched struct {
	key   string
	value []byte
	found bool
}

// acquire takes the chat's lock if it is free and returns its oldest update
// that was not handled yet (marked running). On an error the claim is returned
// all the same: the script may have run.
func (q *inbox) acquire(ctx context.Context, key string) (*claim, head, error) {
	c := newClaim(key)
	list := q.listKey(key)
	skey, read := q.stateArgs(key, list)
	v, err := acquireScript.Run(ctx, q.c, []string{list, q.lockKey(key), q.pendingKey(), skey},
		c.token, q.lease.Milliseconds(), q.seenPrefix(), int64(q.dedupTTL/time.Second), key, read).Slice()
	if err != nil {
		return c, head{}, fmt.Errorf("inbox acquire: %w", err)
	}
	if read != "1" {
		skey = ""
	}
	h, err := parseHead(v, skey)
	if err != nil {
		return c, head{}, fmt.Errorf("inbox acquire: %w", err)
	}
	return c, h, nil
}

// done is one finished update to complete: the chat's claim and the update_id
// ("" when Redis could not read it).
type done struct {
	claim *claim
	id    string
}

// completeMany marks each finished update done, pops it and returns its chat's
// next head (the lock kept), or releases the chat's lock when its list is empty:
// one round trip for all of them.
func (q *inbox) completeMany(ctx context.Context, ds []done) ([]head, error) {
	keys := make([]string, 0, 1+3*len(ds))
	keys = append(keys, q.pendingKey())
	args := make([]any, 0, 3+4*len(ds))
	args = append(args, q.seenPrefix(), int64(q.dedupTTL/time.Second), int64(inboxTTL/time.Second))
	var skeys []string // as in push
	if q.stateKey != nil {
		skeys = make([]string, len(ds))
	}
	for i, d := range ds {
		list := q.listKey(d.claim.key)
		skey, read := q.stateArgs(d.claim.key, list)
		if read == "1" && skeys != nil {
			skeys[i] = skey
		}
		keys = append(keys, list, q.lockKey(d.claim.key), skey)
		args = append(args, d.claim.key, d.claim.token, d.id, read)
	}
	v, err := completeManyScript.Run(ctx, q.c, keys, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("inbox complete: %w", err)
	}
	if len(v) != len(ds) {
		return nil, fmt.Errorf("inbox complete: %d answers for %d chats", len(v), len(ds))
	}
	out := make([]head, len(ds))
	for i, a := range v {
		part, ok := a.([]any)
		if !ok {
			return nil, fmt.Errorf("inbox complete: malformed answer")
		}
		if out[i], err = parseHead(part, at(skeys, i)); err != nil {
			return nil, fmt.Errorf("inbox complete: %w", err)
		}
	}
	return out, nil
}

// complete is completeMany for one chat.
func (q *inbox) complete(ctx context.Context, c *claim, id string) (head, error) {
	hs, err := q.completeMany(ctx, []done{{claim: c, id: id}})
	if err != nil {
		return head{}, err
	}
	return hs[0], nil
}

// renewMany extends the locks of the given claims and returns the ones that
// were lost (expired, or taken by another holder).
func (q *inbox) renewMany(ctx context.Context, cs []*claim) ([]*claim, error) {
	keys := make([]string, len(cs))
	args := make([]any, 0, 1+len(cs))
	args = append(args, q.lease.Milliseconds())
	for i, c := range cs {
		keys[i] = q.lockKey(c.key)
		args = append(args, c.token)
	}
	v, err := renewManyScript.Run(ctx, q.c, keys, args...).Int64Slice()
	if err != nil {
		return nil, fmt.Errorf("inbox renew: %w", err)
	}
	var lost []*claim
	for i, n := range v {
		if n == 0 && i < len(cs) {
			lost = append(lost, cs[i])
		}
	}
	return lost, nil
}

// stale is a chat given back: the lock token to release (may be empty) and the
// update_ids finished meanwhile, to mark done.
type stale struct {
	key   string
	token string
	done  []string
}

// release marks the finished ids done and deletes the locks that still hold
// their tokens, in one round trip.
func (q *inbox) release(ctx context.Context, ss []stale) error {
	keys := make([]string, len(ss))
	args := make([]any, 0, 2+2*len(ss))
	args = append(args, q.seenPrefix(), int64(q.dedupTTL/time.Second))
	for i, s := range ss {
		keys[i] = q.lockKey(s.key)
		args = append(args, s.token, strings.Join(s.done, ","))
	}
	if err := releaseScript.Run(ctx, q.c, keys, args...).Err(); err != nil {
		return fmt.Errorf("inbox release: %w", err)
	}
	return nil
}

// unclaimed lists the pending chats whose lock is free.
func (q *inbox) unclaimed(ctx context.Context) ([]string, error) {
	keys, err := sweepScript.Run(ctx, q.c, []string{q.pendingKey()}, q.prefix+":lock:").StringSlice()
	if err != nil {
		return nil, fmt.Errorf("inbox sweep: %w", err)
	}
	return keys, nil
}

// at returns ss[i], "" when ss is nil.
func at(ss []string, i int) string {
	if ss == nil {
		return ""
	}
	return ss[i]
}

// parseHead reads a script answer {status, skipped, head, id, was_running,
// flood, state}; skey is the state key the script was asked to read ("" for none).
func parseHead(v []any, skey string) (head, error) {
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
		if h.status == headEmpty && len(v) > 2 {
			n, _ := v[2].(int64)
			h.flood = int(n)
		}
		return h, nil
	}
	if len(v) != 7 {
		return head{}, fmt.Errorf("script answer of %d parts", len(v))
	}
	raw, ok1 := v[2].(string)
	id, ok2 := v[3].(string)
	rerun, ok3 := v[4].(int64)
	flood, ok4 := v[5].(int64)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return head{}, fmt.Errorf("malformed script answer")
	}
	if id != "" {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return head{}, fmt.Errorf("script read update_id %q: %w", id, err)
		}
	}
	h.raw, h.id, h.rerun, h.flood = []byte(raw), id, rerun == 1, int(flood)
	if skey != "" {
		switch st := v[6].(type) {
		case nil: // no state stored
			h.state = &prefetched{key: skey}
		case string:
			h.state = &prefetched{key: skey, value: []byte(st), found: true}
		default:
			return head{}, fmt.Errorf("malformed state in script answer")
		}
	}
	return h, nil
}
