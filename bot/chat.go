package bot

import "time"

// chat is one ordering key (a chat, or a user's inline queries) in this process.
type chat struct {
	key  string
	slot slot // the scheduler's, under sched.mu

	// What came in for the chat, under dispatcher.mu.
	local   []*job // updates held in memory, oldest first, at most maxPending
	skipped int    // local updates skipped by the cap and not told yet
	remote  bool   // the Redis inbox may hold updates nobody holds (sweep)
	held    *held  // the chat as a push took it: lock held, head in hand

	// The worker's: only the worker running the chat touches them.
	claim *claim // the chat's Redis lock, held by this process
	head  head   // the next inbox update, in hand while claim is held
	cur   *turn  // the update handled, its replies being delivered
}

// sliceUpdates is how many updates of one chat a worker finishes before the
// chat goes to the back of the queue and other chats go first.
const sliceUpdates = 4

// step runs one slice of a chat: it delivers the replies of the update in hand
// and finishes it, takes the next update and handles it, and so on, until the
// slice is used up, a reply has to wait (the chat is parked) or nothing is left.
func (d *dispatcher) step(c *chat) outcome {
	for n := 0; n < sliceUpdates; {
		if c.cur == nil && !d.next(c) {
			break
		}
		switch how, wait := d.deliver(c); how {
		case waiting:
			return outcome{kind: park, wait: wait}
		case abandoned:
			if d.baseCtx.Err() != nil {
				return outcome{kind: idle} // hard stop: leave everything as it is
			}
			continue
		}
		d.finish(c)
		n++
	}
	return d.retire(c)
}

// retire ends a slice: the chat goes to the back of the queue if anything is
// left, else it leaves the dispatcher (a later update makes a new one).
func (d *dispatcher) retire(c *chat) outcome {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.cur != nil || c.claim != nil || len(c.local) > 0 || c.held != nil || c.remote {
		return outcome{kind: more}
	}
	delete(d.chats, c.key)
	return outcome{kind: idle}
}

// next takes the chat's next update and handles it into c.cur: updates held in
// memory first (they came while Redis failed), then the inbox head in hand,
// then, after a sweep, the inbox. It reports false when there is none now.
func (d *dispatcher) next(c *chat) bool {
	d.mu.Lock()
	if len(c.local) > 0 {
		j := c.local[0]
		c.local[0] = nil
		c.local = c.local[1:]
		skipped := c.skipped
		c.skipped = 0
		if c.held != nil {
			c.held.head.state = nil // this turn may change the state read along with it
		}
		d.mu.Unlock()
		c.head.state = nil
		c.cur = d.handleLocal(j, skipped)
		return true
	}
	if h := c.held; h != nil {
		c.held = nil
		if c.claim != nil {
			// The push could take the lock only because ours had expired.
			d.leases.drop(c.claim)
		}
		c.claim, c.head = h.claim, h.head
		d.duplicates(h.head.skipped)
	}
	remote := c.remote
	c.remote = false
	d.mu.Unlock()

	if c.claim != nil && c.claim.lost.Load() {
		d.log.Warn("chat lock lost while the chat waited; leaving it to its new holder", "key", c.key)
		d.dropClaim(c)
	}
	if c.claim == nil && remote && d.redisUp() {
		cl, h, err := d.inbox.acquire(d.baseCtx, c.key)
		if err != nil {
			d.leases.giveBack(stale{key: c.key, token: cl.token}, nil)
			if d.baseCtx.Err() == nil {
				d.redisFailed("inbox_acquire", err)
			}
			return false
		}
		d.duplicates(h.skipped)
		if h.status != headReady {
			return false
		}
		d.leases.hold(cl)
		c.claim, c.head = cl, h
	}
	if c.claim == nil {
		return false
	}
	c.cur = d.handleHead(c)
	return true
}

// finish ends the turn whose replies are delivered: an update held in memory
// is accepted; an inbox update is completed (marked done and popped, the next
// head comes back with the lock kept, or the lock is released when the chat
// is empty). When Redis fails here, the update is remembered as finished and
// marked done once Redis is back, and the chat's lock given back then.
func (d *dispatcher) finish(c *chat) {
	t := c.cur
	c.cur = nil
	if t.updateID != 0 {
		d.recent.add(t.updateID)
	}
	if t.job != nil {
		d.doneLocal(t.job)
		return
	}
	cl := c.claim
	ids := []string{t.redisID}
	if t.redisID == "" {
		ids = nil
	}
	if cl.lost.Load() || !d.redisUp() {
		if cl.lost.Load() {
			d.log.Warn("chat lock lost while delivering; leaving the chat to its new holder", "key", c.key)
			d.leases.giveBack(stale{key: c.key, done: ids}, cl)
		} else {
			d.leases.giveBack(stale{key: c.key, token: cl.token, done: ids}, cl)
		}
		c.claim, c.head = nil, head{}
		return
	}
	h, err := d.completer.complete(cl, t.redisID)
	if err != nil {
		d.leases.giveBack(stale{key: c.key, token: cl.token, done: ids}, cl)
		c.claim, c.head = nil, head{}
		d.redisFailed("inbox_complete", err)
		return
	}
	d.duplicates(h.skipped)
	switch h.status {
	case headReady:
		c.head = h
	case headLost:
		d.log.Warn("chat lock lost while handling; leaving the rest to its new holder", "key", c.key)
		d.dropClaim(c)
	default: // empty: the lock is released
		d.dropClaim(c)
	}
}

// dropClaim forgets the chat's lock (released by complete, or lost).
func (d *dispatcher) dropClaim(c *chat) {
	d.leases.drop(c.claim)
	c.claim, c.head = nil, head{}
}

// newTurn starts a turn now.
func newTurn() *turn { return &turn{born: time.Now()} }
