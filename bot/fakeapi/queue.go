package fakeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Queue is the getUpdates side of a fake Bot API, as Telegram keeps it: updates
// wait in the order they were pushed until a getUpdates offset above their
// update_id confirms them, and a confirmed update is gone for good. Server
// serves getUpdates from one, and so does the load tool's lean fake. It is safe
// for concurrent use.
type Queue struct {
	mu        sync.Mutex
	items     []queued
	next      int64         // the update_id of the next update pushed without one
	confirmed int64         // every update below this offset was confirmed
	wake      chan struct{} // closed and replaced on every push and confirmation
}

// queued is one update waiting to be fetched with getUpdates.
type queued struct {
	id  int64
	raw json.RawMessage
}

// NewQueue returns an empty queue whose first update gets update_id first.
func NewQueue(first int64) *Queue {
	return &Queue{next: first, wake: make(chan struct{})}
}

// Push queues updates. An update whose ID is 0 gets the next free update_id; an
// explicit ID is kept (pushing one ID twice simulates a duplicate delivery). It
// returns the update_ids in order.
func (q *Queue) Push(updates ...models.Update) []int64 {
	ids := make([]int64, 0, len(updates))
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, u := range updates {
		if u.ID == 0 {
			u.ID = q.next
		}
		raw, err := json.Marshal(&u)
		if err != nil {
			panic(fmt.Sprintf("fakeapi: marshal update: %v", err))
		}
		q.pushLocked(u.ID, raw)
		ids = append(ids, u.ID)
	}
	q.wakeLocked()
	return ids
}

// PushRaw queues one update given as raw JSON with its update_id, exactly as it
// will be served (for malformed or unusual updates).
func (q *Queue) PushRaw(id int64, raw json.RawMessage) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pushLocked(id, raw)
	q.wakeLocked()
}

func (q *Queue) pushLocked(id int64, raw json.RawMessage) {
	if id >= q.next {
		q.next = id + 1
	}
	q.items = append(q.items, queued{id: id, raw: raw})
}

// NextID reserves and returns a fresh update_id (for an update sent otherwise,
// e.g. to a webhook).
func (q *Queue) NextID() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := q.next
	q.next++
	return id
}

// Pending is the number of queued updates not yet confirmed.
func (q *Queue) Pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Confirmed is the highest offset confirmed: every update below it is gone.
func (q *Queue) Confirmed() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.confirmed
}

// Changed returns a channel that is closed at the next push or confirmation.
func (q *Queue) Changed() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.wake
}

// Drop forgets every pending update (setWebhook or deleteWebhook with
// drop_pending_updates).
func (q *Queue) Drop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = nil
	q.wakeLocked()
}

// Confirm confirms every update below offset, as a getUpdates call with that
// offset does: they are dropped for good.
func (q *Queue) Confirm(offset int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if offset <= q.confirmed {
		return
	}
	q.confirmed = offset
	kept := q.items[:0]
	for _, it := range q.items {
		if it.id >= offset {
			kept = append(kept, it)
		}
	}
	clear(q.items[len(kept):])
	q.items = kept
	q.wakeLocked()
}

// Poll answers a getUpdates call after its offset was confirmed (Confirm): at
// most limit updates at or above offset, in queue order. When there are none it
// waits up to timeout for one; it returns nothing early when ctx ends or done is
// closed (a server shutting down).
func (q *Queue) Poll(ctx context.Context, offset int64, limit int, timeout time.Duration, done <-chan struct{}) []json.RawMessage {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		q.mu.Lock()
		var out []json.RawMessage
		for _, it := range q.items {
			if len(out) == limit {
				break
			}
			if it.id >= offset {
				out = append(out, it.raw)
			}
		}
		wake := q.wake
		q.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			return out
		}
		select {
		case <-wake:
		case <-deadline.C:
			return nil
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		}
	}
}

func (q *Queue) wakeLocked() {
	close(q.wake)
	q.wake = make(chan struct{})
}
