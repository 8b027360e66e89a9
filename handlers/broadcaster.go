package handlers

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned for an unknown broadcast id.
var ErrNotFound = errors.New("not found")

// Announcement is what staff send to the subscribers of one or more districts.
type Announcement struct {
	Districts  []string
	Text       string    // as written by staff, unescaped; rendered and escaped by the conversation
	HTML       string    // the exact message parents receive (escaped HTML), shown in the preview
	When       time.Time // event date, zero when none
	Where      string
	SenderID   int64 // staff user id
	SenderChat int64 // where the delivery report goes

	End    time.Time // end of the event, zero when none
	Media  *Media    // the flyer (photo) or a PDF, by file_id; nil for a text announcement
	Venue  *Venue    // the place as a map pin, nil when none
	Urgent bool      // delivered also during quiet hours
	// Renditions are the messages by language ("de" always, plus the languages staff
	// translated into); a recipient gets the one of their language, else German.
	// nil: everybody gets HTML.
	Renditions map[string]Rendition
	// Texts are the announcement's text by language (unescaped), for /termine.
	Texts map[string]string
	// UID identifies the event in calendars (stays the same across corrections).
	UID string
}

// Rendition is an announcement as the recipients of one language get it, exactly
// as the preview shows it.
type Rendition struct {
	// HTML is the message text, or the caption of the media.
	HTML string `json:"html"`
	// Text, when set, is a text message sent after the media because the text is
	// too long for a caption (Telegram allows 1024 characters there).
	Text string `json:"text,omitempty"`
	// Remind is the label of the reminder button under the announcement ("" none).
	Remind string `json:"remind,omitempty"`
	// ICS is the calendar file (iCalendar) of a dated event, ICSName its file name
	// and ICSCaption its caption (HTML).
	ICS        []byte `json:"ics,omitempty"`
	ICSName    string `json:"ics_name,omitempty"`
	ICSCaption string `json:"ics_caption,omitempty"`
	// Reminder is the message sent the day before to those who asked for it (HTML).
	Reminder string `json:"reminder,omitempty"`
}

// BroadcastStatus is the progress of one broadcast.
type BroadcastStatus struct {
	ID        string
	Districts []string
	Created   time.Time
	SenderID  int64
	Total     int64
	Delivered int64
	Blocked   int64
	Failed    int64
	Cancelled bool
	Done      bool
	Preview   string // first characters of the text, plain

	Kind      string    // KindSend (""), KindEdit or KindRecall
	Of        string    // the broadcast a correction or recall works on
	SendAt    time.Time // when a scheduled broadcast starts; zero when sent at once
	Scheduled bool      // waiting for SendAt
	Paused    time.Time // delivery paused for quiet hours until then; zero when not
	Urgent    bool      // delivered also during quiet hours
	Recalled  bool      // its messages were recalled
	Edits     int       // corrections sent so far
	Editable  time.Time // corrections and recalls are possible until then (Telegram's 48 hours); zero: not
}

// Kinds of broadcast jobs.
const (
	KindSend   = ""       // an announcement
	KindEdit   = "edit"   // a correction of an announcement's delivered messages
	KindRecall = "recall" // the deletion of an announcement's delivered messages
)

// Event is an announced event, listed by /termine until its date has passed.
type Event struct {
	BroadcastID string
	District    string
	Text        string // unescaped
	When        time.Time
	Where       string

	End    time.Time
	Venue  *Venue
	Media  *Media
	Texts  map[string]string // the text by language, unescaped
	Dated  bool              // the event has a date (a reminder and a calendar file are possible)
	HasICS bool              // a calendar file exists
}

// Broadcaster queues announcements for durable, paced delivery.
type Broadcaster interface {
	// StartOnce queues an announcement and returns its id and the number of
	// recipients, at most once per key (the conversation passes the staff
	// member's id and the nonce of the confirm button): a confirm pressed twice,
	// even when the presses race on two replicas, queues one broadcast. Every
	// later call with the key returns the first call's id and recipients with
	// started false; one that comes while the first is still queueing gets an
	// error.
	StartOnce(ctx context.Context, key string, a Announcement) (id string, recipients int64, started bool, err error)
	// List returns the most recent broadcasts, newest first.
	List(ctx context.Context, limit int) ([]BroadcastStatus, error)
	// Cancel stops a running broadcast; recipients not yet reached get nothing.
	Cancel(ctx context.Context, id string) error
	// Status returns one broadcast's progress.
	Status(ctx context.Context, id string) (BroadcastStatus, error)
	// Upcoming lists events of the districts whose date is not before now (events
	// without date are listed until they expire), soonest first.
	Upcoming(ctx context.Context, districts []string, now time.Time) ([]Event, error)
	// ChatData lists what the broadcasts keep about the chat (for /meinedaten):
	// exactly what ForgetChat erases.
	ChatData(ctx context.Context, chatID int64) ([]DataItem, error)
	// ForgetChat removes the chat from pending deliveries and from the records of
	// past ones (for /loeschen).
	ForgetChat(ctx context.Context, chatID int64) error
}
