package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// out is one thing the handler sent.
type out struct {
	Kind     string // "send", "contact", "callback", "inline"
	Chat     int64
	Msg      handlers.Message
	Contact  handlers.Contact
	Callback string // AnswerCallback text
	Results  []handlers.InlineResult
	Post     *handlers.Post // set for a Post (photo, document, venue, or text)
}

// recorder is a Replier that records everything; failSend makes Send fail.
type recorder struct {
	mu       sync.Mutex
	outs     []out
	failSend error
}

func (r *recorder) Send(_ context.Context, chat int64, m handlers.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failSend != nil {
		return r.failSend
	}
	r.outs = append(r.outs, out{Kind: "send", Chat: chat, Msg: m})
	return nil
}

func (r *recorder) SendContact(_ context.Context, chat int64, c handlers.Contact) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out{Kind: "contact", Chat: chat, Contact: c})
	return nil
}

func (r *recorder) AnswerCallback(_ context.Context, id, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out{Kind: "callback", Callback: text})
	return nil
}

func (r *recorder) AnswerInline(_ context.Context, id string, res []handlers.InlineResult) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out{Kind: "inline", Results: res})
	return nil
}

// take returns and forgets what was recorded.
func (r *recorder) take() []out {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.outs
	r.outs = nil
	return o
}

var (
	dirOnce sync.Once
	dir     *directory.Directory
	dirErr  error
)

func testDirectory(t testing.TB) *directory.Directory {
	t.Helper()
	dirOnce.Do(func() { dir, dirErr = directory.Default() })
	if dirErr != nil {
		t.Fatalf("directory.Default: %v", dirErr)
	}
	return dir
}

// chat drives a Handler like one Telegram user in a private chat.
type chat struct {
	t     *testing.T
	h     *handlers.Handler
	r     *recorder
	id    int64
	lang  string
	store *redisstore.Store
	rdb   *redis.Client
	pfx   string
	logs  *bytes.Buffer
	next  int64
}

type chatOption func(*handlers.Config)

func newChat(t *testing.T, opts ...chatOption) *chat {
	t.Helper()
	rdb := redistest.Client(t)
	pfx := redistest.Prefix(t)
	store := redisstore.New(rdb, pfx)
	return newChatWithStore(t, store, rdb, pfx, opts...)
}

func newChatWithStore(t *testing.T, store handlers.Store, rdb *redis.Client, pfx string, opts ...chatOption) *chat {
	t.Helper()
	logs := &bytes.Buffer{}
	cfg := handlers.Config{
		Directory: testDirectory(t), Store: store, Operator: "Landkreis Heidekreis, Jugendamt",
		BotUsername: "SozialraumBot",
		Logger:      slog.New(slog.NewTextHandler(&syncWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
	}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := handlers.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := store.(*redisstore.Store)
	return &chat{t: t, h: h, r: &recorder{}, id: 4711, lang: "de", store: rs, rdb: rdb, pfx: pfx, logs: logs}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (c *chat) update() handlers.Update {
	c.next++
	return handlers.Update{ID: c.next, ChatID: c.id, Private: true, User: handlers.User{ID: c.id, LanguageCode: c.lang}}
}

// say sends a text and returns what the bot answered.
func (c *chat) say(text string) []out {
	c.t.Helper()
	u := c.update()
	u.Text = text
	return c.handle(u)
}

func (c *chat) press(data string) []out {
	c.t.Helper()
	u := c.update()
	u.Callback = &handlers.Callback{ID: "cb", MessageID: 1, Data: data}
	return c.handle(u)
}

func (c *chat) locate(lat, lon float64) []out {
	c.t.Helper()
	u := c.update()
	u.Location = &handlers.Location{Lat: lat, Lon: lon}
	return c.handle(u)
}

func (c *chat) inline(q string) []out {
	c.t.Helper()
	u := handlers.Update{ID: 99, User: handlers.User{ID: c.id, LanguageCode: c.lang}, Inline: &handlers.InlineQuery{ID: "iq", Query: q}}
	return c.handle(u)
}

func (c *chat) handle(u handlers.Update) []out {
	c.t.Helper()
	if err := c.h.Handle(context.Background(), c.r, u); err != nil {
		c.t.Fatalf("Handle: %v", err)
	}
	outs := c.r.take()
	for _, o := range outs {
		checkOut(c.t, o)
	}
	return outs
}

// checkOut checks the Telegram limits of everything sent.
func checkOut(t *testing.T, o out) {
	t.Helper()
	if n := len([]rune(o.Msg.Text)); n > 4096 {
		t.Errorf("message of %d characters", n)
	}
	for _, row := range o.Msg.Buttons {
		for _, b := range row {
			if b.URL == "" && (len(b.Data) == 0 || len(b.Data) > 64) {
				t.Errorf("button %q has callback data of %d bytes", b.Text, len(b.Data))
			}
		}
	}
	if len(o.Results) > 50 {
		t.Errorf("%d inline results", len(o.Results))
	}
	if len(o.Contact.VCard) > 2048 {
		t.Errorf("vCard of %d bytes", len(o.Contact.VCard))
	}
}

// texts joins the texts of the sent messages.
func texts(outs []out) string {
	var b strings.Builder
	for _, o := range outs {
		if o.Kind == "send" {
			b.WriteString(o.Msg.Text)
			b.WriteString("\n---\n")
		}
	}
	return b.String()
}

// buttons lists all buttons of the sent messages.
func buttons(outs []out) []handlers.Button {
	var bs []handlers.Button
	for _, o := range outs {
		for _, row := range o.Msg.Buttons {
			bs = append(bs, row...)
		}
	}
	return bs
}

// button finds a button whose data starts with prefix.
func button(t *testing.T, outs []out, prefix string) handlers.Button {
	t.Helper()
	for _, b := range buttons(outs) {
		if strings.HasPrefix(b.Data, prefix) {
			return b
		}
	}
	t.Fatalf("no button %q in %+v", prefix, buttons(outs))
	return handlers.Button{}
}

func kinds(outs []out) string {
	var k []string
	for _, o := range outs {
		k = append(k, o.Kind)
	}
	return strings.Join(k, ",")
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("answer does not contain %q:\n%s", w, got)
		}
	}
}

func mustNotContain(t *testing.T, got string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(got, n) {
			t.Errorf("answer contains %q:\n%s", n, got)
		}
	}
}

// downStore is a redisstore whose client points to a closed port.
func downStore(t *testing.T) *redisstore.Store {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	return redisstore.New(c, "down")
}

var errSend = errors.New("send failed")
