package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers/workhours"
)

// Callback requests ("📞 Rückruf erbitten"): a parent asks the district's
// provider to call back. The conversation asks for consent, the number and a
// few optional details, then hands the request to the district's team (a
// Telegram group or the district's staff privately) with buttons to take it
// and to close it. The request lives in a CallbackDesk (Redis) only for its
// life; when it goes, the team messages that carry the number are edited so
// that the number and the note disappear from the team chat too.

// Statuses of a callback request.
const (
	CallbackOpen      = "open"      // waiting for a team member to take it
	CallbackTaken     = "taken"     // a team member took it and will call
	CallbackDone      = "done"      // the call happened
	CallbackUnreached = "unreached" // the team could not reach the parent
	// CallbackDeleted: the personal data is gone (Outcome says why); what is
	// left are the ids of the team messages still to be scrubbed.
	CallbackDeleted = "deleted"
)

// Outcomes of a deleted request besides CallbackDone and CallbackUnreached.
const (
	CallbackWithdrawn = "withdrawn" // the parent withdrew it
	CallbackExpired   = "expired"   // it reached the maximum age
	CallbackErased    = "erased"    // the parent erased their data (/loeschen)
)

// Time-of-day slots a parent can choose.
const (
	SlotMorning   = "am"
	SlotAfternoon = "pm"
	SlotAny       = "any"
)

// TopicOther is the topic "Sonstiges" (not an offering of the district).
const TopicOther = "other"

// TeamMessage is a message in a team chat that shows a request's details.
type TeamMessage struct {
	ChatID    int64
	MessageID int
}

// CallbackRequest is one request to be called back.
type CallbackRequest struct {
	ID       string
	District string
	ChatID   int64  // the parent's chat; 0 once deleted
	Lang     string // the parent's language, for the messages to them
	Name     string // first name
	Phone    string // E.164
	Topic    string // an offering id of the district, or TopicOther; "" none
	Slot     string // SlotMorning, SlotAfternoon, SlotAny
	Note     string // a short note, plain text; "" none
	Status   string
	Outcome  string // of a deleted request: how it ended
	Created  time.Time
	Taken    time.Time // zero until taken
	TakenBy  int64     // the team member's Telegram user id
	// TakenName is the first name of the team member who took it (shown to the team).
	TakenName  string
	Closed     time.Time // done or not reached
	ClosedName string
	DeleteAt   time.Time // a closed request is deleted then
	Expires    time.Time // every request is deleted then at the latest (its maximum age)
	Reminded   time.Time // the team was reminded
	Escalated  time.Time // sent to the staff responsible for every district
	Messages   []TeamMessage
}

// Live reports whether a team member can still act on the request.
func (r CallbackRequest) Live() bool {
	return r.Status == CallbackOpen || r.Status == CallbackTaken
}

