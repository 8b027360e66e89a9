package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/metrics"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
)

// Conversation is what the bot hands updates to: handlers.Handler in production.
type Conversation interface {
	Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error
}

// ErrShuttingDown is returned for updates offered while the bot shuts down.
var ErrShuttingDown = errors.New("bot is shutting down")

// dispatcher hands updates to the conversation: updates with one ordering key
// (one chat) one after another in arrival order, different chats concurrently on
// a fixed number of workers. With Redis, updates go through the durable inbox,
// are deduplicated by update_id and handled under a per-chat Redis lock, so
// several replicas keep each chat's order; when Redis fails it falls back to
// in-process ordering and memory-only deduplication, and recovers by itself:
// while Redis is known to be down, the hot path skips it and the sweeper
// notices the recovery.
type dispatcher struct {
	conv    Conversation
	replier handlers.Replier
	log     *slog.Logger
	metrics *metrics.Metrics
	workers int
	timeout time.Duration // per update

	// Redis parts; all nil without Redis.
	inbox   *inbox
	locker  *redisstore.Locker
	dedup   *redisstore.Dedup
	redisUp atomic.Bool

	recent *recentIDs
	slots  chan struct{} // bounds the updates held in memory

	mu       sync.Mutex
	cond     *sync.Cond
	chats    map[string]*chatQueue
	runnable []string
	busy     int  // workers running a chat
	closing  bool // no new updates
	stopping bool // workers exit when idle

	baseCtx context.Context // handlers run under it; cancelled after the shutdown grace
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	running, maxRunning atomic.Int64 // conversation calls in progress (for tests)
}

// job is one update held in memory.
type job struct {
	m        mapped
	accepted chan struct{} // closed when handled
}

// chatQueue is the state of one ordering key.
type chatQueue struct {
	local     []*job  // in-memory updates (no Redis, or Redis failed on push)
	remote    bool    // the Redis inbox may hold updates
	held      []*held // the chat as pushes took it (lock held, head in hand)
	scheduled bool    // in runnable or being run by a worker
}

type dispatcherConfig struct {
	conv      Conversation
	replier   handlers.Replier
	log       *slog.Logger
	metrics   *metrics.Metrics
	workers   int
	maxQueued int
	timeout   time.Duration
	redis     redisParts
}

type redisParts struct {
	inbox  *inbox
	locker *redisstore.Locker
	dedup  *redisstore.Dedup
}

func newDispatcher(c dispatcherConfig) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &dispatcher{
		conv: c.conv, replier: c.replier, log: c.log, metrics: c.metrics,
		workers: c.workers, timeout: c.timeout,
		inbox: c.redis.inbox, locker: c.redis.locker, dedup: c.redis.dedup,
		recent:  newRecentIDs(8192),
		slots:   make(chan struct{}, c.maxQueued),
		chats:   map[string]*chatQueue{},
		baseCtx: ctx, cancel: cancel,
	}
	d.redisUp.Store(true)
	d.cond = sync.NewCond(&d.mu)
	return d
}

// start runs the workers.
func (d *dispatcher) start() {
	for range d.workers {
		d.wg.Go(d.work)
	}
}

// closedChan is an already closed channel: "accepted at once".
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// submit takes an update. The returned channel is closed once the update is
// safe: written to the Redis inbox (at once) or, without Redis, handled.
// raw is the update's JSON as received, kept in the inbox.
func (d *dispatcher) submit(ctx context.Context, raw []byte, u *models.Update) (<-chan struct{}, error) {
	acc, err := d.submitBatch(ctx, []incoming{{raw: raw, u: u}})
	if err != nil {
		return nil, err
	}
	return acc[0], nil
}

// incoming is one update offered to the dispatcher: its JSON as received and decoded.
type incoming struct {
	raw []byte
	u   *models.Update
}

