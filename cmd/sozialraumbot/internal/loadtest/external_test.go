package loadtest

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExternalEchoProcess is not a test of its own: it is the bot process that
// TestExternal starts (this test binary again, with LOADTEST_EXTERNAL_ECHO=1),
// the bare echo against TELEGRAM_API_URL until SIGTERM.
func TestExternalEchoProcess(t *testing.T) {
	if os.Getenv("LOADTEST_EXTERNAL_ECHO") != "1" {
		return // run by TestExternal only
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := runEcho(ctx, os.Getenv("TELEGRAM_API_URL")); err != nil {
		t.Fatal(err)
	}
}

// TestExternal measures a bot in a process of its own (the echo above): every
// turn is answered once, and the process's CPU time and memory are read.
func TestExternal(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	target := External("external echo", exe+" -test.run=^TestExternalEchoProcess$",
		[]string{"LOADTEST_EXTERNAL_ECHO=1"}, nil)
	r, err := Run(context.Background(), Config{Directory: testDirectory(t), Parents: 4, Duration: time.Second}, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Updates < 4 || r.Timeouts != 0 || r.Extra != 0 || r.Unattributed != 0 {
		t.Errorf("updates %d, timeouts %d, extra %d, unattributed %d", r.Updates, r.Timeouts, r.Extra, r.Unattributed)
	}
	if r.BotCPUPerUpdate <= 0 || r.BotRSS == 0 || r.BotPeakRSS < r.BotRSS {
		t.Errorf("the bot's process not measured: cpu %s, rss %d, peak %d", r.BotCPUPerUpdate, r.BotRSS, r.BotPeakRSS)
	}
}

// TestExternalExitsEarly: a bot that ends before the run is an error, not a hang.
func TestExternalExitsEarly(t *testing.T) {
	cfg := Config{Directory: testDirectory(t), Parents: 1, Duration: time.Second, StartupWait: 30 * time.Second}
	_, err := Run(context.Background(), cfg, External("false", "false", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "stopped before answering") {
		t.Fatalf("err = %v", err)
	}
}
