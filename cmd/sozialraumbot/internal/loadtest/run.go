package loadtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heidekreis/sozialraumbot/directory"
)

// Target is a bot under test.
type Target struct {
	Name string
	// Run runs the bot against the Bot API at apiURL until ctx ends.
	Run func(ctx context.Context, apiURL string) error
	// Redis counts the bot's Redis commands; nil when it uses no Redis.
	Redis *RedisCounter
	// ServerStats, when set, reads the Redis server's executed commands by name
	// (CommandStats), before and after the measured window.
	ServerStats func(context.Context) (map[string]int64, error)
	// ServerCPU, when set, reads the CPU time the Redis server has used (ServerCPU).
	ServerCPU func(context.Context) (time.Duration, error)
	// Process, when set, reads the bot's own process (a bot outside this
	// process, External); false while it is not running or cannot be read.
	Process func() (ProcessStats, bool)
}

// Config describes a load run. Zero fields take the defaults in brackets.
type Config struct {
	Directory   *directory.Directory // where the dialogues' places come from (required)
	Parents     int                  // simulated parents, each its own chat [50]
	Duration    time.Duration        // measured time [10 s]
	TurnTimeout time.Duration        // longest wait for a reply before a turn counts as unanswered [10 s]
	StartupWait time.Duration        // longest wait for the bot's first answer [60 s]
	SampleEvery time.Duration        // memory and goroutine sampling [100 ms]
	SeriesEvery time.Duration        // one kept sample per [1 s] (soak curves)
	Seed        uint64               // dialogue randomness [1]
	// Omit leaves steps with these texts (e.g. "/meinedaten") out of the dialogues.
	Omit []string
	// Think is a parent's pause after each answer (uniform in [Think/2, 3·Think/2]),
	// so the offered load is about Parents/Think updates per second and latency can
	// be measured below saturation. 0: no pause, the closed loop's maximum load.
	Think time.Duration
	// Flood adds chats that write FloodRate messages per second each without
	// waiting for answers, while the fake answers every message into them with
	// 429 (retry_after 1 s), as Telegram does for a chat written into too fast.
	// The parents are measured as usual: their latency under the flood.
	Flood     int
	FloodRate float64 // messages per second per flooding chat [20]
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Parents <= 0 {
		c.Parents = 50
	}
	def(&c.Duration, 10*time.Second)
	def(&c.TurnTimeout, 10*time.Second)
	def(&c.StartupWait, 60*time.Second)
	def(&c.SampleEvery, 100*time.Millisecond)
	def(&c.SeriesEvery, time.Second)
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.FloodRate <= 0 {
		c.FloodRate = 20
	}
	return c
}

// Result is what one load run measured.
type Result struct {
	Target   string        `json:"target"`
	Parents  int           `json:"parents"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	Updates  int64         `json:"updates"`  // turns answered within the window
	Timeouts int64         `json:"timeouts"` // turns not answered within TurnTimeout
	Extra    int64         `json:"extra_replies"`
	// Fallbacks are button presses not taken from a keyboard the bot sent.
	Fallbacks int64 `json:"fallback_presses"`
	// Unattributed are replies the fake could not hand to a simulated chat
	// (unknown chat, or the chat's buffer was full); 0 in a sound run.
	Unattributed int64 `json:"unattributed_replies"`
	// Flood is the number of flooding chats (Config.Flood); FloodPushed the
	// updates they sent, Refused the messages the fake answered with 429.
	Flood       int   `json:"flood_chats,omitempty"`
	FloodPushed int64 `json:"flood_updates,omitempty"`
	Refused     int64 `json:"refused_429,omitempty"`

	PerSecond float64       `json:"updates_per_second"`
	P50       time.Duration `json:"p50_ns"`
	P95       time.Duration `json:"p95_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	Mean      time.Duration `json:"mean_ns"`

	APICallsPerUpdate   float64 `json:"api_calls_per_update"`
	RedisCmdsPerUpdate  float64 `json:"redis_commands_per_update"`
	RedisTripsPerUpdate float64 `json:"redis_round_trips_per_update"`
	RedisErrors         int64   `json:"redis_errors"`
	// RedisServerCmdsPerUpdate is what the Redis server executed per update
	// (INFO commandstats): the commands inside scripts included, and those of any
	// other client of that server during the run.
	RedisServerCmdsPerUpdate float64            `json:"redis_server_commands_per_update,omitempty"`
	RedisServerByName        map[string]float64 `json:"redis_server_per_update_by_name,omitempty"`
	// CPUPerUpdate is this process's CPU time (bot, fake API and parents) per
	// update, RedisCPUPerUpdate the Redis server's. On a shared machine they are
	// steadier than updates per second: time the process waits for a core does
	// not count.
	CPUPerUpdate      time.Duration `json:"cpu_per_update_ns"`
	RedisCPUPerUpdate time.Duration `json:"redis_cpu_per_update_ns,omitempty"`
	// BotCPUPerUpdate is the CPU time of a bot in a process of its own
	// (Target.Process) per update; CPUPerUpdate is then the fake's and the
	// parents' alone. BotRSS and BotPeakRSS are its resident memory at the end
	// and at its highest (VmHWM, its start included).
	BotCPUPerUpdate time.Duration `json:"bot_process_cpu_per_update_ns,omitempty"`
	BotRSS          uint64        `json:"bot_process_rss,omitempty"`
	BotPeakRSS      uint64        `json:"bot_process_peak_rss,omitempty"`
	// RedisByName is commands per update by command name ("pipeline": round trips with several).
	RedisByName     map[string]float64 `json:"redis_per_update_by_name,omitempty"`
	AllocsPerUpdate float64            `json:"allocs_per_update"` // whole process: bot, fake API and parents
	BytesPerUpdate  float64            `json:"bytes_per_update"`
	GCCycles        uint32             `json:"gc_cycles"`

	Peak   Sample   `json:"peak"`
	Start  Sample   `json:"start"`
	End    Sample   `json:"end"`
	Series []Sample `json:"series,omitempty"`
}