// submitBatch takes updates in arrival order, writing all of them to the Redis
// inbox in one round trip. It returns one channel per update, closed once the
// update is safe (as submit). On an error it returns the channels of the
// updates taken before it, in order; the rest were not taken.
func (d *dispatcher) submitBatch(ctx context.Context, in []incoming) ([]<-chan struct{}, error) {
	acc := make([]<-chan struct{}, len(in))
	ms := make([]mapped, len(in))
	var es []entry
	for i, x := range in {
		m, ok := mapUpdate(x.u)
		d.metrics.Update(m.kind)
		if !ok {
			d.log.Debug("ignoring update", "update_id", x.u.ID, "type", ignoredType(x.u))
			acc[i] = closedChan
			continue
		}
		ms[i] = m
		es = append(es, entry{key: m.key, raw: x.raw})
	}
	if len(es) == 0 {
		return acc, nil
	}
	d.mu.Lock()
	closing := d.closing
	d.mu.Unlock()
	if closing {
		return taken(acc), ErrShuttingDown
	}
	if d.inbox != nil && d.redisUp.Load() {
		took, skipped, err := d.inbox.push(ctx, es...)
		if err == nil {
			d.redisOK()
			d.duplicates(skipped)
			for i := range in {
				if acc[i] == nil {
					k := ms[i].key
					d.scheduleHeld(k, took[k])
					delete(took, k)
					acc[i] = closedChan
				}
			}
			return acc, nil
		}
		if ctx.Err() != nil {
			return taken(acc), ctx.Err()
		}
		d.redisFailed("inbox_push", err)
	}
	for i := range in {
		if acc[i] != nil {
			continue
		}
		select {
		case d.slots <- struct{}{}:
		case <-ctx.Done():
			return taken(acc), ctx.Err()
		}
		j := &job{m: ms[i], accepted: make(chan struct{})}
		d.schedule(ms[i].key, j)
		acc[i] = j.accepted
	}
	return acc, nil
}

// taken returns the leading channels that are set: the updates taken so far.
func taken(acc []<-chan struct{}) []<-chan struct{} {
	for i, a := range acc {
		if a == nil {
			return acc[:i]
		}
	}
	return acc
}

// schedule queues a local job (or, with j nil, marks the inbox non-empty) and
// makes the key runnable.
func (d *dispatcher) schedule(key string, j *job) { d.enqueue(key, j, nil) }

// scheduleHeld marks the inbox non-empty and makes the key runnable; h, when not
// nil, is the chat as the push took it (lock held, head in hand).
func (d *dispatcher) scheduleHeld(key string, h *held) { d.enqueue(key, nil, h) }

func (d *dispatcher) enqueue(key string, j *job, h *held) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.chats[key]
	if q == nil {
		q = &chatQueue{}
		d.chats[key] = q
	}
	switch {
	case j != nil:
		q.local = append(q.local, j)
	case h != nil:
		q.held = append(q.held, h)
	default:
		q.remote = true
	}
	if !q.scheduled {
		q.scheduled = true
		d.runnable = append(d.runnable, key)
		d.cond.Signal()
	}
}

// work is one worker: it runs runnable keys until the dispatcher stops.
func (d *dispatcher) work() {
	for {
		d.mu.Lock()
		for len(d.runnable) == 0 && !d.stopping {
			d.cond.Wait()
		}
		if len(d.runnable) == 0 {
			d.mu.Unlock()
			return
		}
		key := d.runnable[0]
		d.runnable = d.runnable[1:]
		d.busy++
		d.mu.Unlock()

		d.run(key)

		d.mu.Lock()
		d.busy--
		d.cond.Broadcast()
		d.mu.Unlock()
	}
}

// run handles everything queued for one key: in-memory updates first (they
// arrived while Redis was failing), then the inbox.
func (d *dispatcher) run(key string) {
	for {
		d.mu.Lock()
		q := d.chats[key]
		switch {
		case len(q.local) > 0:
			j := q.local[0]
			q.local = q.local[1:]
			d.mu.Unlock()
			d.runLocal(key, j)
			<-d.slots
			close(j.accepted)
		case len(q.held) > 0:
			h := q.held[0]
			q.held = q.held[1:]
			q.remote = false // the drain reaches every update pushed before it ends
			d.mu.Unlock()
			d.drain(key, h)
		case q.remote:
			q.remote = false
			d.mu.Unlock()
			// On a Redis failure the updates stay in the inbox and the
			// sweeper reschedules the key once Redis answers again.
			d.drain(key, nil)
		default:
			q.scheduled = false
			delete(d.chats, key)
			d.mu.Unlock()
			return
		}
	}
}

