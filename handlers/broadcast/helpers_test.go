package broadcast

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// sender is the staff chat that gets the reports.
const sender = 900000

// wait is the generous limit for anything asynchronous in these tests.
const wait = 60 * time.Second

// memSubs is an in-memory subscription store.
type memSubs struct {
	mu   sync.Mutex
	subs map[string][]int64
}

func newSubs(m map[string][]int64) *memSubs { return &memSubs{subs: m} }

func (m *memSubs) Subscribers(_ context.Context, d string) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.subs[d]), nil
}

func (m *memSubs) Unsubscribe(_ context.Context, chat int64, d string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs[d] = slices.DeleteFunc(m.subs[d], func(c int64) bool { return c == chat })
	return nil
}

func (m *memSubs) has(d string, chat int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.subs[d], chat)
}

// sent is one message the fake replier accepted.
type sent struct {
	chat int64
	text string
	at   time.Time
}

// fakeReplier is a handlerstest.Recorder whose sends fail as scripted per chat.
type fakeReplier struct {
	handlerstest.Recorder
	mu     sync.Mutex
	calls  map[int64]int
	script map[int64][]error // errors returned for the chat's next calls, in order
	before func(chat int64) error
	notify chan struct{}
}

func newReplier() *fakeReplier {
	return &fakeReplier{calls: map[int64]int{}, script: map[int64][]error{}, notify: make(chan struct{}, 1)}
}

func (f *fakeReplier) fail(chat int64, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[chat] = append(f.script[chat], errs...)
}

func (f *fakeReplier) Send(ctx context.Context, chat int64, m handlers.Message) error {
	defer f.notified()
	if err := f.attempt(chat); err != nil {
		return err
	}
	return f.Recorder.Send(ctx, chat, m)
}

// Post fails like Send; a post is recorded with its text (or caption).
func (f *fakeReplier) Post(ctx context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	defer f.notified()
	if err := f.attempt(chat); err != nil {
		return handlers.Posted{}, err
	}
	return f.Recorder.Post(ctx, chat, p)
}

// EditPost fails like Send, then records the edit.
func (f *fakeReplier) EditPost(ctx context.Context, chat int64, id int, e handlers.Edit) error {
	defer f.notified()
	if err := f.attempt(chat); err != nil {
		return err
	}
	return f.Recorder.EditPost(ctx, chat, id, e)
}

// DeleteMessage fails like Send, then records the deletion.
func (f *fakeReplier) DeleteMessage(ctx context.Context, chat int64, id int) error {
	defer f.notified()
	if err := f.attempt(chat); err != nil {
		return err
	}
	return f.Recorder.DeleteMessage(ctx, chat, id)
}

// deleted returns how many messages were deleted in chat.
func (f *fakeReplier) deleted(chat int64) int {
	n := 0
	for _, s := range f.All() {
		if s.Chat == chat && s.Kind == handlerstest.KindDelete {
			n++
		}
	}
	return n
}

// attempt counts a call to chat and returns its scripted error, if any.
func (f *fakeReplier) attempt(chat int64) error {
	if f.before != nil {
		if err := f.before(chat); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[chat]++
	q := f.script[chat]
	if len(q) == 0 {
		return nil
	}
	err := q[0]
	if len(q) > 1 || err != errForever {
		f.script[chat] = q[1:]
	}
	if err == errForever {
		err = handlers.ErrTemporary
	}
	return err
}

func (f *fakeReplier) notified() {
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// errForever scripts a temporary error that never ends.
var errForever = fmt.Errorf("forever")

func (f *fakeReplier) to(chat int64) []sent {
	var out []sent
	for _, s := range f.All() {
		if s.Chat == chat && s.Kind == handlerstest.KindSend {
			out = append(out, sent{s.Chat, s.Msg.Text, s.At})
		}
	}
	return out
}

func (f *fakeReplier) count() map[int64]int {
	out := map[int64]int{}
	for _, s := range f.All() {
		if s.Kind == handlerstest.KindSend {
			out[s.Chat]++
		}
	}
	return out
}

// textSender makes a Sender of a send function: a post goes out as a text
// message of its text (the tests' announcements are text only), without a
// message id; edits and deletions succeed.
type textSender func(ctx context.Context, chat int64, m handlers.Message) error

func (f textSender) Send(ctx context.Context, chat int64, m handlers.Message) error {
	return f(ctx, chat, m)
}

func (f textSender) Post(ctx context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	return handlers.Posted{}, f(ctx, chat, handlers.Message{Text: p.Text, Buttons: p.Buttons})
}

func (textSender) EditPost(context.Context, int64, int, handlers.Edit) error { return nil }
func (textSender) DeleteMessage(context.Context, int64, int) error           { return nil }

// waitFor polls cond until it holds or the test's patience ends.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testOptions are fast settings for tests.
func testOptions() Options {
	return Options{
		Rate:            500,
		PerChatInterval: 50 * time.Millisecond,
		MaxAttempts:     3,
		Backoff:         10 * time.Millisecond,
		MaxBackoff:      50 * time.Millisecond,
		// The recipient lock lives three quarters of it and is renewed every
		// quarter: 1s leaves room for the scheduling stalls of a loaded -race run.
		ClaimIdle:   time.Second,
		SendTimeout: time.Second,
		Workers:     3,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// newService returns a Service on a fresh prefix and its own Redis client.
func newService(t *testing.T, prefix string, subs Subscribers, o Options) *Service {
	t.Helper()
	return New(redistest.Client(t), prefix, subs, o)
}

// runWorker runs s.Run until the test ends (or stop is called); done yields Run's
// result once.
func runWorker(t *testing.T, s *Service, r Sender) (stop func(), done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		ch <- s.Run(ctx, r)
		close(finished)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-finished:
			case <-time.After(wait):
				t.Errorf("worker did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop, ch
}

func chats(from, n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)
	}
	return out
}

func announce(districts ...string) handlers.Announcement {
	return handlers.Announcement{
		Districts: districts, Text: "Elterncafé <am> Freitag", HTML: "<b>Elterncafé</b> &lt;am&gt; Freitag",
		SenderID: 7, SenderChat: sender,
	}
}

func waitDone(t *testing.T, s *Service, id string) handlers.BroadcastStatus {
	t.Helper()
	var st handlers.BroadcastStatus
	waitFor(t, "broadcast "+id+" done", func() bool {
		var err error
		st, err = s.Status(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Done
	})
	return st
}