// Run runs target against a fresh fake Bot API, waits until it answers, lets
// cfg.Parents parents talk to it for cfg.Duration and measures. Reply latency is
// the time from queueing an update at the fake until the reply that ends the turn
// arrives there; the fake answers every call at once, so Telegram's own time is
// excluded.
func Run(ctx context.Context, cfg Config, target Target) (Result, error) {
	cfg = cfg.withDefaults()
	if cfg.Directory == nil {
		return Result{}, errors.New("loadtest: no directory")
	}
	script, err := NewScript(cfg.Directory)
	if err != nil {
		return Result{}, err
	}
	script.Omit = cfg.Omit
	api := NewAPI()
	defer api.Close()

	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	var botErr error
	botDone := make(chan struct{})
	go func() { defer close(botDone); botErr = target.Run(botCtx, api.URL()) }()
	stopped := func() error {
		stopBot()
		select {
		case <-botDone:
			if errors.Is(botErr, context.Canceled) {
				return nil
			}
			return botErr
		case <-time.After(60 * time.Second):
			return fmt.Errorf("loadtest: %s did not stop within 60 s", target.Name)
		}
	}

	if err := warmUp(ctx, api, script, cfg, botDone); err != nil {
		return Result{}, errors.Join(fmt.Errorf("loadtest: %s: %w", target.Name, err), stopped())
	}

	hist := &Histogram{}
	var c counters
	parents := make([]*parent, cfg.Parents)
	for i := range parents {
		chat := int64(1_000_000 + i)
		parents[i] = &parent{chat: chat, api: api, script: script, replies: api.Listen(chat),
			rng: rand.New(rand.NewPCG(cfg.Seed, uint64(chat))), timeout: cfg.TurnTimeout, think: cfg.Think, hist: hist, c: &c}
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	redisBefore, namesBefore := target.Redis.Counts(), target.Redis.ByName()
	serverBefore := serverStats(ctx, target)
	redisCPUBefore := serverCPU(ctx, target)
	cpuBefore := processCPU()
	botBefore, botOK := targetProcess(target)
	apiBefore := api.Stats()
	smp := newSampler(cfg.SampleEvery, cfg.SeriesEvery)
	smpCtx, stopSampling := context.WithCancel(ctx)
	smpDone := make(chan struct{})
	go func() { defer close(smpDone); smp.run(smpCtx) }()

	stop, stopParents := context.WithTimeout(ctx, cfg.Duration)
	defer stopParents()
	start := time.Now()
	var wg sync.WaitGroup
	var floodPushed atomic.Int64
	for i := range cfg.Flood {
		chat := int64(2_000_000 + i)
		api.Limit(chat)
		api.Listen(chat) // its 429s are not replies; nothing else may come
		wg.Go(func() { flood(stop, api, script, chat, cfg.FloodRate, &floodPushed) })
	}
	for _, p := range parents {
		wg.Go(func() { p.run(stop) })
	}
	<-stop.Done()
	elapsed := time.Since(start)
	wg.Wait()
	stopSampling()
	<-smpDone
	runtime.ReadMemStats(&after)
	redisAfter, namesAfter := target.Redis.Counts(), target.Redis.ByName()
	cpuAfter := processCPU()
	botAfter, botOKAfter := targetProcess(target)
	serverAfter := serverStats(ctx, target)
	redisCPUAfter := serverCPU(ctx, target)
	apiAfter := api.Stats()

	r := Result{Target: target.Name, Parents: cfg.Parents, Elapsed: elapsed,
		Updates: c.answered.Load(), Timeouts: c.timeouts.Load(), Extra: c.extra.Load(), Fallbacks: c.fallbacks.Load(),
		P50: hist.Quantile(0.50), P95: hist.Quantile(0.95), P99: hist.Quantile(0.99), Max: hist.Max(), Mean: hist.Mean(),
		RedisErrors: redisAfter.Errors - redisBefore.Errors, GCCycles: after.NumGC - before.NumGC,
		Unattributed: apiAfter.Unrouted - apiBefore.Unrouted + apiAfter.Overflows - apiBefore.Overflows,
		Flood:        cfg.Flood, FloodPushed: floodPushed.Load(), Refused: apiAfter.Refused - apiBefore.Refused,
	}
	r.Peak, r.Series = smp.result()
	if len(r.Series) > 0 {
		r.Start, r.End = r.Series[0], r.Series[len(r.Series)-1]
	}
	if r.Flood > 0 {
		r.Unattributed = 0 // the flooding chats' listeners are never read
	}
	if n := float64(r.Updates); n > 0 {
		r.PerSecond = n / elapsed.Seconds()
		r.APICallsPerUpdate = float64(apiAfter.Requests-apiBefore.Requests) / n
		r.RedisCmdsPerUpdate = float64(redisAfter.Commands-redisBefore.Commands) / n
		r.RedisTripsPerUpdate = float64(redisAfter.RoundTrips-redisBefore.RoundTrips) / n
		r.AllocsPerUpdate = float64(after.Mallocs-before.Mallocs) / n
		for name, k := range namesAfter {
			if d := k - namesBefore[name]; d > 0 {
				if r.RedisByName == nil {
					r.RedisByName = map[string]float64{}
				}
				r.RedisByName[name] = float64(d) / n
			}
		}
		r.BytesPerUpdate = float64(after.TotalAlloc-before.TotalAlloc) / n
		r.CPUPerUpdate = time.Duration(float64(cpuAfter-cpuBefore) / n)
		if botOK && botOKAfter {
			r.BotCPUPerUpdate = time.Duration(float64(botAfter.CPU-botBefore.CPU) / n)
			r.BotRSS, r.BotPeakRSS = botAfter.RSS, botAfter.PeakRSS
		}
		if redisCPUBefore >= 0 && redisCPUAfter >= 0 {
			r.RedisCPUPerUpdate = time.Duration(float64(redisCPUAfter-redisCPUBefore) / n)
		}
		if serverBefore != nil && serverAfter != nil {
			for name, k := range serverAfter {
				if d := k - serverBefore[name]; d > 0 && name != "info" {
					if r.RedisServerByName == nil {
						r.RedisServerByName = map[string]float64{}
					}
					r.RedisServerByName[name] = float64(d) / n
					r.RedisServerCmdsPerUpdate += float64(d) / n
				}
			}
		}
	}
	if err := stopped(); err != nil {
		return r, fmt.Errorf("loadtest: %s: %w", target.Name, err)
	}
	return r, nil
}

// targetProcess reads the target's own process, if it has one.
func targetProcess(t Target) (ProcessStats, bool) {
	if t.Process == nil {
		return ProcessStats{}, false
	}
	return t.Process()
}

// serverCPU reads the target's Redis server CPU time; -1 when it has none or it
// cannot be read.
func serverCPU(ctx context.Context, t Target) time.Duration {
	if t.ServerCPU == nil {
		return -1
	}
	d, err := t.ServerCPU(ctx)
	if err != nil {
		return -1
	}
	return d
}

// serverStats reads the target's Redis server counters; nil when it has none
// or they cannot be read.
func serverStats(ctx context.Context, t Target) map[string]int64 {
	if t.ServerStats == nil {
		return nil
	}
	m, err := t.ServerStats(ctx)
	if err != nil {
		return nil
	}
	return m
}

// flood pushes place questions into chat at rate per second until stop ends,
// without waiting for answers.
func flood(stop context.Context, api *API, script *Script, chat int64, rate float64, pushed *atomic.Int64) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	rng := rand.New(rand.NewPCG(uint64(chat), 7))
	p := &parent{chat: chat, rng: rng}
	for {
		select {
		case <-stop.Done():
			return
		case <-t.C:
		}
		place := script.places[rng.IntN(len(script.places))]
		api.Push(p.update(Step{Kind: KindText, Text: Typo(rng, place.Name), Lang: "de"}))
		pushed.Add(1)
	}
}

