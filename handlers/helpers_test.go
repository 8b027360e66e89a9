package handlers_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// out is one thing the handler sent.
type out = handlerstest.Sent

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
	r     *handlerstest.Recorder
	id    int64
	lang  string
	store *redisstore.Store
	rdb   *redis.Client
	pfx   string
	logs  *handlerstest.Log
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
	logs := &handlerstest.Log{}
	cfg := handlers.Config{
		Directory: testDirectory(t), Store: store, Operator: "Landkreis Heidekreis, Jugendamt",
		BotUsername: "SozialraumBot",
		Logger:      logs.Logger(),
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
	return &chat{t: t, h: h, r: &handlerstest.Recorder{}, id: 4711, lang: "de", store: rs, rdb: rdb, pfx: pfx, logs: logs}
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
	outs := c.r.Take()
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

// downStore is a redisstore whose Redis is not there.
func downStore(t *testing.T) *redisstore.Store {
	t.Helper()
	return redisstore.New(redistest.Down(t), "down")
}

var errSend = errors.New("send failed")
