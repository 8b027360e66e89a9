package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Callbacks count callback requests ("Rückrufbitten") by district and status,
// and the time until a team member took one. Nothing else of a request (no
// number, no name, no note) is a label or a value. Every method is safe on a
// nil *Callbacks.
type Callbacks struct {
	requests *prometheus.CounterVec
	taken    *prometheus.HistogramVec
}

// NewCallbacks creates the callback collectors on m's registry; nil m gives nil.
func NewCallbacks(m *Metrics) *Callbacks {
	if m == nil {
		return nil
	}
	c := &Callbacks{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sozialraumbot_callback_requests_total",
			Help: "Callback requests by district and status change or event (open, taken, done, unreached, withdrawn, expired, erased, reminded, escalated).",
		}, []string{"district", "status"}),
		taken: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sozialraumbot_callback_time_to_take_seconds",
			Help: "Time from a callback request to a team member taking it, by district.",
			Buckets: []float64{
				(5 * time.Minute).Seconds(), (15 * time.Minute).Seconds(), (30 * time.Minute).Seconds(),
				time.Hour.Seconds(), (2 * time.Hour).Seconds(), (4 * time.Hour).Seconds(), (8 * time.Hour).Seconds(),
				(24 * time.Hour).Seconds(), (48 * time.Hour).Seconds(), (72 * time.Hour).Seconds(), (7 * 24 * time.Hour).Seconds(),
			},
		}, []string{"district"}),
	}
	m.reg.MustRegister(c.requests, c.taken)
	return c
}

// Request counts a status change or event of a request of a district.
func (c *Callbacks) Request(district, status string) {
	if c != nil {
		c.requests.WithLabelValues(district, status).Inc()
	}
}

// Taken observes how long a request of a district waited until it was taken.
func (c *Callbacks) Taken(district string, wait time.Duration) {
	if c != nil {
		c.taken.WithLabelValues(district).Observe(wait.Seconds())
	}
}
