package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// queued is one update waiting to be fetched with getUpdates.
type queued struct {
	id  int64
	raw json.RawMessage
}

// pollRequest is a getUpdates call waiting for updates.
type pollRequest struct {
	offset  int64
	limit   int
	timeout time.Duration
}

// Push queues updates for getUpdates. An update whose ID is 0 gets the next free
// update_id; an explicit ID is kept (pushing one ID twice simulates a duplicate
// delivery). It returns the update_ids in order.
func (s *Server) Push(updates ...models.Update) []int64 {
	ids := make([]int64, 0, len(updates))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		if u.ID == 0 {
			u.ID = s.nextUpdateID
		}
		if u.ID >= s.nextUpdateID {
			s.nextUpdateID = u.ID + 1
		}
		raw, err := json.Marshal(&u)
		if err != nil {
			panic(fmt.Sprintf("fakeapi: marshal update: %v", err))
		}
		s.queue = append(s.queue, queued{id: u.ID, raw: raw})
		ids = append(ids, u.ID)
	}
	s.notifyLocked()
	return ids
}

// PushRaw queues one update given as raw JSON with its update_id, exactly as it
// will be served (for malformed or unusual updates).
func (s *Server) PushRaw(id int64, raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id >= s.nextUpdateID {
		s.nextUpdateID = id + 1
	}
	s.queue = append(s.queue, queued{id: id, raw: raw})
	s.notifyLocked()
}

// NextUpdateID reserves and returns a fresh update_id (for updates sent by webhook).
func (s *Server) NextUpdateID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdateID
	s.nextUpdateID++
	return id
}

// Pending is the number of queued updates not yet confirmed by an offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Confirmed is the highest offset a client sent with getUpdates: every update
// below it is confirmed and gone.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// WaitConfirmed blocks until the client confirmed every update below offset.
func (s *Server) WaitConfirmed(offset int64, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := s.confirmed, s.changed
		s.mu.Unlock()
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
	if pr.offset > s.confirmed {
		s.confirmed = pr.offset
		kept := s.queue[:0]
		for _, q := range s.queue {
			if q.id >= pr.offset {
				kept = append(kept, q)
			}
		}
		s.queue = kept
		s.notifyLocked()
	}
	return result{status: http.StatusOK, poll: pr}
}

// longPoll waits up to the request's timeout for updates at or above its offset.
func (s *Server) longPoll(r *http.Request, pr *pollRequest) result {
	deadline := time.NewTimer(pr.timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		var out []json.RawMessage
		for _, q := range s.queue {
			if q.id >= pr.offset && len(out) < pr.limit {
				out = append(out, q.raw)
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || pr.timeout == 0 {
			if out == nil {
				out = []json.RawMessage{}
			}
			return ok(out)
		}
		select {
		case <-changed:
		case <-deadline.C:
			return ok([]json.RawMessage{})
		case <-r.Context().Done():
			return ok([]json.RawMessage{})
		case <-s.closing:
			return ok([]json.RawMessage{})
		}
	}
}
