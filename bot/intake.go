package bot

import (
	"bytes"
	"context"
	"strconv"

	"github.com/go-telegram/bot/models"
)

// job is one update held in memory (without Redis, or while it is down).
type job struct {
	m        mapped
	accepted chan struct{} // closed when its replies are delivered (or it was skipped)
	pushed   bool          // a failed push may have written it to the inbox as well
}

// incoming is one update offered to the dispatcher: its JSON as received and decoded.
type incoming struct {
	raw []byte
	u   *models.Update
}

// closedChan is an already closed channel: "accepted at once".
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// submit takes an update. The returned channel is closed once the update is
// safe: written to the Redis inbox (at once) or, without Redis, handled and its
// replies delivered. raw is the update's JSON as received, kept in the inbox.
func (d *dispatcher) submit(ctx context.Context, raw []byte, u *models.Update) (<-chan struct{}, error) {
	acc, err := d.submitBatch(ctx, []incoming{{raw: raw, u: u}})
	if err != nil {
		return nil, err
	}
	return acc[0], nil
}

// submitBatch takes updates in arrival order, writing all of them to the Redis
// inbox in one round trip. It returns one channel per update, closed once the
// update is safe (as submit). On an error it returns the channels of the
// updates taken before it, in order; the rest were not taken.
func (d *dispatcher) submitBatch(ctx context.Context, in []incoming) ([]<-chan struct{}, error) {
	acc := make([]<-chan struct{}, len(in))
	ms := make([]mapped, len(in))
	var es []entry
	var ems []*mapped // the decoded update of each entry
	for i, x := range in {
		m, ok := mapUpdate(x.u, d.me)
		d.metrics.Update(m.kind)
		if !ok {
			d.log.Debug("ignoring update", "update_id", x.u.ID, "type", ignoredType(x.u))
			acc[i] = closedChan
			continue
		}
		ms[i] = m
		es = append(es, entry{key: m.key, raw: x.raw})
		ems = append(ems, &ms[i])
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
	pushed := false
	if d.redisUp() {
		res, err := d.inbox.push(ctx, es...)
		if err == nil {
			d.duplicates(res.duplicates)
			d.metrics.Skipped(res.dropped)
			for k, h := range res.took {
				for i, e := range es {
					if e.key == k && bytes.Equal(e.raw, h.head.raw) {
						h.head.m = ems[i] // the head is an update of this batch: decoded already
						break
					}
				}
				d.leases.hold(h.claim)
				d.adopt(k, h)
			}
			for i := range acc {
				if acc[i] == nil {
					acc[i] = closedChan
				}
			}
			return acc, nil
		}
		// The script may have run although its answer was lost: give its locks
		// back when Redis answers again (see finish for the updates themselves).
		for _, c := range res.claims {
			d.leases.giveBack(stale{key: c.key, token: c.token}, nil)
		}
		if ctx.Err() != nil {
			return taken(acc), ctx.Err()
		}
		d.redisFailed("inbox_push", err)
		pushed = true
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
		j := &job{m: ms[i], accepted: make(chan struct{}), pushed: pushed}
		d.queueLocal(ms[i].key, j)
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

// chatLocked returns the chat of key, created when new. d.mu must be held.
func (d *dispatcher) chatLocked(key string) *chat {
	c := d.chats[key]
	if c == nil {
		c = &chat{key: key}
		d.chats[key] = c
	}
	return c
}

// adopt hands a chat a push took (lock held, head in hand) to its worker.
func (d *dispatcher) adopt(key string, h *held) {
	d.mu.Lock()
	c := d.chatLocked(key)
	if c.held != nil {
		// An earlier push's lock expired before the chat got to it (it was
		// taken again): that claim is void.
		d.leases.drop(c.held.claim)
	}
	c.held = h
	d.mu.Unlock()
	d.sched.ready(c)
}

// queueLocal queues an update held in memory. A chat keeps at most maxPending,
// the one in hand included (as the Redis inbox does); the oldest waiting one is
// skipped to make room (the conversation is told with the next update it gets,
// Update.Skipped).
func (d *dispatcher) queueLocal(key string, j *job) {
	var drop *job
	d.mu.Lock()
	c := d.chatLocked(key)
	if len(c.local) >= d.maxPending-1 {
		drop = c.local[0]
		c.local[0] = nil
		c.local = c.local[1:]
		c.skipped++
	}
	c.local = append(c.local, j)
	d.mu.Unlock()
	if drop != nil {
		d.metrics.Skipped(1)
		d.recent.add(drop.m.update.ID)
		d.doneLocal(drop)
	}
	d.sched.ready(c)
}

// doneLocal accepts an in-memory update (its replies are delivered, or it was
// skipped). If a failed push may have written it to the inbox too, its id is
// marked done there, so that the inbox copy is not answered again.
func (d *dispatcher) doneLocal(j *job) {
	if j.pushed && j.m.update.ID != 0 {
		d.leases.giveBack(stale{key: j.m.key, done: []string{strconv.FormatInt(j.m.update.ID, 10)}}, nil)
	}
	<-d.slots
	close(j.accepted)
}
