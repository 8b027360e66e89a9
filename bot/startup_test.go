package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
)

type nopConv struct{}

func (nopConv) Handle(context.Context, handlers.Replier, handlers.Update) error { return nil }

// A shutdown that arrives while the start-up call (deleteWebhook when polling,
// setWebhook for a webhook) is on its way is a clean shutdown, not a failed
// start-up: Run returns nil. This is the window of the e2e flake "setWebhook
// did not succeed before shutdown": Telegram (here the fake) had answered, and
// the cancel came before the bot read the answer.
func TestShutdownDuringStartupCallIsClean(t *testing.T) {
	for _, tt := range []struct {
		mode   bot.Mode
		method string
	}{
		{bot.ModePolling, "deleteWebhook"},
		{bot.ModeWebhook, "setWebhook"},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			api := fakeapi.Start(t)
			target, err := url.Parse(api.URL())
			if err != nil {
				t.Fatal(err)
			}
			proxy := httputil.NewSingleHostReverseProxy(target)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// In front of the fake: the start-up call reaches the fake (which
			// answers 200), then the bot is told to stop before the answer
			// reaches it.
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasSuffix(r.URL.Path, "/"+tt.method) {
					proxy.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				proxy.ServeHTTP(rec, r.Clone(context.WithoutCancel(r.Context())))
				cancel()
				<-r.Context().Done() // the bot gave up waiting for the answer
			}))
			defer front.Close()
			b, err := bot.New(bot.Options{
				Token: "4711:startup", APIURL: front.URL, Conversation: nopConv{}, Mode: tt.mode,
				Webhook: bot.WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: "s3cret"},
				Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- b.Run(ctx) }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil: a shutdown during start-up is no failure", err)
				}
			case <-time.After(offsetWait):
				t.Fatal("Run did not return")
			}
			if reqs := api.Requests(tt.method); len(reqs) != 1 || reqs[0].Status != http.StatusOK {
				t.Errorf("%s reached the fake %d times", tt.method, len(reqs))
			}
		})
	}
}

// A start-up call that really failed is reported when the shutdown comes
// before it succeeded.
func TestShutdownAfterFailedStartupReportsIt(t *testing.T) {
	api := fakeapi.Start(t)
	api.FailNext("setWebhook", 1000, http.StatusInternalServerError, 0)
	b, err := bot.New(bot.Options{
		Token: "4711:startup", APIURL: api.URL(), Conversation: nopConv{}, Mode: bot.ModeWebhook,
		Webhook: bot.WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: "s3cret"},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	// Two attempts: the bot has read the first answer (500) before it tried again.
	if _, err := api.Wait("setWebhook", 2, offsetWait); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		var apiErr *bot.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != http.StatusInternalServerError ||
			!strings.Contains(err.Error(), "setWebhook did not succeed before shutdown") {
			t.Errorf("Run = %v, want the failed setWebhook (500)", err)
		}
	case <-time.After(offsetWait):
		t.Fatal("Run did not return")
	}
}
