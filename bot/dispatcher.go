package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Conversation is what the bot hands updates to: handlers.Handler in production.
type Conversation interface {
	Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error
}

// ErrShuttingDown is returned for updates offered while the bot shuts down.
var ErrShuttingDown = errors.New("bot is shutting down")

// dispatcher hands updates to the conversation and delivers its replies. The
// concerns live in their own files:
//
//   - intake.go: updates come in (the Redis inbox, or memory), bounded per chat;
//   - sched.go: a fixed pool of workers runs chats fairly, one slice at a time,
//     and parks a chat that has to wait;
//   - chat.go: one chat's steps: take the next update, handle it, deliver its
//     replies (deliver.go, paced by pace.go), finish it;
//   - turn.go: the conversation call, deduplication, panics and metrics;
//   - inbox.go, complete.go, lease.go, redishealth.go: the Redis side.
//
// Updates of one chat (one ordering key) are handled one after another in
// arrival order, and the next one only after the replies of the previous one
// were delivered; different chats run concurrently.
type dispatcher struct {
	conv       Conversation
	me         identity         // who the bot is, for what in a group is meant for it
	api        handlers.Replier // the Bot API, without retries (Sender)
	log        *slog.Logger
	metrics    Metrics
	timeout    time.Duration // one conversation call
	maxPending int           // updates waiting per chat before the oldest are skipped
	maxAge     time.Duration // a reply is given up after waiting this long
	pace       *pacer
	recent     *recentIDs
	slots      chan struct{} // bounds the updates held in memory
	sched      *sched

	// Redis parts; all nil without Redis.
	inbox      *inbox
	completer  *completer
	leases     *leases
	health     *redisHealth
	sweepEvery time.Duration

	mu      sync.Mutex
	chats   map[string]*chat
	closing bool // no new updates

	baseCtx context.Context // handlers and sends run under it; cancelled after the shutdown grace
	cancel  context.CancelFunc
	bg      sync.WaitGroup // lease keeper and sweeper
	stopBg  context.CancelFunc
}

type dispatcherConfig struct {
	conv       Conversation
	me         identity
	api        handlers.Replier
	log        *slog.Logger
	metrics    Metrics
	workers    int
	maxQueued  int
	maxPending int
	timeout    time.Duration
	maxAge     time.Duration
	pace       ChatPace
	inbox      *inbox // nil without Redis
	ping       func(context.Context) error
	sweepEvery time.Duration
	probeEvery time.Duration
}

func newDispatcher(c dispatcherConfig) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &dispatcher{
		conv: c.conv, me: c.me, api: c.api, log: c.log, metrics: orNop(c.metrics),
		timeout: c.timeout, maxPending: max(c.maxPending, 2), maxAge: c.maxAge,
		pace:    newPacer(c.pace),
		recent:  newRecentIDs(8192),
		slots:   make(chan struct{}, c.maxQueued),
		chats:   map[string]*chat{},
		baseCtx: ctx, cancel: cancel,
		sweepEvery: c.sweepEvery,
	}
	if c.inbox != nil {
		d.inbox = c.inbox
		d.completer = &completer{q: c.inbox}
		d.health = &redisHealth{log: c.log, metrics: d.metrics, every: c.probeEvery, ping: c.ping, ctx: ctx,
			reclaim: func(ctx context.Context) error { return d.leases.releaseStale(ctx) },
			resume:  d.sweep}
		d.leases = newLeases(c.inbox, d.health)
	}
	d.sched = newSched(c.workers, d.step)
	return d
}

// start runs the lease keeper and the sweeper (with Redis). The caller sweeps
// once before taking updates.
func (d *dispatcher) start() {
	if d.inbox == nil {
		return
	}
	ctx, cancel := context.WithCancel(d.baseCtx)
	d.stopBg = cancel
	d.bg.Go(func() { every(ctx, d.inbox.lease/3, d.leases.tick) })
	d.bg.Go(func() { every(ctx, d.sweepEvery, d.sweep) })
}

// every calls f every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f(ctx)
		}
	}
}

// sweep schedules the pending chats nobody holds: left by a crashed replica
// (once its lease ran out) or by a Redis outage.
func (d *dispatcher) sweep(ctx context.Context) {
	if !d.health.up() {
		return
	}
	keys, err := d.inbox.unclaimed(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.health.failed("inbox_sweep", err)
		}
		return
	}
	for _, k := range keys {
		d.mu.Lock()
		c := d.chatLocked(k)
		c.remote = true
		d.mu.Unlock()
		d.sched.ready(c)
	}
}

// redisFailed counts a failed Redis operation (and marks Redis down).
func (d *dispatcher) redisFailed(op string, err error) { d.health.failed(op, err) }

// redisUp reports whether the Redis inbox is in use now.
func (d *dispatcher) redisUp() bool { return d.inbox != nil && d.health.up() }

// duplicates counts n updates dropped as already handled.
func (d *dispatcher) duplicates(n int) {
	for range n {
		d.metrics.Duplicate()
	}
}

// stopIntake turns new updates away (ErrShuttingDown).
func (d *dispatcher) stopIntake() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closing = true
}

// close stops taking updates and finishes the chats in hand (handled, replies
// delivered, completed), at most grace long; then the workers stop and, with
// Redis, every chat still held is given back, so that another replica or the
// next start takes it over at once. A chat whose reply waits for Telegram
// beyond the grace is not waited for: its update stays unfinished and is
// answered after the restart (or, without Redis, delivered again by Telegram,
// since it was never confirmed).
func (d *dispatcher) close(grace time.Duration) error {
	d.stopIntake()
	hard := time.AfterFunc(grace, d.cancel) // conversations and sends in progress give up
	busy, waiting := d.sched.drain(time.Now().Add(grace))
	hard.Stop()
	if d.inbox != nil {
		if d.stopBg != nil {
			d.stopBg()
		}
		d.bg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
		if err := d.leases.releaseAll(ctx); err != nil {
			d.log.Warn("could not give back the chats held at shutdown; they are taken over when their lease ends", "err", err)
		}
		cancel()
	}
	d.cancel()
	if d.health != nil {
		d.health.wait()
	}
	if waiting > 0 {
		d.log.Warn("shut down with replies waiting for Telegram; their updates are answered after the restart",
			"chats", waiting)
	}
	if busy > 0 {
		return fmt.Errorf("shutdown grace of %s passed with %d chats still in progress", grace, busy)
	}
	return nil
}
