package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// handleLocal handles an update held in memory; skipped is the number of the
// chat's updates the cap dropped before it.
func (d *dispatcher) handleLocal(j *job, skipped int) *turn {
	t := newTurn()
	t.job, t.updateID, t.kind = j, j.m.update.ID, j.m.kind
	if id := j.m.update.ID; id != 0 && d.recent.has(id) {
		d.metrics.Duplicate()
		d.log.Debug("duplicate update", "update_id", id)
		return t
	}
	m := j.m
	m.update.Skipped = skipped
	d.call(m, t, nil)
	return t
}

// handleHead handles the inbox head in hand. Redis already deduplicated it
// (skipped ids done, marked it running); the in-memory ids catch an update
// handled here whose complete failed.
func (d *dispatcher) handleHead(c *chat) *turn {
	h := c.head
	c.head = head{}
	t := newTurn()
	t.redisID = h.id
	m, ok := d.decodeHead(c.key, h)
	if !ok {
		return t
	}
	id := m.update.ID
	t.updateID, t.kind = id, m.kind
	if d.recent.has(id) {
		d.metrics.Duplicate()
		d.log.Debug("duplicate update", "update_id", id)
		return t
	}
	if h.rerun {
		d.log.Warn("handling an update again whose earlier handling did not finish", "update_id", id)
	}
	m.update.Skipped = h.flood
	d.call(m, t, h.state)
	return t
}

// decodeHead returns the head's update mapped for the conversation: as this
// process decoded it when it pushed it, else decoded from the inbox's JSON. ok
// is false for an update to drop.
func (d *dispatcher) decodeHead(key string, h head) (mapped, bool) {
	if h.m != nil {
		return *h.m, true
	}
	var u models.Update
	if err := json.Unmarshal(h.raw, &u); err != nil {
		d.log.Error("dropping undecodable update from the inbox", "key", key, "err", err)
		return mapped{}, false
	}
	return mapUpdate(&u, d.me)
}

// call runs the conversation with a timeout and a recorder as its Replier,
// recovering a panic; the turn gets the replies recorded (also those before a
// panic). state, when not nil, is the chat's state read along with the update:
// the conversation's store takes it from the context instead of asking Redis.
func (d *dispatcher) call(m mapped, t *turn, state *prefetched) {
	rec := &recorder{}
	rec.admins, _ = d.api.(handlers.AdminChecker) // a question for the Bot API, asked at once
	d.metrics.InFlight(1)
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			// The panic value and stack are code facts; the update's text is not logged.
			d.log.Error("conversation panicked", "update_id", m.update.ID, "kind", m.kind,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		t.replies = rec.close()
		t.born = time.Now()
		d.metrics.InFlight(-1)
		d.metrics.Handled(m.kind, time.Since(start))
	}()
	ctx, cancel := context.WithTimeout(d.baseCtx, d.timeout)
	defer cancel()
	if state != nil {
		ctx = handlers.WithPrefetched(ctx, &handlers.Prefetched{Key: state.key, Value: state.value, Found: state.found})
	}
	if err := d.conv.Handle(ctx, rec, m.update); err != nil {
		d.log.Error("handling update failed", "update_id", m.update.ID, "kind", m.kind, "err", err)
	}
}
