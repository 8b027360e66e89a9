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

func TestLoggerRedacts(t *testing.T) {
	cfg := secretConfig(t)
	for _, format := range []string{FormatJSON, FormatText} {
		cfg.Log.Format = format
		var buf bytes.Buffer
		log := cfg.Logger(&buf)
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
		if format == FormatJSON && !strings.HasPrefix(out, "{") || format == FormatText && strings.HasPrefix(out, "{") {
			t.Errorf("format %s not honoured: %s", format, out)
		}
	}
}

func TestLoggerLevel(t *testing.T) {
	for _, tt := range []struct {
		level       string
		debug, warn bool
	}{{"debug", true, true}, {"info", false, true}, {"warn", false, true}, {"error", false, false}} {
		cfg := Defaults()
		cfg.Log.Level = tt.level
		var buf bytes.Buffer
		log := cfg.Logger(&buf)
		log.Debug("dbg")
		log.Warn("wrn")
		if got := strings.Contains(buf.String(), "dbg"); got != tt.debug {
			t.Errorf("level %s: debug logged = %v", tt.level, got)
		}
		if got := strings.Contains(buf.String(), "wrn"); got != tt.warn {
			t.Errorf("level %s: warn logged = %v", tt.level, got)
		}
	}
}
