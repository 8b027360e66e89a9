package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestServePolling runs the real `serve` command against a fake Bot API and a
// real Redis: a parent's place question is answered, and SIGTERM (ctx cancel)
// ends the command cleanly with the update confirmed.
func TestServePolling(t *testing.T) {
	const token = "123456:serve-test-token-0123456789"
	api := fakeapi.Start(t, fakeapi.WithToken(token))
	staff := filepath.Join(t.TempDir(), "staff.yaml")
	if err := os.WriteFile(staff, []byte("staff:\n  - {user_id: 4242, name: Test, districts: [walsrode]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	envs := map[string]string{
		"TELEGRAM_BOT_TOKEN":   token,
		"TELEGRAM_API_URL":     api.URL(),
		"REDIS_URL":            redistest.URL(t),
		"REDIS_PREFIX":         redistest.Prefix(t),
		"OPERATOR":             "Landkreis Heidekreis (Test)",
		"OPS_LISTEN":           "off",
		"SOZIALRAUMBOT_CONFIG": staff,
	}
	var stderr handlerstest.Log
	e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr,
		getenv: func(k string) string { return envs[k] }}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, nil, e) }()

	u := fakeapi.TextUpdate(1001, "de", "Hallo, wir wohnen in Dorfmark und brauchen Hilfe")
	id := api.Push(u)[0]
	go func() {
		// A setting error ends serve at once: say so instead of waiting for an answer.
		select {
		case err := <-done:
			done <- err
			if err != nil {
				api.Close()
			}
		case <-ctx.Done():
		}
	}()
	reqs, err := api.WaitChat("sendMessage", 1001, 1, 30*time.Second)
	if err != nil {
		cancel()
		t.Fatalf("no answer: %v\nlog:\n%s", err, stderr.String())
	}
	text := reqs[0].Params["text"]
	if !strings.Contains(text, "Vier Linden GmbH &amp; Co. KG") || reqs[0].Params["parse_mode"] != "HTML" {
		t.Errorf("answer card = %q (parse_mode %q), want the provider of Bad Fallingbostel, HTML-escaped",
			text, reqs[0].Params["parse_mode"])
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v\nlog:\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
	if got := api.Confirmed(); got <= id {
		t.Errorf("confirmed offset covers update %d, want at least %d (update would be delivered again)", got, id)
	}
	if log := stderr.String(); strings.Contains(log, token) || strings.Contains(log, "Dorfmark und brauchen") {
		t.Errorf("log leaks the token or the message text:\n%s", log)
	}
}

// TestServeSettingErrors: a missing or malformed setting is named in the error.
func TestServeSettingErrors(t *testing.T) {
	const validToken = "123456:AAbbCCddEEffGGhhIIjjKKll"
	tests := []struct {
		name string
		envs map[string]string
		want string
	}{
		{"no token", map[string]string{"OPERATOR": "x"}, "TELEGRAM_BOT_TOKEN"},
		{"malformed token", map[string]string{"TELEGRAM_BOT_TOKEN": "1:a", "OPERATOR": "x"}, "TELEGRAM_BOT_TOKEN"},
		{"no operator", map[string]string{"TELEGRAM_BOT_TOKEN": validToken}, "OPERATOR"},
		{"bad mode", map[string]string{"TELEGRAM_BOT_TOKEN": validToken, "OPERATOR": "x", "BOT_MODE": "carrier-pigeon"}, "BOT_MODE"},
		{"bad redis", map[string]string{"TELEGRAM_BOT_TOKEN": validToken, "OPERATOR": "x", "REDIS_URL": "http://nope"}, "REDIS_URL"},
		{"webhook without secret", map[string]string{"TELEGRAM_BOT_TOKEN": validToken, "OPERATOR": "x", "BOT_MODE": "webhook", "WEBHOOK_URL": "https://bot.example.org/tg"}, "WEBHOOK_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
				getenv: func(k string) string { return tt.envs[k] }}
			err := runServe(context.Background(), nil, e)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("runServe error = %v, want one naming %s", err, tt.want)
			}
		})
	}
}
