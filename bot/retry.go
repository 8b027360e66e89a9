package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Retrier is a handlers.Replier for the conversation: it rides out short Bot API
// failures of the Replier it wraps. On 429 it waits exactly retry_after (when that
// is at most MaxWait) and sends the same request again; on a temporary failure
// (5xx, network) it retries with backoff a few times. A request Telegram rejected
// (400) or a blocked chat (403) is not retried. A request is sent again only
// after the API answered with an error (429, 5xx) or the connection failed; only
// in the last case, when the connection broke after Telegram had processed the
// request, can a message arrive twice (no Bot API method is idempotent).
type Retrier struct {
	next handlers.Replier
	// MaxWait is the longest retry_after honoured (default 30 s); a longer one is
	// returned as the error.
	MaxWait time.Duration
	// Attempts is how often a temporary failure is tried in all (default 4).
	Attempts int
	// Backoff is the first wait after a temporary failure, doubled each time (default 500 ms).
	Backoff time.Duration
	// Log receives a line per retry (default slog.Default()).
	Log *slog.Logger
	// sleep waits d or until ctx ends (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

var _ handlers.Replier = (*Retrier)(nil)

// NewRetrier wraps next with the default retry policy.
func NewRetrier(next handlers.Replier) *Retrier {
	return &Retrier{next: next, MaxWait: 30 * time.Second, Attempts: 4, Backoff: 500 * time.Millisecond}
}

// Send sends a message, retrying as described on Retrier.
func (r *Retrier) Send(ctx context.Context, chatID int64, m handlers.Message) error {
	return r.do(ctx, "sendMessage", func() error { return r.next.Send(ctx, chatID, m) })
}

// SendContact sends a contact card, retrying as described on Retrier.
func (r *Retrier) SendContact(ctx context.Context, chatID int64, c handlers.Contact) error {
	return r.do(ctx, "sendContact", func() error { return r.next.SendContact(ctx, chatID, c) })
}

// AnswerCallback answers a button press, retrying as described on Retrier.
func (r *Retrier) AnswerCallback(ctx context.Context, callbackID, text string) error {
	return r.do(ctx, "answerCallbackQuery", func() error { return r.next.AnswerCallback(ctx, callbackID, text) })
}

// AnswerInline answers an inline query, retrying as described on Retrier.
func (r *Retrier) AnswerInline(ctx context.Context, queryID string, results []handlers.InlineResult) error {
	return r.do(ctx, "answerInlineQuery", func() error { return r.next.AnswerInline(ctx, queryID, results) })
}

func (r *Retrier) do(ctx context.Context, method string, call func() error) error {
	attempts := r.Attempts
	if attempts < 1 {
		attempts = 1
	}
	backoff := r.Backoff
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	maxWait := r.MaxWait
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	sleep := r.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	temporary, limited := 0, 0
	for {
		err := call()
		if err == nil {
			return nil
		}
		var wait time.Duration
		var ra *handlers.RetryAfterError
		switch {
		case ctx.Err() != nil:
			if errors.Is(err, ctx.Err()) {
				return err
			}
			return errors.Join(err, ctx.Err())
		case errors.As(err, &ra):
			limited++
			if ra.After > maxWait || limited > attempts {
				return err
			}
			wait = ra.After
		case errors.Is(err, handlers.ErrTemporary):
			temporary++
			if temporary >= attempts {
				return err
			}
			wait = backoff << (temporary - 1)
		default:
			return err
		}
		log.Warn("telegram call failed, retrying", "method", method, "err", err, "wait", wait)
		if serr := sleep(ctx, wait); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var _ handlers.Poster = (*Retrier)(nil)

// Post sends a rich message through the wrapped Replier when it is a handlers.Poster.
func (r *Retrier) Post(ctx context.Context, chatID int64, p handlers.Post) (handlers.Posted, error) {
	pp, ok := r.next.(handlers.Poster)
	if !ok {
		return handlers.Posted{}, r.Send(ctx, chatID, handlers.Message{Text: p.Text, Buttons: p.Buttons})
	}
	var out handlers.Posted
	err := r.do(ctx, "post", func() error {
		var err error
		out, err = pp.Post(ctx, chatID, p)
		return err
	})
	return out, err
}

// EditPost edits through the wrapped Replier when it is a handlers.Poster.
func (r *Retrier) EditPost(ctx context.Context, chatID int64, messageID int, e handlers.Edit) error {
	pp, ok := r.next.(handlers.Poster)
	if !ok {
		return handlers.ErrBadRequest
	}
	return r.do(ctx, "editPost", func() error { return pp.EditPost(ctx, chatID, messageID, e) })
}

// DeleteMessage deletes through the wrapped Replier when it is a handlers.Poster.
func (r *Retrier) DeleteMessage(ctx context.Context, chatID int64, messageID int) error {
	pp, ok := r.next.(handlers.Poster)
	if !ok {
		return handlers.ErrBadRequest
	}
	return r.do(ctx, "deleteMessage", func() error { return pp.DeleteMessage(ctx, chatID, messageID) })
}
