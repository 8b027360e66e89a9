package fakeapi

import (
	"net/http"
	"time"
)

// fault is an injected failure: n more times (n < 0: forever) answer status.
type fault struct {
	method     string // "" for every method except getUpdates
	n          int
	status     int
	retryAfter int
}

// FailNext makes the next n calls of method ("" for every method except getUpdates)
// fail with HTTP status: 429 carries parameters.retry_after = retryAfter seconds,
// 403 says the bot was blocked, 5xx are server errors, and status 0 drops the
// connection without an answer (a network error). Faults queue up in call order.
func (s *Server) FailNext(method string, n, status, retryAfter int) {
	if n == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, n: n, status: status, retryAfter: retryAfter})
}

// FailChat makes the next n calls addressed to chatID (chat_id parameter) fail with
// status; n < 0 fails them forever, e.g. FailChat(id, 403, -1) for a user who
// blocked the bot. A later FailChat for the same chat replaces the earlier one.
// For 429 the retry_after is 1 second.
func (s *Server) FailChat(chatID int64, status, n int) { s.failChat(chatID, n, status, 1) }

// RateLimitChat makes the next n calls addressed to chatID (n < 0: all of them)
// fail with 429 and parameters.retry_after = retryAfter seconds, as Telegram
// answers a bot that writes into one chat too fast. It replaces an earlier
// FailChat or RateLimitChat of the chat.
func (s *Server) RateLimitChat(chatID int64, n, retryAfter int) {
	s.failChat(chatID, n, http.StatusTooManyRequests, max(retryAfter, 1))
}

func (s *Server) failChat(chatID int64, n, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == 0 {
		delete(s.chatFaults, chatID)
		return
	}
	s.chatFaults[chatID] = &fault{n: n, status: status, retryAfter: retryAfter}
}

// ClearFaults removes every injected failure and latency.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.chatFaults = map[int64]*fault{}
	s.latency = map[string]time.Duration{}
}

// SetLatency delays every answer to method ("" for all methods without their own
// latency) by d; d = 0 removes it. Long polls are delayed before they start waiting.
func (s *Server) SetLatency(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.latency, method)
		return
	}
	s.latency[method] = d
}

// takeFault returns the injected failure for this request, if any. s.mu must be held.
func (s *Server) takeFaultLocked(req *Request) *fault {
	if _, hasChat := req.Params["chat_id"]; hasChat {
		if f, ok := s.chatFaults[req.ChatID]; ok {
			if f.n > 0 {
				f.n--
				if f.n == 0 {
					delete(s.chatFaults, req.ChatID)
				}
			}
			return f
		}
	}
	for i, f := range s.faults {
		if f.method == req.Method || f.method == "" && req.Method != "getUpdates" {
			f.n--
			if f.n == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// faultResult turns a fault into an answer.
func faultResult(f *fault) result {
	r := result{status: f.status, retryAfter: f.retryAfter}
	if f.status == http.StatusTooManyRequests && r.retryAfter <= 0 {
		r.retryAfter = 1
	}
	if f.status != http.StatusTooManyRequests {
		r.retryAfter = 0
	}
	r.desc = describe(f.status, r.retryAfter)
	return r
}
