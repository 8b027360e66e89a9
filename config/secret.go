package config

import "log/slog"

// Secret is a setting that must never be printed or logged: fmt, %v, %#v,
// encoding/json and log/slog all show it masked. Reveal returns the value for the one place that
// needs it.
type Secret string

const masked = "********"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String returns a mask, or "" when the secret is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return masked
}

// GoString returns a mask, so %#v of a Config does not reveal the secret either.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// LogValue makes log/slog print the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText returns the mask, so encoding/json (and slog's JSON handler, which
// encodes a struct holding a Secret with it) does not reveal the secret either.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
