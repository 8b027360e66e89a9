package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func secretConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := Load(mapenv(map[string]string{
		"TELEGRAM_BOT_TOKEN": testToken,
		"REDIS_URL":          "redis://user:hunter2@redis:6379/0",
		"REDIS_PASSWORD":     "correcthorse",
		"BOT_MODE":           "webhook",
		"WEBHOOK_URL":        "https://bot.example.org/hook",
		"WEBHOOK_SECRET":     "batterystaple",
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var secrets = []string{testToken, "AAExampleExample", "hunter2", "correcthorse", "batterystaple"}

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s reveals %q:\n%s", what, sec, s)
		}
	}
}

func TestMaskedRevealsNoSecret(t *testing.T) {
	cfg := secretConfig(t)
	out := cfg.Masked()
	assertNoSecret(t, "Masked()", out)
	for _, want := range []string{"123456789:********", "redis://user:xxxxx@redis:6379/0", "WEBHOOK_URL", "https://bot.example.org/hook", "staff: none"} {
		if !strings.Contains(out, want) {
			t.Errorf("Masked() lacks %q:\n%s", want, out)
		}
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assertNoSecret(t, verb, fmt.Sprintf(verb, cfg))
		assertNoSecret(t, verb+" of Telegram", fmt.Sprintf(verb, cfg.Telegram))
		assertNoSecret(t, verb+" of Redis", fmt.Sprintf(verb, cfg.Redis))
	}
}

// TestLoggerRedacts: a logger with RedactAttr (the process logger has it)
// masks every secret, in strings, errors and groups, in both formats.
func TestLoggerRedacts(t *testing.T) {
	cfg := secretConfig(t)
	for _, format := range []string{FormatJSON, FormatText} {
		var buf bytes.Buffer
		opts := &slog.HandlerOptions{ReplaceAttr: cfg.RedactAttr}
		log := slog.New(slog.NewJSONHandler(&buf, opts))
		if format == FormatText {
			log = slog.New(slog.NewTextHandler(&buf, opts))
		}
		log.Info("calling https://api.telegram.org/bot"+testToken+"/getMe",
			"token", cfg.Telegram.Token,
			"err", errors.New("Post \"https://api.telegram.org/bot"+testToken+"/sendMessage\": EOF"),
			"url", "redis://user:hunter2@redis:6379/0",
			slog.Group("g", "secret", "batterystaple"))
		log.Debug("not shown at info")
		out := buf.String()
		assertNoSecret(t, format+" log", out)
		if !strings.Contains(out, "getMe") || !strings.Contains(out, "sendMessage") || strings.Contains(out, "not shown") {
			t.Errorf("%s log lost context or level filter failed:\n%s", format, out)
		}
	}
}
