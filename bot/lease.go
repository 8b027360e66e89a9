package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// leases keeps the chat locks this process holds alive and gives back the ones
// it lets go of. Every third of the lease it renews all held locks in one round
// trip (renewManyScript), so the lease can be short: a crashed replica's chats
// are free again within one lease, not after a fixed 30 s. A lock it finds lost
// (expired, or taken by another holder) is flagged on its claim; the chat then
// stops and leaves the update to the new holder.
//
// Chats whose Redis step failed (Redis went away under them) are "stale": the
// lock may still be in Redis with our token, and updates may have been finished
// since without being marked done. They are released (the finished ids marked
// done, the locks deleted by compare-and-delete) as soon as Redis answers again,
// so no chat waits for an old lock to expire after an outage, and no finished
// update is answered again.
type leases struct {
	q      *inbox
	health *redisHealth

	mu    sync.Mutex
	held  map[string]*claim
	stale []stale
}

func newLeases(q *inbox, h *redisHealth) *leases {
	return &leases{q: q, health: h, held: map[string]*claim{}}
}

// hold starts keeping c alive.
func (l *leases) hold(c *claim) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[c.key] = c
}

// drop stops keeping c alive (released by complete, or lost).
func (l *leases) drop(c *claim) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[c.key] == c {
		delete(l.held, c.key)
	}
}

// giveBack drops a claim (if any) and remembers the chat for release.
func (l *leases) giveBack(s stale, c *claim) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c != nil && l.held[c.key] == c {
		delete(l.held, c.key)
	}
	l.stale = append(l.stale, s)
}

// tick releases the chats given back and renews the held ones; it runs every
// third of the lease, each run bounded by that.
func (l *leases) tick(ctx context.Context) {
	if !l.health.up() {
		return // the health probe releases when Redis is back
	}
	ctx, cancel := context.WithTimeout(ctx, l.q.lease/3)
	defer cancel()
	if err := l.releaseStale(ctx); err == nil {
		l.renew(ctx)
	}
}

// renewBatch bounds one script call.
const renewBatch = 512

// renew extends every held lock and flags the lost ones.
func (l *leases) renew(ctx context.Context) {
	l.mu.Lock()
	cs := make([]*claim, 0, len(l.held))
	for _, c := range l.held {
		cs = append(cs, c)
	}
	l.mu.Unlock()
	for part := range slices.Chunk(cs, renewBatch) {
		lost, err := l.q.renewMany(ctx, part)
		if err != nil {
			if !errors.Is(ctx.Err(), context.Canceled) { // not shutdown
				l.health.failed("lock_renew", err)
			}
			return
		}
		for _, c := range lost {
			c.lost.Store(true)
			l.drop(c)
		}
	}
}

// releaseStale releases the chats given back; on an error they are kept for
// the next try.
func (l *leases) releaseStale(ctx context.Context) error {
	l.mu.Lock()
	ss := l.stale
	l.stale = nil
	l.mu.Unlock()
	if len(ss) == 0 {
		return nil
	}
	for part := range slices.Chunk(ss, renewBatch) {
		if err := l.q.release(ctx, part); err != nil {
			l.mu.Lock()
			l.stale = append(l.stale, ss...)
			l.mu.Unlock()
			l.health.failed("lock_release", err)
			return err
		}
	}
	return nil
}

// releaseAll gives back every chat at shutdown, so that another replica (or
// this one after a restart) takes them at once instead of after the lease.
func (l *leases) releaseAll(ctx context.Context) error {
	l.mu.Lock()
	for _, c := range l.held {
		l.stale = append(l.stale, stale{key: c.key, token: c.token})
	}
	clear(l.held)
	l.mu.Unlock()
	return l.releaseStale(ctx)
}
