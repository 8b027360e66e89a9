package config

import (
	"bytes"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// TestSecretLogValueAlone: a Secret logs masked through any slog handler, also
// one the configuration did not build and that redacts nothing (the default
// logger, a plain text or JSON handler): that is LogValue's job alone.
func TestSecretLogValueAlone(t *testing.T) {
	const value = "SuperSecret-4711"
	sec := Secret(value)
	handlers := map[string]func(*bytes.Buffer) *slog.Logger{
		"text": func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) },
		"json": func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) },
		"default": func(b *bytes.Buffer) *slog.Logger {
			// slog.Default writes through the standard logger until
			// slog.SetDefault is called; point that at the buffer.
			out, flags := log.Writer(), log.Flags()
			log.SetOutput(b)
			t.Cleanup(func() { log.SetOutput(out); log.SetFlags(flags) })
			return slog.Default()
		},
	}
	cfg := secretConfig(t)
	for name, newLogger := range handlers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			l := newLogger(&buf)
			l.Info("start", "token", sec, slog.Any("password", sec), slog.Group("redis", "password", sec))
			out := buf.String()
			if strings.Contains(out, value) {
				t.Errorf("the secret reached the log:\n%s", out)
			}
			if n := strings.Count(out, masked); n != 3 {
				t.Errorf("%d masks in the log, want 3:\n%s", n, out)
			}
			// The configuration and its parts, logged as values: the JSON
			// handler encodes structs with encoding/json, not with String.
			buf.Reset()
			l.Info("config", "telegram", cfg.Telegram, "redis", cfg.Redis, "config", cfg, "ptr", &cfg.Telegram)
			assertNoSecret(t, name+" log of the configuration", buf.String())
			if !strings.Contains(buf.String(), "bot.example.org/hook") {
				t.Errorf("the configuration was not logged:\n%s", buf.String())
			}
		})
	}
}
