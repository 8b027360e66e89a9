package bot

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

// postUpdate delivers an update to the bot's webhook handler and returns the status.
func postUpdate(t *testing.T, b *Bot, secret string, u models.Update) int {
	t.Helper()
	body, err := json.Marshal(&u)
	if err != nil {
		t.Fatal(err)
	}
	return post(b, http.MethodPost, secret, string(body))
}

func post(b *Bot, method, secret, body string) int {
	req := httptest.NewRequest(method, "/hook", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(webhookSecretHeader, secret)
	}
	rec := httptest.NewRecorder()
	b.WebhookHandler().ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhookHandler(t *testing.T) {
	api := fakeapi.Start(t)
	conv := &echoConv{}
	wh := WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: "right-Secret_1"}
	b, err := New(Options{Token: testToken, APIURL: api.URL(), Conversation: conv, Mode: ModeWebhook, Webhook: wh,
		Logger: (&handlerstest.Log{}).Logger()})
	if err != nil {
		t.Fatal(err)
	}
	valid := `{"update_id":10,"message":{"message_id":1,"date":1,"chat":{"id":11,"type":"private"},"text":"Hodenhagen"}}`
	if code := post(b, http.MethodPost, wh.SecretToken, valid); code != http.StatusServiceUnavailable {
		t.Errorf("before Run: %d, want 503", code)
	}
	r := startBot(t, api, Options{Conversation: conv, Mode: ModeWebhook, Webhook: wh})
	waitReady(t, r.bot)
	if _, err := api.Wait("setWebhook", 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if url, secret := api.Webhook(); url != wh.PublicURL || secret != wh.SecretToken {
		t.Errorf("setWebhook got %q %q", url, secret)
	}
	tests := []struct {
		name, method, secret, body string
		want                       int
	}{
		{"missing secret", http.MethodPost, "", valid, http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, "right-Secret_2", valid, http.StatusUnauthorized},
		{"secret prefix", http.MethodPost, "right", valid, http.StatusUnauthorized},
		{"GET", http.MethodGet, wh.SecretToken, "", http.StatusMethodNotAllowed},
		{"oversized", http.MethodPost, wh.SecretToken, `{"update_id":1,"x":"` + strings.Repeat("a", 1<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"garbage", http.MethodPost, wh.SecretToken, "\x00not json{", http.StatusBadRequest},
		{"no update id", http.MethodPost, wh.SecretToken, `{"message":{"text":"x"}}`, http.StatusBadRequest},
		{"valid", http.MethodPost, wh.SecretToken, valid, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(r.bot, tt.method, tt.secret, tt.body); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	if _, err := api.WaitChat("sendMessage", 11, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if len(conv.handled()) != 1 {
		t.Errorf("handled %d updates, want 1", len(conv.handled()))
	}
	if code := post(r.bot, http.MethodPost, wh.SecretToken, valid); code != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: %d, want 503", code)
	}
	if strings.Contains(r.logs.String(), "Hodenhagen") {
		t.Error("update text logged")
	}
}

func TestWebhookListen(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	api := fakeapi.Start(t)
	conv := &echoConv{}
	wh := WebhookOptions{Listen: addr, PublicURL: "https://bot.example.org/tg/hook", SecretToken: "abc"}
	r := startBot(t, api, Options{Conversation: conv, Mode: ModeWebhook, Webhook: wh})
	if name, err := r.bot.Username(context.Background()); err != nil || name != "sozialraum_test_bot" {
		t.Errorf("Username = %q, %v", name, err)
	}
	body := `{"update_id":3,"message":{"message_id":1,"date":1,"chat":{"id":12,"type":"private"},"text":"Visselhövede"}}`
	deadline := time.Now().Add(waitLong)
	for {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg/hook", strings.NewReader(body))
		req.Header.Set(webhookSecretHeader, "abc")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook server not answering: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := api.WaitChat("sendMessage", 12, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Post("http://"+addr+"/tg/hook", "application/json", strings.NewReader(body)); err == nil {
		t.Error("webhook server still listening after shutdown")
	}
}
