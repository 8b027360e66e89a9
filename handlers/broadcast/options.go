package broadcast

import (
	"context"
	"log/slog"
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// Options tune a Service. The zero value of every field means its default.
type Options struct {
	// Rate is the global number of messages per second, shared by all replicas
	// through Redis (default defaults.BroadcastRate, 25; Telegram allows about 30).
	Rate float64
	// PerChatInterval is the minimum time between two messages into one chat
	// (default defaults.BroadcastPerChatInterval, 1s).
	PerChatInterval time.Duration
	// MaxAttempts is how often a message is tried on 5xx or network errors before
	// it counts as failed (default defaults.BroadcastMaxAttempts, 5). Waiting for
	// a 429 is not an attempt.
	MaxAttempts int
	// Backoff is the wait after the first temporary failure; it doubles per attempt
	// up to MaxBackoff (default 1s).
	Backoff time.Duration
	// MaxBackoff caps the backoff (default 30s).
	MaxBackoff time.Duration
	// ClaimIdle is how long an entry of a dead worker stays pending before another
	// worker takes it over (default defaults.BroadcastClaimIdle, 5s). A live worker renews its entry and its
	// recipient lock (three quarters of ClaimIdle long) every quarter of ClaimIdle,
	// also while it waits for Telegram, so only a dead worker's entries go idle.
	ClaimIdle time.Duration
	// Workers is the number of concurrent senders in one Run (default 4).
	Workers int
	// SendTimeout bounds one Bot API call (default 15s).
	SendTimeout time.Duration
	// EventTTL is how long an event without date is listed by Upcoming (default 30 days).
	EventTTL time.Duration
	// Retention is how long a finished broadcast stays listed (default 30 days).
	Retention time.Duration
	// Consumer names this process in the consumer group; default hostname-pid-random.
	Consumer string
	// ReportText renders the delivery report sent to the staff member when a
	// broadcast is finished (HTML, escaped); default a German text.
	ReportText func(handlers.BroadcastStatus) string
	// Logger receives operational logs; never message texts or phone numbers.
	Logger *slog.Logger
	// Counted, when set, is told every delivery result: delivered, blocked,
	// failed or retried (metrics).
	Counted func(result string)
	// RedisFailed, when set, is told every failed Redis operation of the
	// worker by name (metrics).
	RedisFailed func(op string)
	// Now is the clock for events and broadcast times (default time.Now). It also
	// decides scheduled starts, quiet hours and reminders, so tests can move it.
	Now func() time.Time

	// Quiet are the daily quiet hours: no delivery then, except for urgent
	// announcements; a broadcast reaching them pauses until they end (default none).
	Quiet QuietHours
	// Location is the time zone of reminders (default Europe/Berlin).
	Location *time.Location
	// RemindAt is the time of day of a reminder on the day before the event (default 10:00).
	RemindAt time.Duration
	// Tick is how often Run starts due scheduled broadcasts, resumes paused ones and
	// queues due reminders (default 1s).
	Tick time.Duration
	// StartLease is how long a replica may take to queue a scheduled broadcast it
	// claimed before another replica takes it over (default 1 min).
	StartLease time.Duration
	// AlsoDue is more due work the same ticker runs every Tick after Due (e.g.
	// the callback requests' reminders, escalations and deletions), so each
	// replica has one scheduler; a failure is logged and counted, and the
	// ticker goes on.
	AlsoDue []func(ctx context.Context) error
}

func (o Options) withDefaults() Options {
	if o.Rate <= 0 {
		o.Rate = defaults.BroadcastRate
	}
	if o.PerChatInterval <= 0 {
		o.PerChatInterval = defaults.BroadcastPerChatInterval
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = defaults.BroadcastMaxAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = defaults.BroadcastClaimIdle
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 15 * time.Second
	}
	if o.EventTTL <= 0 {
		o.EventTTL = 30 * 24 * time.Hour
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.Consumer == "" {
		o.Consumer = defaultConsumer()
	}
	if o.ReportText == nil {
		o.ReportText = DefaultReport
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Counted == nil {
		o.Counted = func(string) {}
	}
	if o.RedisFailed == nil {
		o.RedisFailed = func(string) {}
	}
	if o.Location == nil {
		o.Location = berlin()
	}
	if o.Quiet.Loc == nil {
		o.Quiet.Loc = o.Location
	}
	if o.RemindAt <= 0 {
		o.RemindAt = 10 * time.Hour
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.StartLease <= 0 {
		o.StartLease = time.Minute
	}
	return o
}

// berlin is the county's time zone (UTC when the zone data is missing; the
// binaries embed it with time/tzdata).
func berlin() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}
