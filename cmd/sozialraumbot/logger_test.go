package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/config"
)

func TestLoggerLevel(t *testing.T) {
	for _, tt := range []struct {
		level       string
		debug, warn bool
	}{{"debug", true, true}, {"info", false, true}, {"warn", false, true}, {"error", false, false}} {
		cfg := config.Defaults()
		cfg.Log.Level = tt.level
		var buf bytes.Buffer
		log := newLogger(cfg, &buf)
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

// TestLoggerFormatAndSecrets: the process logger writes the configured format
// and masks the configuration's secrets (config.Config.RedactAttr).
func TestLoggerFormatAndSecrets(t *testing.T) {
	const token = "123456789:AAExampleExampleExampleExample_-xyz"
	cfg, err := config.Load(mapenv(map[string]string{"TELEGRAM_BOT_TOKEN": token}), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{config.FormatJSON, config.FormatText, ""} {
		cfg.Log.Format = format
		var buf bytes.Buffer
		newLogger(cfg, &buf).Info("call", "err", errors.New("Post \"https://api.telegram.org/bot"+token+"/getMe\": EOF"))
		out := buf.String()
		if strings.Contains(out, token) || strings.Contains(out, "AAExampleExample") {
			t.Errorf("format %q: the token reached the log: %s", format, out)
		}
		if !strings.Contains(out, "getMe") {
			t.Errorf("format %q: the message lost its context: %s", format, out)
		}
		if json := strings.HasPrefix(out, "{"); json != (format != config.FormatText) {
			t.Errorf("format %q not honoured: %s", format, out)
		}
	}
}
