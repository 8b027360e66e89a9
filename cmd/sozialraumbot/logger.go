package main

import (
	"io"
	"log/slog"

	"github.com/heidekreis/sozialraumbot/config"
)

// newLogger returns the process logger: JSON or text as configured, at the
// configured level. An unset format (Log.Format == "") means JSON; a terminal
// subcommand such as chat sets Log.Format = config.FormatText first when it is
// unset. As a last line of defence every secret of the configuration is masked
// wherever it appears (config.Config.RedactAttr).
func newLogger(c config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: c.RedactAttr}
	if c.Log.Format == config.FormatText {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
