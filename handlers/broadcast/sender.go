package broadcast

import (
	"context"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Sender is what the worker sends through: the announcement's messages, their
// corrections and recalls (handlers.Poster), and the reports to staff (Send).
// bot.Sender implements it over the Bot API, the terminal chat on the screen.
// Errors are those of handlers.Replier (ErrBlocked, ErrBadRequest, ErrTemporary,
// *RetryAfterError).
type Sender interface {
	// Send sends a text message (HTML).
	Send(ctx context.Context, chatID int64, m handlers.Message) error
	handlers.Poster
}
