package handlers

import "context"

// Kinds of Media.
const (
	MediaPhoto    = "photo"    // a picture (the flyer): sendPhoto
	MediaDocument = "document" // a file (a PDF, the calendar file): sendDocument
)

// Media is a picture or a document. A file Telegram already has is sent by its
// FileID (never downloaded); a file the bot made itself (the calendar file) is
// uploaded from Data once, and its FileID reused after that.
type Media struct {
	Kind   string `json:"kind"`            // MediaPhoto or MediaDocument
	FileID string `json:"file_id"`         // Telegram's file_id; "" to upload Data
	Name   string `json:"name,omitempty"`  // file name of a document
	Data   []byte `json:"-"`               // content to upload when FileID is empty
	Size   int64  `json:"size,omitempty"`  // bytes, as Telegram reported it (for the preview)
	Mime   string `json:"mime,omitempty"`  // MIME type of a document, as Telegram reported it
	Width  int    `json:"width,omitempty"` // of a photo, for the preview
}

// Venue is a place as a map pin (sendVenue): coordinates, a title and an address.
type Venue struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Title   string  `json:"title"`
	Address string  `json:"address"`
}

// Post is one message of an announcement: a text message, a photo or document
// with Text as its caption, or a venue.
type Post struct {
	Text    string     // HTML: the message text, or the caption of Media
	Buttons [][]Button // inline keyboard, may be nil
	Media   *Media     // a photo or document; Text is its caption
	Venue   *Venue     // a map pin; Text and Media are not used
	// Receipt, when set, is told the message's id once Telegram accepted it.
	// The Poster that makes the Bot API call calls it, once, after a
	// successful send; a Poster that only queues (the bot's outbox, whose
	// deliveries happen after the conversation returned) does not: the one that
	// delivers later does. This is how the conversation learns the ids of
	// messages it wants to edit later (the team messages of a callback
	// request). It must not block; it reports its own failures (the message is
	// sent either way).
	Receipt Receipt
}

// Receipt receives the id of a sent message (see Post.Receipt).
type Receipt func(ctx context.Context, chatID int64, p Posted)

// Posted is what Telegram answered to a Post.
type Posted struct {
	MessageID int
	FileID    string // the file_id of an uploaded document, to send it again without uploading
}

// Edit changes a message sent before.
type Edit struct {
	Text    string     // the new text, or the new caption of a media message (HTML)
	Caption bool       // the message is a photo or document: edit its caption
	Buttons [][]Button // the new inline keyboard, may be nil
	Media   *Media     // replace the media of a document message (e.g. a corrected calendar file); Text is its caption
}

// Poster sends, edits and deletes the rich messages of announcements. The
// broadcast worker sends through it (broadcast.Sender); the conversation uses
// it for previews and calendar files when its Replier implements it (bot's
// outbox, bot.Sender and the terminal do). Errors are those of Replier
// (ErrBlocked, ErrBadRequest, ErrTemporary, *RetryAfterError).
type Poster interface {
	// Post sends one message and returns its message id.
	Post(ctx context.Context, chatID int64, p Post) (Posted, error)
	// EditPost changes a sent message. An edit to the same content counts as done.
	EditPost(ctx context.Context, chatID int64, messageID int, e Edit) error
	// DeleteMessage deletes a sent message (Telegram allows it for 48 hours).
	DeleteMessage(ctx context.Context, chatID int64, messageID int) error
}

// cbRemind is the callback kind of the reminder button under an announcement.
const cbRemind = "r"

// RemindCallback is the callback data of the reminder button of broadcast id.
func RemindCallback(id string) string { return cbData(cbRemind, id) }
