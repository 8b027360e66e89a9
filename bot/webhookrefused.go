package bot

import (
	"log/slog"
	"sync"
	"time"
)

// refusedLogInterval is how often refused webhook requests are summarised in the log.
const refusedLogInterval = time.Minute

// refusedLog aggregates webhook requests refused for a missing or wrong secret
// token: a scanner or a flood would otherwise write one log line per request.
// The first refusal of an interval is logged at once; the later ones are only
// counted, and summarised in one line when the interval is over (at the next
// refusal after it, or at shutdown). Every refusal is counted in
// sozialraumbot_webhook_refused_total.
type refusedLog struct {
	log     *slog.Logger
	metrics Metrics
	every   time.Duration
	now     func() time.Time

	mu     sync.Mutex
	since  time.Time // start of the current interval; zero: none open
	count  int64     // refusals in the interval after the first one
	remote string    // address of the latest one
}

func newRefusedLog(log *slog.Logger, m Metrics) *refusedLog {
	return &refusedLog{log: log, metrics: orNop(m), every: refusedLogInterval, now: time.Now}
}

// refused notes one refused request from remote.
func (r *refusedLog) refused(remote string) {
	r.metrics.WebhookRefused("secret")
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !r.since.IsZero() && now.Sub(r.since) < r.every {
		r.count++
		r.remote = remote
		return
	}
	r.flushLocked()
	r.since = now
	r.log.Warn("webhook request with missing or wrong secret token refused; further ones are counted and summarised",
		"remote", remote, "interval", r.every)
}

// flush writes the summary of the open interval, if anything was counted.
func (r *refusedLog) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushLocked()
	r.since = time.Time{}
}

func (r *refusedLog) flushLocked() {
	if r.count > 0 {
		r.log.Warn("webhook requests with missing or wrong secret token refused",
			"count", r.count, "since", r.since.UTC().Format(time.RFC3339), "last_remote", r.remote)
	}
	r.count, r.remote = 0, ""
}
