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

// serving is `sozialraumbot serve` running in the test's process.
type serving struct {
	log    *handlerstest.Log // its stderr
	cancel context.CancelFunc
	done   chan error
}

// startServe runs `serve` with the environment envs until stop is called (or
// the test ends). When serve ends early with an error (a setting error), api is
// closed, so that the test's waits end at once and the error is reported.
func startServe(t *testing.T, api *fakeapi.Server, envs map[string]string) *serving {
	t.Helper()
	s := &serving{log: &handlerstest.Log{}, done: make(chan error, 1)}
	e := env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: s.log,
		getenv: func(k string) string { return envs[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		err := runServe(ctx, nil, e)
		if err != nil && ctx.Err() == nil {
			api.Close()
		}
		s.done <- err
	}()
	t.Cleanup(func() { _ = s.stop(t) })
	return s
}

// stop cancels serve (as SIGTERM does) and returns its error.
func (s *serving) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // stop may be called again
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after cancellation")
		return nil
	}
}

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
	s := startServe(t, api, envs)
	stderr := s.log

	u := fakeapi.TextUpdate(1001, "de", "Hallo, wir wohnen in Dorfmark und brauchen Hilfe")
	id := api.Push(u)[0]
	reqs, err := api.WaitChat("sendMessage", 1001, 1, 30*time.Second)
	if err != nil {
		t.Fatalf("no answer: %v (serve: %v)\nlog:\n%s", err, s.stop(t), stderr.String())
	}
	text := reqs[0].Params["text"]
	if !strings.Contains(text, "Vier Linden GmbH &amp; Co. KG") || reqs[0].Params["parse_mode"] != "HTML" {
		t.Errorf("answer card = %q (parse_mode %q), want the provider of Bad Fallingbostel, HTML-escaped",
			text, reqs[0].Params["parse_mode"])
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v\nlog:\n%s", err, stderr.String())
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
