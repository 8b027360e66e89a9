package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

const (
	token   = "424242:E2E-secret-token-value"
	wait    = 20 * time.Second
	hookKey = "e2e-Secret_1"
)

// world is one running bot with its fake API and Redis.
type world struct {
	t      *testing.T
	api    *fakeapi.Server
	rdb    redis.UniversalClient
	prefix string
	bot    *bot.Bot
	h      *handlers.Handler
	logs   *handlerstest.Log
	seq    int // requests seen by the steps so far
	// failed counts requests the test made fail on purpose (fakeapi.FailNext);
	// checkAll allows that many failed requests.
	failed int
}

type config struct {
	rdb    redis.UniversalClient // nil: redistest
	mode   bot.Mode
	api    *fakeapi.Server
	prefix string
	pace   bot.ChatPace           // zero: Telegram's limits (a group gets 20 messages a minute)
	hc     func(*handlers.Config) // changes the conversation's configuration; may be nil
}

// start runs the real bot with the real conversation against a fake Bot API.
func start(t *testing.T, c config) *world {
	t.Helper()
	w := &world{t: t, api: c.api, rdb: c.rdb, prefix: c.prefix, logs: &handlerstest.Log{}}
	if w.api == nil {
		w.api = fakeapi.Start(t, fakeapi.WithToken(token), fakeapi.WithUsername("SozialraumBot"))
	}
	if w.rdb == nil {
		w.rdb = redistest.Client(t)
	}
	if w.prefix == "" {
		w.prefix = redistest.Prefix(t)
	}
	log := w.logs.Logger()
	dir, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	hc := handlers.Config{
		Directory: dir, Store: redisstore.New(w.rdb, w.prefix, redisstore.WithLogger(log)),
		Operator: "Landkreis Heidekreis, Jugendamt", BotUsername: "SozialraumBot", Logger: log,
	}
	if c.hc != nil {
		c.hc(&hc)
	}
	h, err := handlers.New(hc)
	if err != nil {
		t.Fatal(err)
	}
	w.h = h
	opts := bot.Options{
		Token: token, APIURL: w.api.URL(), Conversation: h, Redis: w.rdb, KeyPrefix: w.prefix,
		Logger: log, PollTimeout: time.Second, MaxConcurrency: 8, SweepInterval: 200 * time.Millisecond,
		Mode: c.mode, ChatPace: c.pace,
	}
	if c.mode == bot.ModeWebhook {
		opts.Webhook = bot.WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: hookKey}
	}
	w.bot, err = bot.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	isWebhookSet := func(r fakeapi.Request) bool { return r.Method == "setWebhook" && r.Status == http.StatusOK }
	webhooksBefore := len(w.api.Requests("setWebhook"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.bot.Run(ctx) }()
	t.Cleanup(func() {
		if c.mode == bot.ModeWebhook {
			// A replica may answer its first update before its setWebhook call has
			// returned; it must still have registered its webhook. (Stopping it
			// while the call is on its way is a clean shutdown: bot.Run returns nil.)
			if _, err := w.api.WaitFunc(webhooksBefore+1, wait, isWebhookSet); err != nil {
				t.Errorf("setWebhook never succeeded: %v", err)
			}
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(wait):
			t.Error("Run did not return")
		}
		w.checkAll()
	})
	return w
}

// checkAll asserts what must hold for every request of the test: every call
// succeeded (the fake validates HTML, lengths, markup and callback data like
// Telegram), every HTML text parses, no button carries copy_text, and neither the
// token nor a user's phone number reached the log.
func (w *world) checkAll() {
	t := w.t
	for _, r := range w.api.Requests("") {
		if r.Method == "getUpdates" {
			continue
		}
		if r.Status != http.StatusOK {
			if w.failed > 0 {
				w.failed--
				continue
			}
			t.Errorf("request %d %s failed with %d: %v", r.Seq, r.Method, r.Status, r.Params)
		}
		if r.Token != token {
			t.Errorf("request %d with token %q", r.Seq, r.Token)
		}
		if txt, ok := r.Params["text"]; ok && (r.Method == "sendMessage" || r.Method == "editMessageText") {
			if r.Params["parse_mode"] != "HTML" {
				t.Errorf("request %d: parse_mode %q", r.Seq, r.Params["parse_mode"])
			}
			if _, err := fakeapi.CheckHTML(txt); err != nil {
				t.Errorf("request %d: %v in %q", r.Seq, err, txt)
			}
		}
		if strings.Contains(r.Params["reply_markup"], "copy_text") || strings.Contains(r.Params["results"], "copy_text") {
			t.Errorf("request %d sends copy_text", r.Seq)
		}
	}
	logs := w.logs.String()
	for _, secret := range []string{"E2E-secret-token-value", "0151 99887766"} {
		if strings.Contains(logs, secret) {
			t.Errorf("%q reached the log", secret)
		}
	}
}

// handled waits until the bot handled the update (its dedup mark is "done").
func (w *world) handled(id int64) {
	w.t.Helper()
	key := fmt.Sprintf("%s:seen:%d", w.prefix, id)
	deadline := time.Now().Add(wait)
	for w.rdb.Get(context.Background(), key).Val() != "done" {
		if time.Now().After(deadline) {
			w.t.Fatalf("update %d not handled in time; logs:\n%s", id, w.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// step pushes updates, waits until all are handled and returns the requests the
// bot made meanwhile (getUpdates left out).
func (w *world) step(updates ...models.Update) []fakeapi.Request {
	w.t.Helper()
	ids := w.api.Push(updates...)
	for _, id := range ids {
		w.handled(id)
	}
	return w.since()
}

// since returns the requests after the last step, without polling and start-up calls.
func (w *world) since() []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range w.api.Requests("") {
		if r.Seq > w.seq {
			w.seq = r.Seq
			switch r.Method {
			case "getUpdates", "deleteWebhook", "setWebhook", "getMe": // polling and start-up
			default:
				out = append(out, r)
			}
		}
	}
	return out
}

func methods(reqs []fakeapi.Request) string {
	var m []string
	for _, r := range reqs {
		m = append(m, r.Method)
	}
	return strings.Join(m, ",")
}

func mustContain(t *testing.T, s string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}

// button is an inline keyboard button as sent.
type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
	URL          string `json:"url"`
}

// buttons decodes the inline keyboard of a request.
func buttons(t *testing.T, r fakeapi.Request) [][]button {
	t.Helper()
	var m struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(r.Params["reply_markup"]), &m); err != nil {
		t.Fatalf("reply_markup %q: %v", r.Params["reply_markup"], err)
	}
	return m.InlineKeyboard
}

// find returns the first button whose callback data starts with prefix.
func find(t *testing.T, r fakeapi.Request, prefix string) button {
	t.Helper()
	for _, row := range buttons(t, r) {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return b
			}
		}
	}
	t.Fatalf("no button %q in %s", prefix, r.Params["reply_markup"])
	return button{}
}

// messageID is the message_id the fake gave a sent message.
func messageID(t *testing.T, r fakeapi.Request) int {
	t.Helper()
	m, err := r.Message()
	if err != nil {
		t.Fatal(err)
	}
	return m.MessageID
}
