package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// The outbox: the conversation does not call the Bot API itself. It gets a
// recorder as its handlers.Replier, which keeps its replies in order; after the
// conversation returned, the chat's worker delivers them (deliver.go), and the
// update counts as done (Redis complete, or accepted without Redis) only when
// every reply was delivered or given up. A reply that must wait (a Telegram
// retry_after, the chat's pace, a backoff) parks the chat instead of holding a
// worker, and the chat takes its next update only after that, so replies keep
// their order within a chat across updates.

// reply is one Bot API call the conversation asked for.
type reply struct {
	method  string // sendMessage, sendContact, answerCallbackQuery, answerInlineQuery, post, editPost, deleteMessage
	chatID  int64  // the chat written to; 0 for callback and inline answers
	msg     handlers.Message
	contact handlers.Contact
	queryID string // callback or inline query
	text    string // callback notice
	results []handlers.InlineResult
	post    handlers.Post
	edit    handlers.Edit
	msgID   int // the message edited or deleted
}

// paced reports whether the reply writes into a chat (Telegram's per-chat
// limit counts it).
func (r *reply) paced() bool {
	switch r.method {
	case "sendMessage", "sendContact", "post", "editPost":
		return r.chatID != 0
	}
	return false
}

// send makes the call over api.
func (r *reply) send(ctx context.Context, api handlers.Replier) error {
	switch r.method {
	case "sendMessage":
		return api.Send(ctx, r.chatID, r.msg)
	case "sendContact":
		return api.SendContact(ctx, r.chatID, r.contact)
	case "answerCallbackQuery":
		return api.AnswerCallback(ctx, r.queryID, r.text)
	case "answerInlineQuery":
		return api.AnswerInline(ctx, r.queryID, r.results)
	}
	p, ok := api.(handlers.Poster)
	switch {
	case !ok && r.method == "post":
		return api.Send(ctx, r.chatID, handlers.Message{Text: r.post.Text, Buttons: r.post.Buttons})
	case !ok:
		return fmt.Errorf("%s: %w", r.method, handlers.ErrBadRequest)
	case r.method == "post":
		_, err := p.Post(ctx, r.chatID, r.post)
		return err
	case r.method == "editPost":
		return p.EditPost(ctx, r.chatID, r.msgID, r.edit)
	default:
		return p.DeleteMessage(ctx, r.chatID, r.msgID)
	}
}

// errReplierDone is returned to a conversation that replies after Handle returned.
var errReplierDone = errors.New("bot: reply after the update was handled is not delivered")

// recorder is the Replier the conversation gets for one update: it keeps the
// replies in order for delivery.
type recorder struct {
	mu      sync.Mutex
	replies []reply
	done    bool
	admins  handlers.AdminChecker // answers IsChatAdmin (chatmember.go); may be nil
}

var (
	_ handlers.Replier = (*recorder)(nil)
	_ handlers.Poster  = (*recorder)(nil)
)

func (r *recorder) add(x reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return errReplierDone
	}
	r.replies = append(r.replies, x)
	return nil
}

// close ends the recording and returns the replies.
func (r *recorder) close() []reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	return r.replies
}

// Send queues a text message.
func (r *recorder) Send(_ context.Context, chatID int64, m handlers.Message) error {
	return r.add(reply{method: "sendMessage", chatID: chatID, msg: m})
}

// SendContact queues a contact card.
func (r *recorder) SendContact(_ context.Context, chatID int64, c handlers.Contact) error {
	return r.add(reply{method: "sendContact", chatID: chatID, contact: c})
}

// AnswerCallback queues the answer to a button press.
func (r *recorder) AnswerCallback(_ context.Context, callbackID, text string) error {
	return r.add(reply{method: "answerCallbackQuery", queryID: callbackID, text: text})
}

// AnswerInline queues the answer to an inline query.
func (r *recorder) AnswerInline(_ context.Context, queryID string, results []handlers.InlineResult) error {
	return r.add(reply{method: "answerInlineQuery", queryID: queryID, results: results})
}

// turn is one update in a chat's hands: handled, its replies being delivered.
type turn struct {
	updateID int64  // 0 when unknown (an undecodable inbox entry)
	redisID  string // the update_id as the inbox read it; "" for updates held in memory
	job      *job   // an update held in memory (accepted when the turn ends)
	kind     string
	replies  []reply
	next     int       // replies[:next] are delivered or given up
	born     time.Time // when the replies were made: their age counts from here
	failures int       // temporary failures in a row (for the backoff)
	waited   bool      // a wait was logged for this turn (later ones at debug level)
}

// Post queues a rich message. Its message id and file_id are not known before
// it is delivered, after the conversation returned: Posted is empty. The
// post's Receipt goes with it and is told the id by the Sender that delivers it.
func (r *recorder) Post(_ context.Context, chatID int64, p handlers.Post) (handlers.Posted, error) {
	return handlers.Posted{}, r.add(reply{method: "post", chatID: chatID, post: p})
}

// EditPost queues an edit of a sent message.
func (r *recorder) EditPost(_ context.Context, chatID int64, messageID int, e handlers.Edit) error {
	return r.add(reply{method: "editPost", chatID: chatID, msgID: messageID, edit: e})
}

// DeleteMessage queues the deletion of a sent message.
func (r *recorder) DeleteMessage(_ context.Context, chatID int64, messageID int) error {
	return r.add(reply{method: "deleteMessage", chatID: chatID, msgID: messageID})
}
