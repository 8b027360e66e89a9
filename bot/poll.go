package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// getUpdatesResponse is the Bot API's answer to getUpdates.
type getUpdatesResponse struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// getUpdates calls the Bot API's getUpdates directly: go-telegram/bot has no
// public call for it, and its own polling loop confirms updates before they are
// handled.
func (b *Bot) getUpdates(ctx context.Context, offset int64, timeout time.Duration, limit int) ([]json.RawMessage, error) {
	params := map[string]any{"offset": offset, "timeout": int(timeout / time.Second), "limit": limit}
	if len(b.opts.AllowedUpdates) > 0 {
		params["allowed_updates"] = b.opts.AllowedUpdates
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encoding getUpdates: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+"/bot"+b.opts.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %s", redact(err.Error(), b.opts.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.httpClient.Do(req)
	if err != nil {
		b.metrics.APIError(0)
		return nil, fmt.Errorf("getUpdates: %s", redact(err.Error(), b.opts.Token))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		b.metrics.APIError(0)
		return nil, fmt.Errorf("getUpdates: reading answer: %s", redact(err.Error(), b.opts.Token))
	}
	var r getUpdatesResponse
	if err := json.Unmarshal(data, &r); err != nil {
		b.metrics.APIError(resp.StatusCode)
		return nil, fmt.Errorf("getUpdates: HTTP %d with an unreadable answer", resp.StatusCode)
	}
	if !r.OK {
		b.metrics.APIError(r.ErrorCode)
		return nil, &pollError{code: r.ErrorCode, desc: r.Description, retryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	return r.Result, nil
}

// pollError is a getUpdates call Telegram answered with an error.
type pollError struct {
	code       int
	desc       string
	retryAfter time.Duration
}

func (e *pollError) Error() string { return fmt.Sprintf("getUpdates: %d: %s", e.code, e.desc) }

// inHand is an update taken from getUpdates whose acceptance is awaited.
type inHand struct {
	id       int64
	accepted <-chan struct{}
}

// poller is the long-polling loop. It advances the offset (which confirms updates
// to Telegram) only past updates that are accepted: in the Redis inbox or handled.
type poller struct {
	b      *Bot
	offset int64
	hand   []inHand
}

// run polls until ctx ends.
func (p *poller) run(ctx context.Context) {
	b := p.b
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			if sleepCtx(ctx, backoff) != nil {
				return
			}
		}
		p.advance()
		raws, err := b.getUpdates(ctx, p.offset, b.opts.PollTimeout, pollLimit)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(backoff*2, 100*time.Millisecond), 5*time.Second)
			if pe, ok := err.(*pollError); ok && pe.retryAfter > backoff {
				backoff = pe.retryAfter
			}
			b.log.Error("polling for updates failed", "err", err, "retry_in", backoff)
			continue
		}
		backoff = 0
		if !p.take(ctx, raws) {
			return // shutting down: the updates not taken stay unconfirmed at Telegram
		}
		p.waitFront(ctx)
	}
}

// take hands a getUpdates batch to the dispatcher (one Redis round trip for all
// of it) and puts its updates in hand, in order. It returns false when the
// dispatcher took not all of them (shutting down).
func (p *poller) take(ctx context.Context, raws []json.RawMessage) bool {
	hand := make([]inHand, 0, len(raws))
	var in []incoming
	var at []int // index in hand of each incoming
	for _, raw := range raws {
		var u models.Update
		if err := json.Unmarshal(raw, &u); err != nil || u.ID <= 0 {
			// Unreadable: it will never become readable; skip it, loudly.
			var id struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &id)
			p.b.log.Error("skipping an update that cannot be decoded", "update_id", id.ID, "bytes", len(raw), "err", err)
			if id.ID >= p.offset {
				hand = append(hand, inHand{id: id.ID, accepted: closedChan})
			}
			continue
		}
		if u.ID < p.offset || p.has(u.ID) || slices.ContainsFunc(hand, func(h inHand) bool { return h.id == u.ID }) {
			continue // already in hand (an unconfirmed batch is served again)
		}
		at = append(at, len(hand))
		hand = append(hand, inHand{id: u.ID})
		in = append(in, incoming{raw: raw, u: &u})
	}
	acc, err := p.b.disp.submitBatch(ctx, in)
	for k, a := range acc {
		hand[at[k]].accepted = a
	}
	if err != nil {
		// Keep the updates in hand up to the first one not taken.
		n := len(hand)
		if len(acc) < len(at) {
			n = at[len(acc)]
		}
		p.hand = append(p.hand, hand[:n]...)
		return false
	}
	p.hand = append(p.hand, hand...)
	return true
}

func (p *poller) has(id int64) bool {
	for _, h := range p.hand {
		if h.id == id {
			return true
		}
	}
	return false
}

// advance moves the offset past every accepted update at the front.
func (p *poller) advance() {
	for len(p.hand) > 0 {
		select {
		case <-p.hand[0].accepted:
			p.offset = p.hand[0].id + 1
			p.hand = p.hand[1:]
		default:
			return
		}
	}
}

// waitFront waits until the oldest update in hand is accepted, so that the next
// getUpdates can confirm it (without Redis that means handled and its replies
// delivered). Telegram serves updates only from the oldest unconfirmed one on,
// so polling while the front is not accepted fetches the updates in hand again
// (skipped) and, behind them, new ones: the poller does that every repollEvery,
// so a chat whose reply waits out a long retry_after does not keep other chats'
// new messages from being fetched. With a full batch in hand nothing new can
// come, and it only waits.
func (p *poller) waitFront(ctx context.Context) {
	if len(p.hand) == 0 {
		return
	}
	var repoll <-chan time.Time
	if len(p.hand) < pollLimit {
		t := time.NewTimer(repollEvery)
		defer t.Stop()
		repoll = t.C
	}
	select {
	case <-p.hand[0].accepted:
	case <-repoll:
	case <-ctx.Done():
	}
}

// pollLimit is getUpdates' limit: the most updates one call returns.
const pollLimit = 100

// repollEvery is how often the poller looks for new updates while the oldest
// one in hand is not accepted yet (only without Redis, where accepted means
// answered).
const repollEvery = 500 * time.Millisecond

// confirm tells Telegram, after shutdown, that every accepted update is done, so
// a restart does not get them again.
func (p *poller) confirm() {
	p.advance()
	if p.offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.b.getUpdates(ctx, p.offset, 0, 1); err != nil {
		p.b.log.Warn("confirming handled updates at shutdown failed; they are deduplicated on restart", "err", err)
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