// runLocal handles an in-memory update, under the chat's Redis lock when Redis works.
func (d *dispatcher) runLocal(key string, j *job) {
	if d.locker != nil && d.redisUp.Load() {
		ctx, cancel := context.WithTimeout(d.baseCtx, d.timeout)
		lock, err := d.locker.Lock(ctx, key)
		cancel()
		if err == nil {
			d.redisOK()
			defer d.unlock(lock)
			d.handle(j.m, true)
			return
		}
		d.redisFailed("lock", err)
	}
	d.handle(j.m, false)
}

// drain handles the key's inbox, oldest first, under the chat's lock: the push
// (pre) or acquire took the lock and returned the head, and each complete
// finishes an update and returns the next (one round trip each) until the list
// is empty. When another holder has the chat it drains the update we pushed, so
// there is nothing to wait for. On a Redis failure the updates stay in the inbox
// and the sweeper reschedules the key once Redis answers again (a lock we hold
// then expires after its TTL).
//
// pre, when not nil, is the chat as a push took it. If it waited in the queue
// for a third of the lock's TTL, the lock is renewed first (compare-and-expire:
// it fails if the lock expired meanwhile, and then the chat is left to whoever
// holds it now).
func (d *dispatcher) drain(key string, pre *held) {
	var (
		c   claim
		h   head
		err error
	)
	if pre != nil {
		c, h = pre.claim, pre.head
		if time.Since(pre.at) > d.inbox.lockTTL/3 {
			ok, err := d.inbox.renew(d.baseCtx, c)
			if err != nil {
				d.redisFailed("lock_renew", err)
				return
			}
			if !ok {
				d.log.Warn("chat lock expired while the chat waited for a worker", "key", key)
				return
			}
		}
	} else {
		c, h, err = d.inbox.acquire(d.baseCtx, key)
		if err != nil {
			d.redisFailed("inbox_acquire", err)
			return
		}
		d.redisOK()
	}
	for {
		d.duplicates(h.skipped)
		switch h.status {
		case headBusy, headEmpty:
			return
		case headLost:
			d.log.Warn("chat lock lost while handling; leaving the rest to its new holder", "key", key)
			return
		}
		id := d.handleHead(c, h)
		// Finishing a handled update matters even during shutdown: not under baseCtx.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		h, err = d.inbox.complete(ctx, c, id)
		cancel()
		if err != nil {
			d.redisFailed("inbox_complete", err)
			return
		}
	}
}

// handleHead handles the head update of a held chat and returns the update_id
// for complete to mark done ("" when Redis could not read it from the update).
// Redis already deduplicated it (skipped ids done, marked it running); the
// in-memory ids catch an update handled here whose complete failed.
func (d *dispatcher) handleHead(c claim, h head) string {
	var u models.Update
	if err := json.Unmarshal(h.raw, &u); err != nil {
		d.log.Error("dropping undecodable update from the inbox", "key", c.key, "err", err)
		return h.id
	}
	m, ok := mapUpdate(&u)
	if !ok {
		return h.id
	}
	stop := d.renewWhileLong(c)
	defer stop()
	if h.id == "" {
		// Redis could not read the id (an unusual JSON layout): deduplicate with
		// the separate dedup calls.
		d.handle(m, true)
		return ""
	}
	if d.recent.has(u.ID) {
		d.duplicates(1)
		d.log.Debug("duplicate update", "update_id", u.ID)
		return h.id
	}
	if h.rerun {
		d.log.Warn("handling an update again whose earlier handling did not finish", "update_id", u.ID)
	}
	d.call(m)
	d.recent.add(u.ID)
	return h.id
}

// renewWhileLong renews the chat's lock every third of its TTL while one
// update's handling runs that long; short handling costs no renewal (complete
// renews the lock anyway). The returned function stops it.
func (d *dispatcher) renewWhileLong(c claim) (stop func()) {
	every := d.inbox.lockTTL / 3
	var (
		mu      sync.Mutex
		stopped bool
		t       *time.Timer
	)
	tick := func() {
		ctx, cancel := context.WithTimeout(context.Background(), every)
		held, err := d.inbox.renew(ctx, c)
		cancel()
		switch {
		case err != nil:
			d.redisFailed("lock_renew", err)
		case !held:
			d.log.Warn("chat lock lost while handling", "key", c.key)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			t.Reset(every)
		}
	}
	mu.Lock()
	t = time.AfterFunc(every, tick)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// duplicates counts n updates dropped as already handled.
func (d *dispatcher) duplicates(n int) {
	for range n {
		d.metrics.Duplicate()
	}
}

func (d *dispatcher) unlock(lock *redisstore.Lock) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := lock.Unlock(ctx); err != nil {
		d.redisFailed("unlock", err)
	}
}

