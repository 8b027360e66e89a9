package config

import (
	"io"
	"log/slog"
	"strings"
)

// Logger returns the process logger: JSON or text as configured, at the
// configured level. An unset format (Log.Format == "") means JSON; a terminal
// subcommand such as chat sets Log.Format = FormatText first when it is unset. As a last line of defence it replaces every secret
// of the configuration (bot token, Redis password, webhook secret) wherever it
// appears in a message or attribute, e.g. in a Bot API URL inside an error.
func (c Config) Logger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: c.redactAttr}
	if c.Log.Format == FormatText {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Redact replaces the configuration's secrets in s with a mask.
func (c Config) Redact(s string) string {
	for _, secret := range []Secret{c.Telegram.Token, c.Redis.Password, c.Telegram.WebhookSecret} {
		if secret.IsSet() {
			s = strings.ReplaceAll(s, secret.Reveal(), masked)
		}
	}
	return redactURL(s, c.Redis.URL)
}

func (c Config) redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); s != c.Redact(s) {
			a.Value = slog.StringValue(c.Redact(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			if s := err.Error(); s != c.Redact(s) {
				a.Value = slog.StringValue(c.Redact(s))
			}
		}
	}
	return a
}
