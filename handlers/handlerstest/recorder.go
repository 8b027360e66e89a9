package handlerstest

import (
	"context"
	"sync"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Kinds of Sent.
const (
	KindSend     = "send"     // Send, or a Post of a text, photo or document
	KindVenue    = "venue"    // a Post of a venue (map pin)
	KindContact  = "contact"  // SendContact
	KindCallback = "callback" // AnswerCallback
	KindInline   = "inline"   // AnswerInline
	KindEdit     = "edit"     // EditPost
	KindDelete   = "delete"   // DeleteMessage
)

// Sent is one call a Recorder recorded.
type Sent struct {
	Kind string // one of the Kind constants
	Chat int64  // the chat (0 for callback and inline answers)
	// Msg is the message of a Send; of a Post its text (or caption) and buttons;
	// of an EditPost its new text.
	Msg       handlers.Message
	Post      *handlers.Post // the Post itself (KindSend or KindVenue from Post)
	Contact   handlers.Contact
	Callback  string // AnswerCallback's notice
	Results   []handlers.InlineResult
	MessageID int       // the message an EditPost or DeleteMessage is about
	At        time.Time // when it was recorded
}

// Recorder is a handlers.Replier and handlers.Poster that records every call
// and succeeds, unless told to fail with FailSends. Posts get message ids
// counting up from 1 and, for an upload, the file id "file-<kind>". It is safe
// for concurrent use; the zero value is ready.
type Recorder struct {
	mu      sync.Mutex
	sent    []Sent
	fail    error
	changed chan struct{} // closed and replaced on every recorded call
}

var (
	_ handlers.Replier = (*Recorder)(nil)
	_ handlers.Poster  = (*Recorder)(nil)
)

// FailSends makes Send and Post return err (nil: succeed again); a failed call
// records nothing.
func (r *Recorder) FailSends(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

// Send records a text message.
func (r *Recorder) Send(_ context.Context, chat int64, m handlers.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.addLocked(Sent{Kind: KindSend, Chat: chat, Msg: m})
	return nil
}

// SendContact records a contact card.
func (r *Recorder) SendContact(_ context.Context, chat int64, c handlers.Contact) error {
	r.add(Sent{Kind: KindContact, Chat: chat, Contact: c})
	return nil
}

// AnswerCallback records the answer to a button press.
func (r *Recorder) AnswerCallback(_ context.Context, _, text string) error {
	r.add(Sent{Kind: KindCallback, Callback: text})
	return nil
}

// AnswerInline records the answer to an inline query.
func (r *Recorder) AnswerInline(_ context.Context, _ string, res []handlers.InlineResult) error {
	r.add(Sent{Kind: KindInline, Results: res})
	return nil
}

// Post records a post: like a message (KindSend, its text or caption in Msg),
// a venue as KindVenue; the Post itself in Sent.Post. It tells p.Receipt, as a
// Poster that sends does.
func (r *Recorder) Post(ctx context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	posted, err := r.post(chat, p)
	if err == nil && p.Receipt != nil {
		p.Receipt(ctx, chat, posted)
	}
	return posted, err
}

func (r *Recorder) post(chat int64, p handlers.Post) (handlers.Posted, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return handlers.Posted{}, r.fail
	}
	kind := KindSend
	if p.Venue != nil {
		kind = KindVenue
	}
	r.addLocked(Sent{Kind: kind, Chat: chat, Msg: handlers.Message{Text: p.Text, Buttons: p.Buttons}, Post: &p})
	return handlers.Posted{MessageID: len(r.sent), FileID: "file-" + kind}, nil
}

// EditPost records an edit.
func (r *Recorder) EditPost(_ context.Context, chat int64, id int, e handlers.Edit) error {
	r.add(Sent{Kind: KindEdit, Chat: chat, Msg: handlers.Message{Text: e.Text, Buttons: e.Buttons}, MessageID: id})
	return nil
}

// DeleteMessage records a deletion.
func (r *Recorder) DeleteMessage(_ context.Context, chat int64, id int) error {
	r.add(Sent{Kind: KindDelete, Chat: chat, MessageID: id})
	return nil
}

// All returns everything recorded so far, in order.
func (r *Recorder) All() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

// Take returns everything recorded so far and forgets it.
func (r *Recorder) Take() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sent
	r.sent = nil
	return s
}

// Messages returns the messages sent into chat (Send and Post), in order.
func (r *Recorder) Messages(chat int64) []handlers.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []handlers.Message
	for _, s := range r.sent {
		if s.Chat == chat && (s.Kind == KindSend || s.Kind == KindVenue) {
			out = append(out, s.Msg)
		}
	}
	return out
}

// Changed returns a channel that is closed at the next recorded call.
func (r *Recorder) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return r.changed
}

func (r *Recorder) add(s Sent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(s)
}

func (r *Recorder) addLocked(s Sent) {
	s.At = time.Now()
	r.sent = append(r.sent, s)
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}
