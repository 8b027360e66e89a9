package bot

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

const waitLong = 20 * time.Second

// echoConv is a fake conversation: it records what it handles and answers
// "echo: <text>" (escaped), acknowledges callbacks and answers inline queries.
type echoConv struct {
	delay   time.Duration // simulated work per update
	mu      sync.Mutex
	seen    []handlers.Update
	panicOn string

	// holdOn: an update with this text waits until hold is closed.
	holdOn string
	hold   chan struct{}
	// overlap > 0: the first overlap updates wait until that many are handled
	// at the same time (then entered is closed).
	overlap int
	inside  int
	entered chan struct{}

	running, maxRunning atomic.Int64 // conversation calls at the same time
}

func (c *echoConv) Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error {
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for old := c.maxRunning.Load(); n > old && !c.maxRunning.CompareAndSwap(old, n); old = c.maxRunning.Load() {
	}
	c.mu.Lock()
	var meet chan struct{}
	if c.overlap > 0 && c.entered != nil {
		select {
		case <-c.entered:
		default:
			c.inside++
			if c.inside == c.overlap {
				close(c.entered)
			}
			meet = c.entered
		}
	}
	c.mu.Unlock()
	if meet != nil {
		select {
		case <-meet:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if c.holdOn != "" && u.Text == c.holdOn {
		select {
		case <-c.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	c.mu.Lock()
	c.seen = append(c.seen, u)
	c.mu.Unlock()
	if c.panicOn != "" && u.Text == c.panicOn {
		panic("boom")
	}
	switch {
	case u.Callback != nil:
		return r.AnswerCallback(ctx, u.Callback.ID, "")
	case u.Inline != nil:
		return r.AnswerInline(ctx, u.Inline.ID, []handlers.InlineResult{{ID: "a", Title: "t", Text: html.EscapeString(u.Inline.Query)}})
	case u.Location != nil:
		return r.Send(ctx, u.ChatID, handlers.Message{Text: fmt.Sprintf("loc %.2f", u.Location.Lat)})
	default:
		return r.Send(ctx, u.ChatID, handlers.Message{Text: html.EscapeString("echo: " + u.Text)})
	}
}

func (c *echoConv) handled() []handlers.Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]handlers.Update(nil), c.seen...)
}

// running is a Bot running in the background of a test.
type running struct {
	bot    *Bot
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
	err    error         // Run's result, set before done is closed
	logs   *handlerstest.Log
}

// stop shuts the bot down and returns Run's error.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		return r.err
	case <-time.After(waitLong):
		t.Fatal("Run did not return after cancel")
		return nil
	}
}

// startBot runs a bot against api; opts.Token, APIURL and Logger are filled in.
func startBot(t *testing.T, api *fakeapi.Server, opts Options) *running {
	t.Helper()
	logs := &handlerstest.Log{}
	if opts.Token == "" {
		opts.Token = testToken
	}
	opts.APIURL = api.URL()
	opts.Logger = logs.Logger()
	if opts.PollTimeout == 0 {
		opts.PollTimeout = 2 * time.Second
	}
	// Tests write many messages into one chat at once, far faster than anyone
	// types: unless a test is about them, no per-chat pace and no flood cap.
	if opts.ChatPace == (ChatPace{}) {
		opts.ChatPace = NoChatPace
	}
	if opts.MaxPendingPerChat == 0 {
		opts.MaxPendingPerChat = 1000
	}
	b, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{bot: b, cancel: cancel, done: make(chan struct{}), logs: logs}
	go func() {
		r.err = b.Run(ctx)
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(waitLong):
		}
		if strings.Contains(logs.String(), "SECRETtoken") {
			t.Error("the token reached the log")
		}
	})
	return r
}

// replicaSecret is the webhook secret of the replicas startReplicas runs.
const replicaSecret = "s3cret"

// startReplicas runs two replicas of the bot in webhook mode on one fake API and
// one Redis prefix, each with its conversation of convs, and waits until both
// take updates. opts adds options (Redis and KeyPrefix default to redistest's);
// its Conversation, Mode and Webhook are set here.
func startReplicas(t *testing.T, api *fakeapi.Server, convs [2]*echoConv, opts Options) [2]*running {
	t.Helper()
	if opts.Redis == nil {
		opts.Redis = redistest.Client(t)
	}
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = redistest.Prefix(t)
	}
	opts.Mode = ModeWebhook
	opts.Webhook = WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: replicaSecret}
	var replicas [2]*running
	for i := range replicas {
		opts.Conversation = convs[i]
		replicas[i] = startBot(t, api, opts)
		waitReady(t, replicas[i].bot)
	}
	return replicas
}

// texts returns the texts of the successful sendMessage requests to a chat.
func texts(api *fakeapi.Server, chatID int64) []string {
	var out []string
	for _, r := range api.Sent("sendMessage", chatID) {
		out = append(out, r.Params["text"])
	}
	return out
}

// waitReady waits until the dispatcher of b runs (webhook handler accepts).
func waitReady(t *testing.T, b *Bot) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for b.dispatcher() == nil {
		if time.Now().After(deadline) {
			t.Fatal("bot did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countMetrics is a Metrics that counts every call by name and label.
type countMetrics struct {
	mu sync.Mutex
	n  map[string]float64 // "name label" -> sum
}

func (m *countMetrics) add(name, label string, v float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]float64{}
	}
	m.n[name+" "+label] += v
}

// count is the sum of the calls of name with label ("" for calls without one).
func (m *countMetrics) count(name, label string) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[name+" "+label]
}

// sum is the sum of the calls of name over all labels.
func (m *countMetrics) sum(name string) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s float64
	for k, v := range m.n {
		if n, _, _ := strings.Cut(k, " "); n == name {
			s += v
		}
	}
	return s
}

func (m *countMetrics) Update(kind string)                   { m.add("update", kind, 1) }
func (m *countMetrics) Handled(kind string, _ time.Duration) { m.add("handled", kind, 1) }
func (m *countMetrics) InFlight(delta float64)               { m.add("inflight", "", delta) }
func (m *countMetrics) Duplicate()                           { m.add("duplicate", "", 1) }
func (m *countMetrics) Skipped(n int)                        { m.add("skipped", "", float64(n)) }
func (m *countMetrics) Reply(result string)                  { m.add("reply", result, 1) }
func (m *countMetrics) APIError(code int)                    { m.add("apierror", strconv.Itoa(code), 1) }
func (m *countMetrics) RedisError(op string)                 { m.add("rediserror", op, 1) }
func (m *countMetrics) WebhookRefused(reason string)         { m.add("webhookrefused", reason, 1) }
