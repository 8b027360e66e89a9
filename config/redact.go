package config

import (
	"log/slog"
	"strings"
)

// Redact replaces the configuration's secrets in s with a mask.
func (c Config) Redact(s string) string {
	for _, secret := range []Secret{c.Telegram.Token, c.Redis.Password, c.Telegram.WebhookSecret} {
		if secret.IsSet() {
			s = strings.ReplaceAll(s, secret.Reveal(), masked)
		}
	}
	return redactURL(s, c.Redis.URL)
}

// RedactAttr is a slog.HandlerOptions.ReplaceAttr that replaces every secret
// of the configuration (bot token, Redis password, webhook secret) wherever it
// appears in a string attribute or an error, e.g. in a Bot API URL inside an
// error: the process logger's last line of defence.
func (c Config) RedactAttr(_ []string, a slog.Attr) slog.Attr {
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
