//go:build loadtest

// The load tool is built only with the build tag loadtest, so that the product
// binary links neither the fake Bot APIs nor the load harness:
//
//	go run -tags loadtest ./cmd/sozialraumbot loadtest -parents 200 -duration 30s

package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/loadtest"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/directory"
)

// Goals of the load test (issues 6 and 13).
const (
	goalRatio = 0.90                 // our throughput as a share of the bare framework's
	goalP99   = 5 * time.Millisecond // reply latency, Telegram excluded
)

// loadtestReport is the -json output.
type loadtestReport struct {
	Machine struct {
		CPUs      int    `json:"cpus"`
		GOOS      string `json:"goos"`
		GOARCH    string `json:"goarch"`
		GoVersion string `json:"go_version"`
		Date      string `json:"date"`
	} `json:"machine"`
	Ours  *loadtest.Result `json:"ours,omitempty"`
	Bare  *loadtest.Result `json:"bare,omitempty"`
	Ratio float64          `json:"ratio,omitempty"` // ours/bare updates per second
	// External is the bot of -external (another process, e.g. another
	// framework), ExternalRatio its updates per second over bare's in the same run.
	External      *loadtest.Result `json:"external,omitempty"`
	ExternalRatio float64          `json:"external_ratio,omitempty"`
	// CPURatio is bare's CPU per update over ours (ours including the Redis
	// server's): the throughput ratio when CPU is what limits, steadier than Ratio
	// on a machine shared with other work.
	CPURatio float64          `json:"cpu_ratio,omitempty"`
	Think    time.Duration    `json:"think_ns,omitempty"` // parents' pause after an answer (0: closed loop)
	Soak     *loadtest.Result `json:"soak,omitempty"`
	Errors   []string         `json:"errors,omitempty"`
}

// loadtestBuilt: this binary has the load tool.
const loadtestBuilt = true

// runLoadtest runs the serve code path (newApp + run, real Redis) against an
// in-process fake Bot API with simulated parents, then a bare go-telegram/bot
// echo bot the same way, and reports both; -soak runs the bot alone for longer
// and reports memory and goroutines over time.
func runLoadtest(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	parents := fs.Int("parents", 200, "simulated parents (chats), each waiting for the reply before the next message")
	duration := fs.Duration("duration", 60*time.Second, "measured time of the load run (0: skip it)")
	soak := fs.Duration("soak", 0, "run a soak of this length after the load run (e.g. 10m)")
	bare := fs.Bool("baseline", true, "also run the bare go-telegram/bot echo baseline")
	redisURL := fs.String("redis-url", "", "Redis URL (default $REDIS_URL, else redis://127.0.0.1:6379/0)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load run of our bot to `file`")
	omit := fs.String("omit", "", "comma-separated steps to leave out of the dialogues, e.g. /meinedaten")
	think := fs.Duration("think", 0, "each parent's pause after an answer (0: closed loop at full load); parents/think is the offered load")
	flood := fs.Int("flood", 0, "add this many chats that each write -flood-rate messages a second while Telegram answers them with 429; the parents' latency under the flood is measured")
	floodRate := fs.Float64("flood-rate", 20, "messages per second of each flooding chat (with -flood)")
	external := fs.String("external", "", "also measure the bot this shell `command` starts (e.g. 'node cmd/sozialraumbot/internal/loadtest/grammy/bot.mjs'), "+
		"with TELEGRAM_API_URL, TELEGRAM_BOT_TOKEN, REDIS_URL and a fresh REDIS_PREFIX in its environment")
	drill := fs.String("drill", "", "fault drills are Go tests: see -h")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: sozialraumbot loadtest [flags]")
		fs.PrintDefaults()
		fmt.Fprintln(e.stderr, "\nThe fault drills (Redis restart, Bot API faults, SIGKILL, webhook abuse) are Go tests:\n"+
			"  go test -race -run Drill -v ./cmd/sozialraumbot")
	}
	if help, err := parseFlags(fs, args, 0); help || err != nil {
		return err
	}
	if *drill != "" {
		return fmt.Errorf("%w: the drills run as Go tests: go test -race -run Drill -v ./cmd/sozialraumbot", errUsage)
	}
	if *parents < 1 {
		return fmt.Errorf("%w: -parents must be at least 1", errUsage)
	}
	url := *redisURL
	if url == "" {
		url = e.getenv("REDIS_URL")
	}
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	dir, err := directory.Default()
	if err != nil {
		return err
	}

	var rep loadtestReport
	rep.Machine.CPUs, rep.Machine.GOOS, rep.Machine.GOARCH = runtime.NumCPU(), runtime.GOOS, runtime.GOARCH
	rep.Machine.GoVersion, rep.Machine.Date = runtime.Version(), time.Now().UTC().Format(time.RFC3339)
	rep.Think = *think
	progress := e.stderr
	if !*asJSON {
		fmt.Fprintf(e.stdout, "machine: %d CPUs, %s/%s, %s\n", rep.Machine.CPUs, rep.Machine.GOOS, rep.Machine.GOARCH, rep.Machine.GoVersion)
	}
	var errs []error
	if *duration > 0 {
		cfg := loadtest.Config{Directory: dir, Parents: *parents, Duration: *duration, Omit: splitList(*omit), Think: *think,
			Flood: *flood, FloodRate: *floodRate}
		fmt.Fprintf(progress, "load: our bot (serve code path, Redis %s), %d parents, %s ...\n", redactURL(url), *parents, *duration)
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		ours, err := runServeTarget(ctx, cfg, e, url)
		stopProfile()
		if err != nil {
			errs = append(errs, err)
		}
		rep.Ours = &ours
		if *external != "" && ctx.Err() == nil {
			fmt.Fprintf(progress, "load: external bot (%s), %d parents, %s ...\n", *external, *parents, *duration)
			x, err := runExternalTarget(ctx, cfg, e, url, *external)
			if err != nil {
				errs = append(errs, err)
			}
			rep.External = &x
		}
		if *bare && ctx.Err() == nil {
			fmt.Fprintf(progress, "load: bare go-telegram/bot echo, %d parents, %s ...\n", *parents, *duration)
			b, err := loadtest.Run(ctx, cfg, loadtest.Echo())
			if err != nil {
				errs = append(errs, err)
			}
			rep.Bare = &b
			if b.PerSecond > 0 {
				rep.Ratio = ours.PerSecond / b.PerSecond
				if rep.External != nil {
					rep.ExternalRatio = rep.External.PerSecond / b.PerSecond
				}
			}
			if c := ours.CPUPerUpdate + max(ours.RedisCPUPerUpdate, 0); c > 0 {
				rep.CPURatio = float64(b.CPUPerUpdate) / float64(c)
			}
		}
	}
	if *soak > 0 && ctx.Err() == nil {
		fmt.Fprintf(progress, "soak: our bot, %d parents, %s ...\n", *parents, *soak)
		cfg := loadtest.Config{Directory: dir, Parents: *parents, Duration: *soak, Omit: splitList(*omit), Think: *think,
			SeriesEvery: max(time.Second, *soak/60)}
		s, err := runServeTarget(ctx, cfg, e, url)
		if err != nil {
			errs = append(errs, err)
		}
		rep.Soak = &s
	}
	for _, err := range errs {
		rep.Errors = append(rep.Errors, err.Error())
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printLoadReport(e.stdout, rep)
	}
	return errors.Join(errs...)
}

