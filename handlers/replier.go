package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Replier sends the conversation's output over a transport. All texts are HTML
// (Telegram parse mode "HTML"): every inserted user or data text must already be
// escaped with html.EscapeString by the caller.
type Replier interface {
	// Send sends a text message with optional buttons.
	Send(ctx context.Context, chatID int64, m Message) error
	// SendContact sends a contact card (Telegram sendContact).
	SendContact(ctx context.Context, chatID int64, c Contact) error
	// AnswerCallback acknowledges a button press, optionally with a short notice.
	AnswerCallback(ctx context.Context, callbackID, text string) error
	// AnswerInline answers an inline query with at most 50 results.
	AnswerInline(ctx context.Context, queryID string, results []InlineResult) error
}

// Message is a text message in HTML parse mode.
type Message struct {
	Text    string     // HTML; inserted texts escaped
	Buttons [][]Button // inline keyboard rows, may be nil
	// LocationButton, when not empty, shows a reply keyboard with one button of this
	// label that asks for the user's location (request_location).
	LocationButton string
	// ContactButton, when not empty, shows a reply keyboard with one button of
	// this label that shares the user's own phone number (request_contact);
	// private chats only. LocationButton wins when both are set.
	ContactButton string
	// RemoveKeyboard removes a reply keyboard shown before.
	RemoveKeyboard bool
}

// Button is an inline keyboard button: either callback Data (1-64 bytes) or a URL.
type Button struct {
	Text string
	Data string
	URL  string
}

// Contact is a contact card (Telegram sendContact / InlineQueryResultContact).
type Contact struct {
	Phone     string // E.164, e.g. "+495193975604"
	FirstName string // required by Telegram: the provider's name
	LastName  string
	VCard     string // vCard 3.0, at most 2048 bytes
}

// InlineResult is one result of an inline query: a contact card or an article
// (a text message the user posts into a chat).
type InlineResult struct {
	ID          string   // unique per answer, at most 64 bytes
	Title       string   // plain text
	Description string   // plain text
	Text        string   // article: the HTML message posted
	Contact     *Contact // contact result when set
}

// Errors a Replier reports so that callers (the broadcast worker in particular)
// can react; implementations wrap them, callers test with errors.Is / errors.As.
var (
	// ErrBlocked: the user blocked the bot or the chat is gone (Telegram 403).
	ErrBlocked = errors.New("chat unreachable: bot blocked or chat deleted")
	// ErrBadRequest: the request was rejected as malformed (Telegram 400); retrying will not help.
	ErrBadRequest = errors.New("request rejected by the API")
	// ErrTemporary: a 5xx or network error; the same request may succeed later.
	ErrTemporary = errors.New("temporary API failure")
)

// RetryAfterError is returned for Telegram 429: wait After, then retry the same request.
type RetryAfterError struct {
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.After)
}