// warmUp waits until the bot answers a first message.
func warmUp(ctx context.Context, api *API, script *Script, cfg Config, botDone <-chan struct{}) error {
	const chat = 999_999
	p := &parent{chat: chat, api: api, script: script, replies: api.Listen(chat),
		rng: rand.New(rand.NewPCG(cfg.Seed, chat)), timeout: cfg.StartupWait, hist: &Histogram{}, c: &counters{}}
	done := make(chan bool, 1)
	go func() { done <- p.turn(ctx, Step{Kind: KindText, Text: "/start", Lang: "de"}) }()
	select {
	case <-done:
		if p.c.answered.Load() != 1 {
			return fmt.Errorf("no answer to a first message within %s", cfg.StartupWait)
		}
		return nil
	case <-botDone:
		return errors.New("the bot stopped before answering")
	}
}

// String renders a result for a terminal.
func (r Result) String() string {
	mib := func(b uint64) float64 { return float64(b) / (1 << 20) }
	redisCPU := ""
	if r.RedisCPUPerUpdate > 0 {
		redisCPU = fmt.Sprintf(" + %s Redis server CPU", r.RedisCPUPerUpdate.Round(100*time.Nanosecond))
	}
	if r.BotCPUPerUpdate > 0 || r.BotPeakRSS > 0 {
		redisCPU = fmt.Sprintf(" + %s the bot's process%s; its RSS %.1f MiB (peak %.1f MiB)",
			r.BotCPUPerUpdate.Round(100*time.Nanosecond), redisCPU, mib(r.BotRSS), mib(r.BotPeakRSS))
	}
	flood := ""
	if r.Flood > 0 {
		flood = fmt.Sprintf("\n  flood: %d chats sent %d updates; the fake answered %d messages into them with 429",
			r.Flood, r.FloodPushed, r.Refused)
	}
	return fmt.Sprintf("%s: %d parents, %d updates in %s = %.0f updates/s (timeouts %d, extra replies %d)\n"+
		"  reply latency p50 %s  p95 %s  p99 %s  max %s\n"+
		"  per update: %.2f Bot API calls, %.2f Redis commands in %.2f round trips, %.0f allocs, %.1f KiB, %s CPU (whole process)%s\n"+
		"  peak heap in use %.1f MiB, peak sys %.1f MiB, goroutines %d -> %d (peak %d), GC cycles %d",
		r.Target, r.Parents, r.Updates, r.Elapsed.Round(time.Millisecond), r.PerSecond, r.Timeouts, r.Extra,
		r.P50, r.P95, r.P99, r.Max.Round(time.Microsecond),
		r.APICallsPerUpdate, r.RedisCmdsPerUpdate, r.RedisTripsPerUpdate, r.AllocsPerUpdate, r.BytesPerUpdate/1024,
		r.CPUPerUpdate.Round(100*time.Nanosecond), redisCPU,
		mib(r.Peak.HeapInuse), mib(r.Peak.Sys), r.Start.Goroutines, r.End.Goroutines, r.Peak.Goroutines, r.GCCycles) +
		r.redisBreakdown() + r.serverBreakdown() + flood
}

// serverBreakdown lists the Redis server's commands per update by name.
func (r Result) serverBreakdown() string {
	if len(r.RedisServerByName) == 0 {
		return ""
	}
	names := slices.Collect(maps.Keys(r.RedisServerByName))
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(r.RedisServerByName[b], r.RedisServerByName[a]) })
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n  Redis server (INFO commandstats, scripts' commands included): %.2f commands per update:", r.RedisServerCmdsPerUpdate)
	for _, n := range names {
		fmt.Fprintf(&sb, " %s %.2f", n, r.RedisServerByName[n])
	}
	return sb.String()
}

// redisBreakdown lists Redis commands per update by name, most frequent first.
func (r Result) redisBreakdown() string {
	if len(r.RedisByName) == 0 {
		return ""
	}
	names := slices.Collect(maps.Keys(r.RedisByName))
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(r.RedisByName[b], r.RedisByName[a]) })
	var sb strings.Builder
	sb.WriteString("\n  Redis per update:")
	for _, n := range names {
		fmt.Fprintf(&sb, " %s %.2f", n, r.RedisByName[n])
	}
	return sb.String()
}