// runServeTarget runs one load run of the serve code path on a fresh key prefix
// and removes the prefix's keys afterwards.
func runServeTarget(ctx context.Context, cfg loadtest.Config, e env, redisURL string) (loadtest.Result, error) {
	prefix := "srb-load-" + rand.Text()
	counter := &loadtest.RedisCounter{}
	target := loadtest.Target{Name: "sozialraumbot (serve path, Redis)", Redis: counter,
		Run: func(ctx context.Context, apiURL string) error {
			return runAppAgainst(ctx, e, apiURL, redisURL, prefix, counter)
		}}
	return runRedisTarget(ctx, cfg, target, redisURL, prefix)
}

// runExternalTarget runs one load run of the bot that command starts (another
// process), with REDIS_URL and a fresh REDIS_PREFIX in its environment; the
// Redis server's commands and CPU are read as for ours, and the prefix's keys are
// removed afterwards. Its output goes to stderr.
func runExternalTarget(ctx context.Context, cfg loadtest.Config, e env, redisURL, command string) (loadtest.Result, error) {
	prefix := "srb-load-ext-" + rand.Text()
	target := loadtest.External("external: "+command, command,
		[]string{"REDIS_URL=" + redisURL, "REDIS_PREFIX=" + prefix}, e.stderr)
	return runRedisTarget(ctx, cfg, target, redisURL, prefix)
}

// runRedisTarget runs target with the Redis server at redisURL measured and
// deletes the keys under prefix afterwards.
func runRedisTarget(ctx context.Context, cfg loadtest.Config, target loadtest.Target, redisURL, prefix string) (loadtest.Result, error) {
	if opts, err := redis.ParseURL(redisURL); err == nil {
		stats := redis.NewClient(opts)
		defer stats.Close()
		target.ServerStats = func(ctx context.Context) (map[string]int64, error) { return loadtest.CommandStats(ctx, stats) }
		target.ServerCPU = func(ctx context.Context) (time.Duration, error) { return loadtest.ServerCPU(ctx, stats) }
	}
	res, err := loadtest.Run(ctx, cfg, target)
	if cerr := deletePrefix(redisURL, prefix); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return res, err
}

