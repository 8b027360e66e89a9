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
}

// Event is an announced event, listed by /termine until its date has passed.
type Event struct {
	BroadcastID string
	District    string
	Text        string // unescaped
	When        time.Time
	Where       string
}

// Broadcaster queues announcements for durable, paced delivery.
type Broadcaster interface {
	// Start queues an announcement and returns its id and the number of recipients.
	Start(ctx context.Context, a Announcement) (id string, recipients int64, err error)
	// List returns the most recent broadcasts, newest first.
	List(ctx context.Context, limit int) ([]BroadcastStatus, error)
	// Cancel stops a running broadcast; recipients not yet reached get nothing.
	Cancel(ctx context.Context, id string) error
	// Status returns one broadcast's progress.
	Status(ctx context.Context, id string) (BroadcastStatus, error)
	// Upcoming lists events of the districts whose date is not before now (events
	// without date are listed until they expire), soonest first.
	Upcoming(ctx context.Context, districts []string, now time.Time) ([]Event, error)
	// ForgetChat removes the chat from pending deliveries (for /loeschen).
	ForgetChat(ctx context.Context, chatID int64) error
}
