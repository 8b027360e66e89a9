package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// WebhookOptions configure how a WebhookSender delivers updates.
type WebhookOptions struct {
	// Target is the URL the updates are POSTed to; "" is the URL the bot gave
	// setWebhook. (setWebhook takes only https URLs; a test's listener is plain
	// http on 127.0.0.1, standing in for the TLS terminator in front of the bot.)
	Target string
	// Timeout bounds one delivery attempt (default 10 s): a slower answer is a
	// failed delivery, and the update is delivered again.
	Timeout time.Duration
	// Connections is how many deliveries run at once over all chats, as
	// setWebhook's max_connections (default 40).
	Connections int
	// RetryMin and RetryMax bound the backoff between the attempts of one
	// update, doubling from RetryMin (defaults 100 ms and 2 s).
	RetryMin, RetryMax time.Duration
}

// WebhookStats count what a WebhookSender did.
type WebhookStats struct {
	Queued       int         // updates queued (one queued twice counts twice)
	Attempts     int         // POSTs made, retries included
	Failed       int         // attempts that failed: non-2xx, connection error, timeout
	Acknowledged int         // deliveries answered with 2xx
	ByStatus     map[int]int // attempts by HTTP status; 0 for connection errors and timeouts
}

// WebhookSender delivers updates to the bot's webhook as Telegram does: each
// update is POSTed as JSON with the secret token given to setWebhook in
// X-Telegram-Bot-Api-Secret-Token; an attempt that is not answered with 2xx
// (another status, a connection error, a timeout) is made again after a
// backoff, until it succeeds or the sender is closed. The updates of one chat
// are delivered one after the other: the next only after the previous one was
// acknowledged. Different chats are delivered concurrently, at most
// Connections at a time. Create one with Server.StartWebhook.
type WebhookSender struct {
	s      *Server
	o      WebhookOptions
	client *http.Client
	slots  chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when an update is acknowledged
	chats    map[int64][]json.RawMessage
	active   map[int64]bool // chats with a delivery goroutine
	pending  int            // queued, not yet acknowledged
	stats    WebhookStats
	attempts map[int64]int       // by update_id
	acked    map[int64]time.Time // first acknowledgement by update_id
}

// StartWebhook starts delivering the updates given to Send until Close.
func (s *Server) StartWebhook(o WebhookOptions) *WebhookSender {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Connections <= 0 {
		o.Connections = 40
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 100 * time.Millisecond
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(2*time.Second, o.RetryMin)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = o.Connections
	ctx, cancel := context.WithCancel(context.Background())
	return &WebhookSender{
		s: s, o: o, client: &http.Client{Timeout: o.Timeout, Transport: tr},
		slots: make(chan struct{}, o.Connections), ctx: ctx, cancel: cancel,
		changed: make(chan struct{}), chats: map[int64][]json.RawMessage{}, active: map[int64]bool{},
		stats: WebhookStats{ByStatus: map[int]int{}}, attempts: map[int64]int{}, acked: map[int64]time.Time{},
	}
}

// Send queues updates for delivery and returns their update_ids. An update
// whose ID is 0 gets the next free update_id of the server; an explicit ID is
// kept, so sending an update again delivers it twice (as Telegram may). After
// Close, Send queues nothing.
func (w *WebhookSender) Send(updates ...models.Update) []int64 {
	ids := make([]int64, 0, len(updates))
	for _, u := range updates {
		if u.ID == 0 {
			u.ID = w.s.NextUpdateID()
		}
		raw, err := json.Marshal(&u)
		if err != nil {
			panic(fmt.Sprintf("fakeapi: marshal update: %v", err))
		}
		chat := updateChat(&u)
		w.mu.Lock()
		if w.ctx.Err() == nil { // after Close nothing is delivered
			w.chats[chat] = append(w.chats[chat], raw)
			w.pending++
			w.stats.Queued++
			if !w.active[chat] {
				w.active[chat] = true
				w.wg.Add(1)
				go w.deliverChat(chat)
			}
		}
		w.mu.Unlock()
		ids = append(ids, u.ID)
	}
	return ids
}

// updateChat is the chat whose order an update keeps (0 for updates without one).
func updateChat(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil:
		return u.InlineQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// deliverChat delivers a chat's queue in order until it is empty.
func (w *WebhookSender) deliverChat(chat int64) {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		q := w.chats[chat]
		if len(q) == 0 || w.ctx.Err() != nil {
			delete(w.active, chat)
			w.mu.Unlock()
			return
		}
		raw := q[0]
		w.mu.Unlock()
		if !w.deliver(raw) {
			return // closed
		}
		w.mu.Lock()
		w.chats[chat] = w.chats[chat][1:]
		w.pending--
		w.stats.Acknowledged++
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
	}
}

// deliver POSTs one update until it is acknowledged; false when the sender was closed first.
func (w *WebhookSender) deliver(raw json.RawMessage) bool {
	var id struct {
		ID int64 `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id)
	backoff := w.o.RetryMin
	for {
		url, secret := w.s.Webhook()
		if w.o.Target != "" {
			url = w.o.Target
		}
		if url != "" { // no webhook set: Telegram keeps the update
			select {
			case w.slots <- struct{}{}:
			case <-w.ctx.Done():
				return false
			}
			status := w.post(url, secret, raw)
			<-w.slots
			w.mu.Lock()
			w.stats.Attempts++
			w.attempts[id.ID]++
			w.stats.ByStatus[status]++
			ok := status >= 200 && status < 300
			if !ok {
				w.stats.Failed++
			} else if _, seen := w.acked[id.ID]; !seen {
				w.acked[id.ID] = time.Now()
			}
			w.mu.Unlock()
			if ok {
				return true
			}
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-w.ctx.Done():
			t.Stop()
			return false
		}
		backoff = min(2*backoff, w.o.RetryMax)
	}
}

// post makes one attempt and returns its status (0: connection error or timeout).
func (w *WebhookSender) post(url, secret string, raw json.RawMessage) int {
	return PostWebhook(w.ctx, w.client, url, secret, raw)
}

// PostWebhook makes one webhook delivery as Telegram does: a POST of the JSON
// body with the secret token header (left out when secret is ""). It returns
// the HTTP status, or 0 when the request failed (connection error, timeout).
func PostWebhook(ctx context.Context, c *http.Client, url, secret string, body []byte) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Wait blocks until every update queued so far was acknowledged.
func (w *WebhookSender) Wait(timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		n, changed := w.pending, w.changed
		w.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("%w: %d webhook deliveries not acknowledged", ErrTimeout, n)
		}
	}
}

// Stats returns what the sender did so far.
func (w *WebhookSender) Stats() WebhookStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.stats
	st.ByStatus = make(map[int]int, len(w.stats.ByStatus))
	for k, v := range w.stats.ByStatus {
		st.ByStatus[k] = v
	}
	return st
}

// Attempts is how many times the update with this id was POSTed so far.
func (w *WebhookSender) Attempts(id int64) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.attempts[id]
}

// Acknowledged reports when the update with this id was first acknowledged.
func (w *WebhookSender) Acknowledged(id int64) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	at, ok := w.acked[id]
	return at, ok
}

// Close stops delivering (updates not yet acknowledged stay undelivered) and
// waits for the attempts in flight.
func (w *WebhookSender) Close() {
	w.mu.Lock()
	w.cancel()
	w.mu.Unlock()
	w.wg.Wait()
	w.client.CloseIdleConnections()
}