// handle runs the conversation for one update, once per update_id (an update
// held in memory, or an inbox update whose id Redis could not read).
// locked says the chat's Redis lock is held.
func (d *dispatcher) handle(m mapped, locked bool) {
	id := m.update.ID
	if id != 0 && d.recent.has(id) {
		d.metrics.Duplicate()
		d.log.Debug("duplicate update", "update_id", id)
		return
	}
	useRedis := d.dedup != nil && id != 0 && (locked || d.redisUp.Load())
	if useRedis {
		claim, err := d.dedup.Begin(d.baseCtx, id)
		switch {
		case err != nil:
			d.redisFailed("dedup", err)
			useRedis = false
		case claim == redisstore.ClaimDone, claim == redisstore.ClaimRunning && !locked:
			d.redisOK()
			d.metrics.Duplicate()
			d.recent.add(id)
			d.log.Debug("duplicate update", "update_id", id, "claim", claim.String())
			return
		case claim == redisstore.ClaimRunning:
			d.log.Warn("handling an update again whose earlier handling did not finish", "update_id", id)
		}
	}
	d.call(m)
	if id != 0 {
		d.recent.add(id)
	}
	if useRedis {
		if err := d.dedup.Done(d.baseCtx, id); err != nil {
			d.redisFailed("dedup", err)
		}
	}
}

// call runs the conversation with a timeout, recovering a panic.
func (d *dispatcher) call(m mapped) {
	n := d.running.Add(1)
	for {
		old := d.maxRunning.Load()
		if n <= old || d.maxRunning.CompareAndSwap(old, n) {
			break
		}
	}
	d.metrics.InFlight(1)
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			// The panic value and stack are code facts; the update's text is not logged.
			d.log.Error("conversation panicked", "update_id", m.update.ID, "kind", m.kind,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		d.metrics.InFlight(-1)
		d.metrics.Handled(m.kind, time.Since(start))
		d.running.Add(-1)
	}()
	ctx, cancel := context.WithTimeout(d.baseCtx, d.timeout)
	defer cancel()
	if err := d.conv.Handle(ctx, d.replier, m.update); err != nil {
		d.log.Error("handling update failed", "update_id", m.update.ID, "kind", m.kind, "err", err)
	}
}

// sweep reschedules keys with queued inbox updates: after a Redis outage, after a
// crash of the replica that took them, or when a drain stopped early.
func (d *dispatcher) sweep(ctx context.Context) {
	keys, err := d.inbox.pending(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.redisFailed("inbox_pending", err)
		}
		return
	}
	d.redisOK()
	for _, k := range keys {
		d.schedule(k, nil)
	}
}

// redisFailed counts a Redis error and logs the outage once.
func (d *dispatcher) redisFailed(op string, err error) {
	d.metrics.RedisError(op)
	if d.redisUp.CompareAndSwap(true, false) {
		d.log.Error("redis unavailable: answering without cross-replica ordering and durable deduplication until it is back",
			"op", op, "err", err)
	}
}

// redisOK notes a working Redis operation and logs the recovery once.
func (d *dispatcher) redisOK() {
	if d.redisUp.CompareAndSwap(false, true) {
		d.log.Info("redis available again")
	}
}

// close stops taking updates, handles everything in hand (at most grace long),
// then stops the workers.
func (d *dispatcher) close(grace time.Duration) error {
	d.mu.Lock()
	d.closing = true
	d.mu.Unlock()
	timer := time.AfterFunc(grace, func() {
		d.cancel() // handlers still running get a cancelled context
		d.mu.Lock()
		d.stopping = true
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer timer.Stop()
	d.mu.Lock()
	for (len(d.runnable) > 0 || d.busy > 0) && !d.stopping {
		d.cond.Wait()
	}
	forced := d.stopping
	left := len(d.runnable)
	d.stopping = true
	d.cond.Broadcast()
	d.mu.Unlock()
	d.wg.Wait()
	d.cancel()
	if forced {
		return fmt.Errorf("shutdown grace of %s passed with %d chats still queued", grace, left)
	}
	return nil
}
