//go:build loadtest

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/loadtest"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// loadtestRun runs `sozialraumbot loadtest args...` and returns its JSON report.
func loadtestRun(t *testing.T, args ...string) (loadtestReport, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	args = append([]string{"loadtest", "-json", "-redis-url", redistest.URL(t)}, args...)
	if code := run(context.Background(), args, e); code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	var rep loadtestReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	return rep, errb.String()
}

// TestLoadtestShort is the CI version of the load run (seconds, not minutes): the
// serve code path and the bare baseline both answer every turn of every parent
// exactly once, and every number of the report is measured.
func TestLoadtestShort(t *testing.T) {
	rep, stderr := loadtestRun(t, "-parents", "6", "-duration", "1500ms")
	ours, bare := rep.Ours, rep.Bare
	if ours == nil || bare == nil {
		t.Fatalf("report without both runs: %+v", rep)
	}
	for _, r := range []struct {
		name string
		v    bool
	}{
		{"our updates", ours.Updates >= 6},
		{"bare updates", bare.Updates >= 6},
		{"no timeouts", ours.Timeouts == 0 && bare.Timeouts == 0},
		{"no extra replies", ours.Extra == 0 && bare.Extra == 0},
		{"every reply attributed", ours.Unattributed == 0 && bare.Unattributed == 0},
		// Only a parent's very first press can find no keyboard yet (a place the bot did not recognise).
		{"buttons from the bot's keyboards", ours.Fallbacks <= int64(ours.Parents)},
		{"latency", ours.P50 > 0 && ours.P50 <= ours.P99 && ours.P99 <= ours.Max},
		{"redis commands counted", ours.RedisCmdsPerUpdate >= 1 && ours.RedisTripsPerUpdate >= 1 &&
			ours.RedisTripsPerUpdate <= ours.RedisCmdsPerUpdate},
		{"redis healthy", ours.RedisErrors == 0},
		// The server counts the commands inside scripts (and other clients'), the hook does not.
		{"redis server commands counted", ours.RedisServerCmdsPerUpdate >= ours.RedisCmdsPerUpdate &&
			ours.RedisServerByName["evalsha"] > 0},
		{"bare has no redis", bare.RedisCmdsPerUpdate == 0},
		{"allocations", ours.AllocsPerUpdate > 0 && ours.BytesPerUpdate > 0},
		{"cpu", ours.CPUPerUpdate > 0 && bare.CPUPerUpdate > 0 && ours.RedisCPUPerUpdate >= 0 && rep.CPURatio > 0},
		{"memory sampled", ours.Peak.HeapInuse > 0 && ours.Peak.Goroutines > 0},
		{"ratio", rep.Ratio > 0},
		{"machine", rep.Machine.CPUs > 0 && rep.Machine.GoVersion != ""},
		{"no errors", len(rep.Errors) == 0},
	} {
		if !r.v {
			t.Errorf("%s: ours %+v\nbare %+v\nstderr:\n%s", r.name, ours, bare, stderr)
		}
	}
	if strings.Contains(stderr, "loadtest-token") {
		t.Error("the bot token reached the log")
	}
}

// TestLoadtestFloodShort is the CI version of -flood: flooding chats that
// Telegram answers with 429 do not keep the parents from being answered, and
// the report says what the flood sent and what was refused.
func TestLoadtestFloodShort(t *testing.T) {
	rep, stderr := loadtestRun(t, "-parents", "3", "-think", "100ms", "-duration", "2s", "-flood", "4",
		"-flood-rate", "10", "-baseline=false")
	r := rep.Ours
	if r == nil || r.Flood != 4 || r.FloodPushed < 4 || r.Refused < 4 || r.Updates < 3 || r.Timeouts != 0 || r.Extra != 0 {
		t.Fatalf("flood report: %+v\nstderr:\n%s", r, stderr)
	}
}

// TestLoadtestSoakShort is the CI version of the soak: a series is kept, and
// when the run is over the bot's goroutines are gone (nothing leaks per update).
func TestLoadtestSoakShort(t *testing.T) {
	before := runtime.NumGoroutine()
	rep, _ := loadtestRun(t, "-parents", "4", "-duration", "0", "-soak", "2500ms")
	s := rep.Soak
	if s == nil || rep.Ours != nil || s.Updates < 4 || s.Timeouts != 0 || len(s.Series) < 2 {
		t.Fatalf("soak report: %+v", rep)
	}
	// Goroutines left behind after shutdown (idle HTTP connections close lazily).
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > before+4 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before+4 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after the soak:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// TestLoadtestExternalEchoProcess is not a test of its own: it is the bot
// process TestLoadtestExternal starts with -external (this test binary again),
// the bare echo until SIGTERM, after checking the environment it was given.
func TestLoadtestExternalEchoProcess(t *testing.T) {
	if os.Getenv("LOADTEST_EXTERNAL_ECHO") != "1" {
		return // run by TestLoadtestExternal only
	}
	for _, k := range []string{"TELEGRAM_API_URL", "TELEGRAM_BOT_TOKEN", "REDIS_URL", "REDIS_PREFIX"} {
		if os.Getenv(k) == "" {
			t.Fatalf("%s not set", k)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := loadtest.Echo().Run(ctx, os.Getenv("TELEGRAM_API_URL")); err != nil {
		t.Fatal(err)
	}
}

// TestLoadtestExternal: -external measures another process's bot besides ours
// and the baseline, its CPU time and memory included.
func TestLoadtestExternal(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rep, stderr := loadtestRun(t, "-parents", "3", "-duration", "1s",
		"-external", "env LOADTEST_EXTERNAL_ECHO=1 "+exe+" -test.run=^TestLoadtestExternalEchoProcess$")
	x := rep.External
	if x == nil || rep.Ours == nil || rep.Bare == nil || x.Updates < 3 || x.Timeouts != 0 || x.Extra != 0 ||
		rep.ExternalRatio <= 0 || x.BotCPUPerUpdate <= 0 || x.BotPeakRSS == 0 || len(rep.Errors) != 0 {
		t.Fatalf("external report: %+v\nerrors %v\nstderr:\n%s", x, rep.Errors, stderr)
	}
}

func TestLoadtestUsage(t *testing.T) {
	for _, args := range [][]string{{"-parents", "0"}, {"-drill", "all"}, {"extra"}, {"-nope"}} {
		var out, errb bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if code := run(context.Background(), append([]string{"loadtest"}, args...), e); code != 2 {
			t.Errorf("%v: exit code %d, want 2", args, code)
		}
	}
}

// BenchmarkLoadtest runs the load test through `go test -bench`: 50 parents for
// 5 s per iteration against the serve code path and against the bare baseline,
// reported as custom metrics (the command gives the full report).
func BenchmarkLoadtest(b *testing.B) {
	dir, err := directory.Default()
	if err != nil {
		b.Fatal(err)
	}
	cfg := loadtest.Config{Directory: dir, Parents: 50, Duration: 5 * time.Second}
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	for _, bc := range []struct {
		name string
		run  func() (loadtest.Result, error)
	}{
		{"serve", func() (loadtest.Result, error) { return runServeTarget(context.Background(), cfg, e, redistest.URL(b)) }},
		{"bare", func() (loadtest.Result, error) { return loadtest.Run(context.Background(), cfg, loadtest.Echo()) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var r loadtest.Result
			for range b.N {
				if r, err = bc.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.PerSecond, "updates/s")
			b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99_ms")
			b.ReportMetric(r.RedisTripsPerUpdate, "redis_trips/update")
			b.ReportMetric(r.AllocsPerUpdate, "allocs/update")
		})
	}
}
