package handlers

import (
	"context"
	"errors"
	"time"
)

// ErrStoreUnavailable wraps every error of a Store whose backend cannot be reached
// (Redis down). The conversation then still answers place questions, without memory.
var ErrStoreUnavailable = errors.New("state store unavailable")

// State is what the bot remembers of one chat's dialogue. It expires (TTL) in the store.
type State struct {
	Step       string    `json:"step,omitempty"`       // where the chat is in a dialogue; "" = idle
	District   string    `json:"district,omitempty"`   // last resolved district id
	Place      string    `json:"place,omitempty"`      // last resolved place id
	Lang       string    `json:"lang,omitempty"`       // chosen language ("de", "en", "uk", "ar", "tr"); "" = from the app
	Candidates []string  `json:"candidates,omitempty"` // pending place ids while asking back
	Draft      *Draft    `json:"draft,omitempty"`      // a staff announcement being composed
	Nonce      string    `json:"nonce,omitempty"`      // ties callback buttons to this dialogue step
	Need       string    `json:"need,omitempty"`       // topic of the parent's need (an offering id or "general"), never the text
	Asker      int64     `json:"asker,omitempty"`      // in a group: the user who asked /loeschen, the only one who may confirm
	Updated    time.Time `json:"updated"`
}

// Draft is an announcement a staff member is composing.
type Draft struct {
	Districts []string  `json:"districts,omitempty"`
	Text      string    `json:"text,omitempty"` // as written by staff, unescaped
	When      time.Time `json:"when,omitempty"` // event date, zero when none
	Where     string    `json:"where,omitempty"`

	End    time.Time         `json:"end,omitempty"`     // end of the event, zero when none
	Media  *Media            `json:"media,omitempty"`   // the flyer or PDF, by file_id
	Venue  *Venue            `json:"venue,omitempty"`   // the place as a map pin
	Split  bool              `json:"split,omitempty"`   // send the picture, then the text (too long for a caption)
	Urgent bool              `json:"urgent,omitempty"`  // deliver also during quiet hours
	Texts  map[string]string `json:"texts,omitempty"`   // translations by language, unescaped
	Lang   string            `json:"lang,omitempty"`    // the language a translation is awaited in
	EditOf string            `json:"edit_of,omitempty"` // the broadcast this draft corrects
	UID    string            `json:"uid,omitempty"`     // the calendar UID of the event
}

// StateStore keeps dialogue state per chat.
type StateStore interface {
	// LoadState returns the chat's state; a zero State (and nil error) when none is
	// stored or the stored value is from an encoding the code no longer understands.
	LoadState(ctx context.Context, chatID int64) (State, error)
	// SaveState stores the chat's state with the dialogue TTL.
	SaveState(ctx context.Context, chatID int64, s State) error
}

// SubscriptionStore keeps which chats want announcements for which districts.
type SubscriptionStore interface {
	Subscribe(ctx context.Context, chatID int64, district string) error
	Unsubscribe(ctx context.Context, chatID int64, district string) error
	// Subscriptions lists the district ids a chat subscribed to, sorted.
	Subscriptions(ctx context.Context, chatID int64) ([]string, error)
	// CountSubscribers counts the chats subscribed to a district.
	CountSubscribers(ctx context.Context, district string) (int64, error)
}

// PersonalData is what one holder of data keeps about a chat, for /meinedaten.
type PersonalData struct {
	State         *State   // nil when none
	Subscriptions []string // district ids
	// Items lists further stored items (e.g. announcement deliveries).
	Items []DataItem
	// Where lists every storage location (e.g. Redis key) holding data about the
	// chat, for audits: what DeleteAll erases is exactly what Export found there.
	Where []string
}

// DataItem is one further thing stored about a chat.
type DataItem struct {
	Kind   string    // what it is: one of the Data* kinds
	ID     string    // which one, e.g. the broadcast id
	Detail string    // e.g. a delivery's outcome (pending, delivered, blocked, failed, skipped), a language
	Count  int       // e.g. the number of messages whose ids are kept
	When   time.Time // e.g. a reminder's due time, how long message ids are kept
	Where  []string  // the storage locations holding it (e.g. Redis keys)
	// Values are further details, shown to the chat itself (its own data), e.g.
	// the number of a callback request: name -> value.
	Values map[string]string
}

// Kinds of DataItem.
const (
	DataDelivery     = "delivery"      // an announcement to the chat, pending or done (Detail: its outcome)
	DataSent         = "sent"          // an announcement sent from the chat (a staff member's): the report's address
	DataMessages     = "messages"      // ids of the messages the chat got, kept for corrections and recalls (until When)
	DataReminderSent = "reminder_sent" // a reminder was sent to the chat (kept to send it once)
	DataReminder     = "reminder"      // a reminder the chat asked for (due When)
	DataWaiting      = "waiting"       // the chat waits in a broadcast paused for quiet hours

	DataCallback      = "callback"       // a callback request (ID; Detail its status, When deleted by, Values its details)
	DataCallbackDraft = "callback_draft" // a callback request being written (When forgotten then, Values what it holds)
	DataCallbackIndex = "callback_index" // the list of the chat's requests and today's count (Count), kept until When
)

// PrivacyStore shows and erases everything stored about a chat (DSGVO Art. 15/17).
type PrivacyStore interface {
	// Export returns everything the store keeps about the chat; DeleteAll erases
	// exactly that.
	Export(ctx context.Context, chatID int64) (PersonalData, error)
	// DeleteAll removes every key about the chat: state, subscriptions (also from the
	// per-district sets) and anything else keyed by the chat id.
	DeleteAll(ctx context.Context, chatID int64) error
}

// Store is all the memory the conversation needs.
type Store interface {
	StateStore
	SubscriptionStore
	PrivacyStore
}
