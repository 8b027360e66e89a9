package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Delivery policy for the conversation's replies:
//
//   - 429: wait exactly retry_after (the chat is parked, no worker waits) and
//     send the same request again. Waiting does not count as a failed attempt.
//   - 5xx, network, 401: back off (0.5 s, doubling, at most maxBackoff) and
//     send again. A request is sent again only after the API answered with an
//     error or the connection failed; only in the last case, when the
//     connection broke after Telegram had processed it, can a message arrive
//     twice (no Bot API method is idempotent).
//   - 400 and 403 (the request is wrong, or the parent blocked the bot): not
//     sent again; logged and counted, and the next reply goes on.
//   - A reply older than the dispatcher's maxAge (hours) is given up, logged
//     and counted (sozialraumbot_replies_total{result="expired"}): the only way
//     a reply is dropped for waiting.

const (
	sendTimeout  = 30 * time.Second // one Bot API call
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 30 * time.Second
)

// delivery is how deliver left the chat's turn.
type delivery int

const (
	delivered delivery = iota // every reply delivered or given up: finish the turn
	waiting                   // park the chat for the returned time, then go on
	abandoned                 // the turn is no longer this process's (lock lost, or shutdown)
)

// deliver sends the turn's remaining replies in order.
func (d *dispatcher) deliver(c *chat) (delivery, time.Duration) {
	t := c.cur
	for t.next < len(t.replies) {
		if t.job == nil && c.claim != nil && c.claim.lost.Load() {
			d.log.Warn("chat lock lost before the replies were delivered; its new holder answers the update",
				"key", c.key, "update_id", t.updateID)
			d.dropClaim(c)
			c.cur = nil
			return abandoned, 0
		}
		now := time.Now()
		if age := now.Sub(t.born); age > d.maxAge {
			n := len(t.replies) - t.next
			d.log.Error("giving up replies that could not be delivered in time",
				"key", c.key, "update_id", t.updateID, "replies", n, "age", age.Round(time.Second))
			for range n {
				d.metrics.Reply("expired")
			}
			t.next = len(t.replies)
			break
		}
		r := &t.replies[t.next]
		if r.paced() {
			if w := d.pace.wait(r.chatID, now); w > 0 {
				return waiting, w
			}
		}
		ctx, cancel := context.WithTimeout(d.baseCtx, sendTimeout)
		err := r.send(ctx, d.api)
		cancel()
		if err == nil {
			t.next++
			t.failures = 0
			d.metrics.Reply("delivered")
			continue
		}
		if d.baseCtx.Err() != nil {
			return abandoned, 0 // shutting down: the update stays unfinished (answered after the restart)
		}
		var ra *handlers.RetryAfterError
		switch {
		case errors.As(err, &ra):
			wait := max(ra.After, time.Second)
			d.logWait(t, "reply waits for Telegram's rate limit", r, err, wait)
			return waiting, wait
		case errors.Is(err, handlers.ErrTemporary):
			t.failures++
			wait := min(firstBackoff<<min(t.failures-1, 10), maxBackoff)
			d.logWait(t, "telegram call failed, retrying", r, err, wait)
			return waiting, wait
		default:
			level := slog.LevelWarn
			if errors.Is(err, handlers.ErrBlocked) {
				level = slog.LevelInfo
			}
			d.log.Log(d.baseCtx, level, "reply not delivered", "key", c.key, "update_id", t.updateID,
				"method", r.method, "err", err)
			d.metrics.Reply("failed")
			t.next++
		}
	}
	return delivered, 0
}

// logWait logs the first wait of a turn as a warning and later ones at debug
// level: a chat under a long 429 would otherwise write a line every second.
func (d *dispatcher) logWait(t *turn, msg string, r *reply, err error, wait time.Duration) {
	level := slog.LevelDebug
	if !t.waited {
		t.waited, level = true, slog.LevelWarn
	}
	d.log.Log(d.baseCtx, level, msg, "method", r.method, "update_id", t.updateID, "err", err, "wait", wait)
}
