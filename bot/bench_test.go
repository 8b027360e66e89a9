package bot

import (
	"context"
	"html"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// countConv counts updates and, when echo is set, answers each with a message.
type countConv struct {
	n    atomic.Int64
	echo bool
}

func (c *countConv) Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error {
	defer c.n.Add(1)
	if c.echo {
		return r.Send(ctx, u.ChatID, handlers.Message{Text: html.EscapeString(u.Text)})
	}
	return nil
}

func pushMany(api *fakeapi.Server, n int) {
	ups := make([]models.Update, n)
	for i := range ups {
		ups[i] = fakeapi.TextUpdate(int64(1+i%100), "de", "Walsrode")
	}
	api.Push(ups...)
}

func benchBot(b *testing.B, c redis.UniversalClient, prefix string, echo bool) {
	api := fakeapi.New()
	defer api.Close()
	conv := &countConv{echo: echo}
	logs := &handlerstest.Log{}
	bot, err := New(Options{Token: testToken, APIURL: api.URL(), Conversation: conv, Redis: c, KeyPrefix: prefix,
		Logger: logs.Logger(), MaxConcurrency: 16, PollTimeout: time.Second,
		// b.N updates into 100 chats at once: no per-chat pace, no flood cap.
		ChatPace: NoChatPace, MaxPendingPerChat: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bot.Run(ctx) }()
	b.ResetTimer()
	start := time.Now()
	pushMany(api, b.N)
	for conv.n.Load() < int64(b.N) {
		time.Sleep(200 * time.Microsecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
}

// BenchmarkDispatcher: updates from 100 chats through polling, the dispatcher and
// a conversation that does nothing (noop) or sends one message (echo).
func BenchmarkDispatcher(b *testing.B) {
	b.Run("memory/noop", func(b *testing.B) { benchBot(b, nil, "", false) })
	b.Run("memory/echo", func(b *testing.B) { benchBot(b, nil, "", true) })
	b.Run("redis/noop", func(b *testing.B) { benchBot(b, redistest.Client(b), redistest.Prefix(b), false) })
	b.Run("redis/echo", func(b *testing.B) { benchBot(b, redistest.Client(b), redistest.Prefix(b), true) })
}

// BenchmarkBareLibraryEcho is the baseline: go-telegram/bot's own polling and
// goroutine-per-update handling, echoing each update (no ordering, no dedup).
func BenchmarkBareLibraryEcho(b *testing.B) {
	api := fakeapi.New()
	defer api.Close()
	var n atomic.Int64
	tb, err := tgbot.New(testToken, tgbot.WithServerURL(api.URL()), tgbot.WithSkipGetMe(),
		tgbot.WithDefaultHandler(func(ctx context.Context, tb *tgbot.Bot, u *models.Update) {
			defer n.Add(1)
			if u.Message != nil {
				_, _ = tb.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID,
					Text: html.EscapeString(u.Message.Text), ParseMode: models.ParseModeHTML})
			}
		}))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tb.Start(ctx); close(done) }()
	b.ResetTimer()
	start := time.Now()
	pushMany(api, b.N)
	for n.Load() < int64(b.N) {
		time.Sleep(200 * time.Microsecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
}
