package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// pollRequest is a getUpdates call waiting for updates.
type pollRequest struct {
	offset  int64
	limit   int
	timeout time.Duration
}

// Push queues updates for getUpdates. An update whose ID is 0 gets the next free
// update_id; an explicit ID is kept (pushing one ID twice simulates a duplicate
// delivery). It returns the update_ids in order.
func (s *Server) Push(updates ...models.Update) []int64 { return s.updates.Push(updates...) }

// PushRaw queues one update given as raw JSON with its update_id, exactly as it
// will be served (for malformed or unusual updates).
func (s *Server) PushRaw(id int64, raw json.RawMessage) { s.updates.PushRaw(id, raw) }

// NextUpdateID reserves and returns a fresh update_id (for updates sent by webhook).
func (s *Server) NextUpdateID() int64 { return s.updates.NextID() }

// Pending is the number of queued updates not yet confirmed by an offset.
func (s *Server) Pending() int { return s.updates.Pending() }

// Confirmed is the highest offset a client sent with getUpdates: every update
// below it is confirmed and gone.
func (s *Server) Confirmed() int64 { return s.updates.Confirmed() }

// WaitConfirmed blocks until the client confirmed every update below offset.
func (s *Server) WaitConfirmed(offset int64, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		changed := s.updates.Changed()
		got := s.updates.Confirmed()
		if got >= offset {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("%w: confirmed offset %d, want %d", ErrTimeout, got, offset)
		}
	}
}

// Webhook returns the URL and secret token of the current webhook ("" when none).
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSec
}

func (s *Server) getUpdatesLocked(p map[string]string) result {
	if s.webhookURL != "" {
		return result{status: http.StatusConflict,
			desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	pr := &pollRequest{limit: 100}
	if v := p["offset"]; v != "" {
		pr.offset, _ = strconv.ParseInt(v, 10, 64)
	}
	if v, err := strconv.Atoi(p["limit"]); err == nil && v >= 1 && v <= 100 {
		pr.limit = v
	}
	if v, err := strconv.Atoi(p["timeout"]); err == nil && v > 0 {
		pr.timeout = time.Duration(v) * time.Second
	}
	s.updates.Confirm(pr.offset)
	return result{status: http.StatusOK, poll: pr}
}

// longPoll waits up to the request's timeout for updates at or above its offset.
func (s *Server) longPoll(r *http.Request, pr *pollRequest) result {
	out := s.updates.Poll(r.Context(), pr.offset, pr.limit, pr.timeout, s.closing)
	if out == nil {
		out = []json.RawMessage{}
	}
	return ok(out)
}