// runAppAgainst is `sozialraumbot serve` (newApp + run) against the Bot API at
// apiURL, with Redis at redisURL under prefix, no ops listener, warnings only.
// Other settings (e.g. MAX_CONCURRENCY) come from the environment as for serve.
func runAppAgainst(ctx context.Context, e env, apiURL, redisURL, prefix string, hook redis.Hook) error {
	over := map[string]string{
		"TELEGRAM_BOT_TOKEN": "4242:loadtest-token-0123456789abcdef", "TELEGRAM_API_URL": apiURL,
		"REDIS_URL": redisURL, "REDIS_PREFIX": prefix, "OPS_LISTEN": "off",
		"BOT_MODE": "polling", "LOG_FORMAT": "text",
	}
	getenv := func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		v := e.getenv(k)
		switch {
		case k == "OPERATOR" && v == "":
			return "Landkreis Heidekreis (load test)"
		case k == "LOG_LEVEL" && v == "":
			return "warn"
		}
		return v
	}
	cfg, err := config.LoadFlags(getenv, nil)
	if err != nil {
		return err
	}
	// The simulated parents write far faster than anyone types and the fake has
	// no per-chat limit: Telegram's per-chat pace would measure the pace, not the bot.
	a, err := newApp(cfg, newLogger(cfg, e.stderr), appOptions{noOps: true, noMenu: true, chatPace: bot.NoChatPace})
	if err != nil {
		return err
	}
	if hook != nil {
		a.rdb.AddHook(hook)
	}
	return a.run(ctx)
}

// deletePrefix removes every key under prefix (the load run's data).
func deletePrefix(redisURL, prefix string) error {
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return fmt.Errorf("cleaning up: %w", err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 500 {
			if err := c.Unlink(ctx, batch...).Err(); err != nil {
				return fmt.Errorf("cleaning up %s:*: %w", prefix, err)
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("cleaning up %s:*: %w", prefix, err)
	}
	if len(batch) > 0 {
		if err := c.Unlink(ctx, batch...).Err(); err != nil {
			return fmt.Errorf("cleaning up %s:*: %w", prefix, err)
		}
	}
	return nil
}

func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func printLoadReport(w io.Writer, rep loadtestReport) {
	if rep.Ours != nil {
		fmt.Fprintln(w, rep.Ours)
	}
	if rep.External != nil {
		fmt.Fprintln(w, rep.External)
	}
	if rep.Bare != nil {
		fmt.Fprintln(w, rep.Bare)
	}
	if x := rep.External; x != nil && rep.Bare != nil && rep.Think == 0 {
		fmt.Fprintf(w, "ratio external/bare: %.1f%%; CPU per update, external bot + harness + Redis server: %s (ours: %s)\n",
			100*rep.ExternalRatio, (x.BotCPUPerUpdate + x.CPUPerUpdate + max(x.RedisCPUPerUpdate, 0)).Round(100*time.Nanosecond),
			(rep.Ours.CPUPerUpdate + max(rep.Ours.RedisCPUPerUpdate, 0)).Round(100*time.Nanosecond))
	}
	switch {
	case rep.Ours != nil && rep.Ours.Flood > 0:
		fmt.Fprintf(w, "under a flood of %d chats (429 to each): our parents' p50 %s, p99 %s, max %s\n",
			rep.Ours.Flood, rep.Ours.P50, rep.Ours.P99, rep.Ours.Max)
	case rep.Ours != nil && rep.Bare != nil && rep.Think > 0:
		// With think time both serve the offered load: the ratio says nothing.
		fmt.Fprintf(w, "ratio ours/bare: %.1f%% of the offered load (think %s); run with -think 0 for the throughput goal\n",
			100*rep.Ratio, rep.Think)
	case rep.Ours != nil && rep.Bare != nil:
		fmt.Fprintf(w, "ratio ours/bare: %.1f%% (goal >= %.0f%%: %s)\n", 100*rep.Ratio, 100*goalRatio,
			verdict(rep.Ratio >= goalRatio))
		fmt.Fprintf(w, "CPU per update, bare / ours (Redis server included): %.1f%% (steadier on a shared machine)\n",
			100*rep.CPURatio)
	}
	if rep.Ours != nil {
		fmt.Fprintf(w, "p99 reply latency %s (goal < %s: %s)\n", rep.Ours.P99, goalP99, verdict(rep.Ours.P99 < goalP99))
	}
	if s := rep.Soak; s != nil {
		fmt.Fprintln(w, s)
		fmt.Fprintln(w, "soak series (time, heap in use MiB, sys MiB, goroutines):")
		for _, p := range s.Series {
			fmt.Fprintf(w, "  %8s %7.1f %7.1f %6d\n", p.At.Round(time.Second), float64(p.HeapInuse)/(1<<20),
				float64(p.Sys)/(1<<20), p.Goroutines)
		}
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(w, "error:", e)
	}
}

// splitList splits a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// redactURL hides a password in a Redis URL.
func redactURL(u string) string {
	opts, err := redis.ParseURL(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return opts.Addr
}