// CallbackDraft is a request being written: what the parent gave so far. It is
// kept for a short time only (CallbackConfig.DraftTTL) and only after consent.
type CallbackDraft struct {
	District string `json:"district"`
	Lang     string `json:"lang,omitempty"`
	Name     string `json:"name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Topic    string `json:"topic,omitempty"`
	Slot     string `json:"slot,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Errors of a CallbackDesk.
var (
	// ErrCallbackOpen: the chat already has a live request for the district.
	ErrCallbackOpen = errors.New("callback: an open request of the chat for this district exists")
	// ErrCallbackLimit: the chat reached its daily number of requests.
	ErrCallbackLimit = errors.New("callback: daily limit reached")
)

// CallbackLimits are checked when a request is created.
type CallbackLimits struct {
	DailyCap int    // requests per chat and day
	Day      string // the current day ("2006-01-02", Europe/Berlin)
	// MaxAge is the longest life of a request: its data expires then at the latest.
	MaxAge time.Duration
}

// Results of CallbackDesk.Claim.
const (
	ClaimWon   = "won"   // the caller took the request
	ClaimTaken = "taken" // someone else had taken it (CallbackRequest.TakenName)
	ClaimGone  = "gone"  // closed or deleted meanwhile
)

// CallbackDesk keeps callback requests. Every change of a request is atomic,
// so that two replicas handling two presses at once agree (the first
// "Übernehmen" wins). handlers/rueckruf implements it over Redis.
type CallbackDesk interface {
	// Create stores a new request with its first due time and returns it with
	// its id; ErrCallbackOpen (the live request is returned) or ErrCallbackLimit
	// when the limits forbid it.
	Create(ctx context.Context, r CallbackRequest, l CallbackLimits, due time.Time) (CallbackRequest, error)
	// Get returns a request (a deleted one too); ErrNotFound when none.
	Get(ctx context.Context, id string) (CallbackRequest, error)
	// ChatRequests lists the chat's requests that are not deleted, oldest first.
	ChatRequests(ctx context.Context, chatID int64) ([]CallbackRequest, error)
	// DayCount is how many requests the chat made on day (CallbackLimits.Day).
	DayCount(ctx context.Context, chatID int64, day string) (int, error)
	// Requests lists every request that is not deleted, oldest first.
	Requests(ctx context.Context) ([]CallbackRequest, error)
	// AddMessage records a team message showing the request (to edit it later).
	// When the request is gone meanwhile, the message is kept to be scrubbed.
	AddMessage(ctx context.Context, id string, m TeamMessage) error
	// Claim takes an open request for a team member, exactly once.
	Claim(ctx context.Context, id string, by int64, name string, now time.Time) (CallbackRequest, string, error)
	// Close ends a live request (CallbackDone or CallbackUnreached) and
	// schedules its deletion; changed is false when it was not live.
	Close(ctx context.Context, id, outcome string, by int64, name string, now, deleteAt time.Time) (r CallbackRequest, changed bool, err error)
	// Mark sets the request's Reminded or Escalated time ("reminded",
	// "escalated") once, while it is open; false when it was set or not open.
	Mark(ctx context.Context, id, what string, now time.Time) (bool, error)
	// Delete erases the request's personal data (outcome says why; "" keeps
	// its status as outcome) and returns it as it was; deleted is false when it
	// had been deleted before. Its team messages are left to be scrubbed.
	Delete(ctx context.Context, id, outcome string) (r CallbackRequest, deleted bool, err error)
	// Scrubbed forgets a team message of a deleted request; the request is gone
	// with its last message.
	Scrubbed(ctx context.Context, id string, m TeamMessage) error
	// ClaimDue returns requests whose next step is due at now, each for one
	// caller at a time: a claimed one is due again after lease (if its step
	// did not finish).
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]string, error)
	// Schedule sets when the request's next step is due; Unschedule drops it.
	Schedule(ctx context.Context, id string, at time.Time) error
	Unschedule(ctx context.Context, id string) error
	// SaveDraft, LoadDraft and DropDraft keep the request being written (a
	// zero draft and nil when none).
	SaveDraft(ctx context.Context, chatID int64, d CallbackDraft, ttl time.Duration) error
	LoadDraft(ctx context.Context, chatID int64) (CallbackDraft, error)
	DropDraft(ctx context.Context, chatID int64) error
	// ChatData lists what the desk keeps about the chat (for /meinedaten):
	// exactly what ForgetChat erases.
	ChatData(ctx context.Context, chatID int64) ([]DataItem, error)
	// ForgetChat deletes the chat's requests (outcome CallbackErased; their team
	// messages are scrubbed by the next due step), its draft and its counters,
	// and returns the requests it deleted as they were.
	ForgetChat(ctx context.Context, chatID int64) ([]CallbackRequest, error)
}

// CallbackRoute says where a district's requests go.
type CallbackRoute struct {
	// ChatID is the team's Telegram group; 0: the staff members who have the
	// district in their list get them privately.
	ChatID int64
}

// CallbackConfig switches callback requests on. A district without a route
// offers none.
type CallbackConfig struct {
	Desk   CallbackDesk
	Routes map[string]CallbackRoute // by district id
	// RemindAfter and EscalateAfter are the working time a request may wait
	// unclaimed before the team is reminded, and before it goes to the staff
	// with all districts (defaults defaults.CallbackRemindAfter and
	// defaults.CallbackEscalateAfter).
	RemindAfter, EscalateAfter time.Duration
	Hours                      workhours.Hours // working time (zero: always)
	// Keep is how long a closed request is kept (default
	// defaults.CallbackKeepDays); MaxAge is the longest life of any request
	// (default defaults.CallbackMaxAge).
	Keep, MaxAge time.Duration
	DailyCap     int           // requests per chat and day (default defaults.CallbackDailyCap)
	DraftTTL     time.Duration // a request being written is forgotten after this (default 1h)
	// Lease is how long one replica has a due step to itself (default 1 min).
	Lease time.Duration
	// Observe, when set, is told every status change and event of a request
	// (open, taken, done, unreached, withdrawn, expired, erased, reminded,
	// escalated) by district, for metrics; TakenAfter the time until taken.
	Observe    func(district, status string)
	TakenAfter func(district string, wait time.Duration)
}

// Defaults of CallbackConfig that are not settings (those are in config/defaults).
const (
	DefaultCallbackDraftTTL = time.Hour
	DefaultCallbackLease    = time.Minute
)

func (c CallbackConfig) withDefaults() CallbackConfig {
	if c.RemindAfter <= 0 {
		c.RemindAfter = defaults.CallbackRemindAfter
	}
	if c.EscalateAfter <= 0 {
		c.EscalateAfter = defaults.CallbackEscalateAfter
	}
	if c.Keep <= 0 {
		c.Keep = defaults.CallbackKeepDays * 24 * time.Hour
	}
	if c.MaxAge <= 0 {
		c.MaxAge = defaults.CallbackMaxAge
	}
	if c.DailyCap <= 0 {
		c.DailyCap = defaults.CallbackDailyCap
	}
	if c.DraftTTL <= 0 {
		c.DraftTTL = DefaultCallbackDraftTTL
	}
	if c.Lease <= 0 {
		c.Lease = DefaultCallbackLease
	}
	return c
}
