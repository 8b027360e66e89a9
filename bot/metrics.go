package bot

import "time"

// Metrics receives what the transport counts. The process's Prometheus
// collectors implement it (cmd/sozialraumbot wires them); nil in Options
// counts nothing.
type Metrics interface {
	// Update counts one received update of a kind (KindMessage, KindCallback, ...).
	Update(kind string)
	// Handled records how long the conversation took for one update of a kind.
	Handled(kind string, d time.Duration)
	// InFlight adds delta to the number of updates being handled.
	InFlight(delta float64)
	// Duplicate counts one update that was seen before and not answered again.
	Duplicate()
	// Skipped counts n updates skipped by the per-chat cap (a flood).
	Skipped(n int)
	// Reply counts one reply to a parent by result: delivered, failed or expired.
	Reply(result string)
	// APIError counts one failed Bot API call by HTTP status (0: a network error).
	APIError(code int)
	// RedisError counts one failed Redis operation.
	RedisError(op string)
	// WebhookRefused counts one refused webhook request by reason ("secret").
	WebhookRefused(reason string)
}

// orNop returns m, or a Metrics that counts nothing when m is nil.
func orNop(m Metrics) Metrics {
	if m == nil {
		return nopMetrics{}
	}
	return m
}

type nopMetrics struct{}

func (nopMetrics) Update(string)                 {}
func (nopMetrics) Handled(string, time.Duration) {}
func (nopMetrics) InFlight(float64)              {}
func (nopMetrics) Duplicate()                    {}
func (nopMetrics) Skipped(int)                   {}
func (nopMetrics) Reply(string)                  {}
func (nopMetrics) APIError(int)                  {}
func (nopMetrics) RedisError(string)             {}
func (nopMetrics) WebhookRefused(string)         {}
