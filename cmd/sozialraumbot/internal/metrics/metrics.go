// Package metrics holds the bot's Prometheus collectors. Every method is safe on a
// nil *Metrics, so parts can be used (and tested) without metrics.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the collectors of one bot process.
type Metrics struct {
	reg         *prometheus.Registry
	updates     *prometheus.CounterVec
	resolver    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	apiErrors   *prometheus.CounterVec
	broadcast   *prometheus.CounterVec
	redisErrors *prometheus.CounterVec
	crisis      *prometheus.CounterVec
	duplicates  prometheus.Counter
	inflight    prometheus.Gauge
	replies     *prometheus.CounterVec
	skipped     prometheus.Counter
	refused     *prometheus.CounterVec
}

// New creates the collectors on a fresh registry (with Go and process collectors).
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_updates_total", Help: "Updates received, by type.",
		}, []string{"type"}),
		resolver: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_resolver_outcomes_total", Help: "Place resolutions, by status.",
		}, []string{"status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sozialraumbot_handler_duration_seconds",
			Help:    "Time the conversation took for one update (its replies are delivered afterwards).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"type"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_botapi_errors_total", Help: "Bot API errors, by HTTP status code (0: network).",
		}, []string{"code"}),
		broadcast: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_broadcast_messages_total", Help: "Broadcast deliveries, by result (delivered, blocked, failed, retried).",
		}, []string{"result"}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_redis_errors_total", Help: "Redis errors, by operation.",
		}, []string{"op"}),
		crisis: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_crisis_answers_total", Help: "Crisis answers (help numbers first), by answer language only.",
		}, []string{"lang"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sozialraumbot_duplicate_updates_total", Help: "Updates seen twice and not answered again.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sozialraumbot_updates_in_flight", Help: "Updates being handled now.",
		}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_replies_total",
			Help: "Replies to parents, by result (delivered; failed: rejected by Telegram or the chat blocked the bot; expired: given up after waiting too long).",
		}, []string{"result"}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sozialraumbot_updates_skipped_total", Help: "Updates skipped unanswered because their chat had too many waiting (a flood).",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_webhook_refused_total", Help: "Webhook requests refused, by reason (secret: missing or wrong secret token).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.updates, m.resolver, m.latency, m.apiErrors, m.broadcast, m.redisErrors,
		m.crisis, m.duplicates, m.inflight, m.replies, m.skipped, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the collectors live in.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Update counts one received update of a type (message, callback, inline, location, ...).
func (m *Metrics) Update(kind string) {
	if m != nil {
		m.updates.WithLabelValues(kind).Inc()
	}
}

// Resolved counts one resolver outcome (match, ambiguous, outside, unknown).
func (m *Metrics) Resolved(status string) {
	if m != nil {
		m.resolver.WithLabelValues(status).Inc()
	}
}

// Handled records how long one update of a type took.
func (m *Metrics) Handled(kind string, d time.Duration) {
	if m != nil {
		m.latency.WithLabelValues(kind).Observe(d.Seconds())
	}
}

// APIError counts one failed Bot API call by HTTP status (0 for network errors).
func (m *Metrics) APIError(code int) {
	if m != nil {
		m.apiErrors.WithLabelValues(strconv.Itoa(code)).Inc()
	}
}

// Broadcast counts one broadcast delivery result: delivered, blocked, failed or retried.
func (m *Metrics) Broadcast(result string) {
	if m != nil {
		m.broadcast.WithLabelValues(result).Inc()
	}
}

// RedisError counts one failed Redis operation.
func (m *Metrics) RedisError(op string) {
	if m != nil {
		m.redisErrors.WithLabelValues(op).Inc()
	}
}

// Crisis counts one crisis answer in a language; nothing else of the message is recorded.
func (m *Metrics) Crisis(lang string) {
	if m != nil {
		m.crisis.WithLabelValues(lang).Inc()
	}
}

// Duplicate counts one update that was seen before and skipped.
func (m *Metrics) Duplicate() {
	if m != nil {
		m.duplicates.Inc()
	}
}

// InFlight adds delta to the number of updates being handled.
func (m *Metrics) InFlight(delta float64) {
	if m != nil {
		m.inflight.Add(delta)
	}
}

// Reply counts one reply to a parent by result: delivered, failed or expired.
func (m *Metrics) Reply(result string) {
	if m != nil {
		m.replies.WithLabelValues(result).Inc()
	}
}

// Skipped counts n updates skipped by the per-chat cap.
func (m *Metrics) Skipped(n int) {
	if m != nil && n > 0 {
		m.skipped.Add(float64(n))
	}
}

// WebhookRefused counts one refused webhook request by reason (e.g. "secret").
func (m *Metrics) WebhookRefused(reason string) {
	if m != nil {
		m.refused.WithLabelValues(reason).Inc()
	}
}
