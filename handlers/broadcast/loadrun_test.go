package broadcast

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// LoadConfig describes a load run. Zero fields take the defaults in brackets.
type LoadConfig struct {
	Subscribers int           // recipients of the one broadcast [10000]
	Rate        float64       // configured global rate in msg/s [25]
	Replicas    int           // Services working the queue in parallel, as bot replicas would [2]
	Workers     int           // senders per replica [4]
	Timeout     time.Duration // give up after [Subscribers/Rate * 3 + 1 min]
	// Photo sends the announcement as a flyer (sendPhoto by file_id, HTML caption)
	// instead of a text message.
	Photo  bool
	Logger *slog.Logger // [discard nothing: slog.Default()]
}

// LoadReport is what a load run measured.
type LoadReport struct {
	Recipients   int64
	Delivered    int64
	Blocked      int64
	Failed       int64
	Duplicates   int64 // chats that got the message more than once (must be 0)
	Missing      int64 // chats that never got it (must be 0 when nothing failed)
	Elapsed      time.Duration
	Configured   float64 // msg/s
	Achieved     float64 // successful sends per second, first to last send
	Seen429      int64   // 429 answers the replier returned
	SeenOther    int64   // other errors the replier returned
	PeakHeap     uint64  // highest runtime.MemStats.HeapAlloc sampled during the run, bytes
	TotalAlloc   uint64  // bytes allocated during the run
	PeakRedisMem int64   // highest used_memory of Redis sampled during the run, bytes (0: unknown)
}

// String renders the report for a terminal.
func (r LoadReport) String() string {
	return fmt.Sprintf("recipients %d: delivered %d, blocked %d, failed %d, duplicates %d, missing %d\n"+
		"elapsed %s, rate achieved %.2f msg/s of %.2f configured (%.1f%%)\n"+
		"429 seen %d, other errors %d\n"+
		"peak Go heap %.1f MiB, allocated %.1f MiB, peak Redis memory %.1f MiB",
		r.Recipients, r.Delivered, r.Blocked, r.Failed, r.Duplicates, r.Missing,
		r.Elapsed.Round(time.Millisecond), r.Achieved, r.Configured, 100*r.Achieved/r.Configured,
		r.Seen429, r.SeenOther,
		float64(r.PeakHeap)/(1<<20), float64(r.TotalAlloc)/(1<<20), float64(r.PeakRedisMem)/(1<<20))
}

// LoadTest (test code, exported for the benchmark of the external test
// package) broadcasts one announcement to cfg.Subscribers synthetic chats through
// r (normally a bot.Sender against a fake Bot API that answers some 429s) with
// cfg.Replicas Services sharing the queue in Redis under prefix, and measures the
// rate, the 429s and the memory. It deletes its keys under prefix afterwards.
func LoadTest(ctx context.Context, c redis.UniversalClient, prefix string, r Sender, cfg LoadConfig) (LoadReport, error) {
	if cfg.Subscribers <= 0 {
		cfg.Subscribers = 10000
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 25
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 2
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Duration(float64(cfg.Subscribers)/cfg.Rate*3*float64(time.Second)) + time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	defer deleteKeys(context.WithoutCancel(ctx), c, prefix)

	chats := make([]int64, cfg.Subscribers)
	for i := range chats {
		chats[i] = int64(1_000_000 + i)
	}
	subs := &staticSubs{chats: chats}
	counting := &countingReplier{next: r, seen: make(map[int64]int32, len(chats))}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	services := make([]*Service, cfg.Replicas)
	for i := range services {
		services[i] = New(c, prefix, subs, Options{Rate: cfg.Rate, Workers: cfg.Workers, Logger: cfg.Logger,
			ClaimIdle: 30 * time.Second, Backoff: 200 * time.Millisecond, MaxBackoff: 2 * time.Second})
	}
	a := handlers.Announcement{
		Districts: []string{"load"}, Text: "Lasttest", HTML: "<b>Lasttest</b> – bitte ignorieren",
	}
	if cfg.Photo {
		a.Media = &handlers.Media{Kind: handlers.MediaPhoto, FileID: "AgACAgIAAxkBAAIBloadtest-flyer"}
	}
	id, n, err := services[0].Start(ctx, a)
	if err != nil {
		return LoadReport{}, err
	}
	runCtx, stopRun := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Go(func() { _ = s.Run(runCtx, counting) })
	}
	var peakHeap atomic.Uint64
	var peakRedis atomic.Int64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > peakHeap.Load() {
			peakHeap.Store(m.HeapAlloc)
		}
		if used := redisUsedMemory(ctx, c); used > peakRedis.Load() {
			peakRedis.Store(used)
		}
	}
	var st handlers.BroadcastStatus
	tick := time.NewTicker(100 * time.Millisecond)
	for !st.Done {
		select {
		case <-ctx.Done():
			tick.Stop()
			stopRun()
			wg.Wait()
			return LoadReport{}, fmt.Errorf("broadcast load test: %w", ctx.Err())
		case <-tick.C:
		}
		sample()
		if st, err = services[0].Status(ctx, id); err != nil {
			tick.Stop()
			stopRun()
			wg.Wait()
			return LoadReport{}, err
		}
	}
	tick.Stop()
	stopRun()
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	rep := LoadReport{
		Recipients: n, Delivered: st.Delivered, Blocked: st.Blocked, Failed: st.Failed,
		Configured: cfg.Rate, PeakHeap: peakHeap.Load(), TotalAlloc: after.TotalAlloc - before.TotalAlloc,
		PeakRedisMem: peakRedis.Load(),
	}
	counting.mu.Lock()
	defer counting.mu.Unlock()
	rep.Seen429, rep.SeenOther = counting.n429, counting.nOther
	for _, chat := range chats {
		switch k := counting.seen[chat]; {
		case k > 1:
			rep.Duplicates++
		case k == 0:
			rep.Missing++
		}
	}
	rep.Elapsed = counting.last.Sub(counting.first)
	if rep.Elapsed > 0 && counting.ok > 1 {
		rep.Achieved = float64(counting.ok-1) / rep.Elapsed.Seconds()
	}
	return rep, nil
}

// staticSubs is a fixed subscriber list for every district.
type staticSubs struct{ chats []int64 }

func (s *staticSubs) Subscribers(context.Context, string) ([]int64, error) { return s.chats, nil }
func (s *staticSubs) Unsubscribe(context.Context, int64, string) error     { return nil }

// countingReplier counts what a replier answered, per chat.
type countingReplier struct {
	next             Sender
	mu               sync.Mutex
	seen             map[int64]int32
	ok, n429, nOther int64
	first, last      time.Time
}

func (c *countingReplier) Send(ctx context.Context, chat int64, m handlers.Message) error {
	err := c.next.Send(ctx, chat, m)
	c.count(chat, err)
	return err
}

// Post counts like Send.
func (c *countingReplier) Post(ctx context.Context, chat int64, p handlers.Post) (handlers.Posted, error) {
	out, err := c.next.Post(ctx, chat, p)
	c.count(chat, err)
	return out, err
}

// EditPost passes an edit on.
func (c *countingReplier) EditPost(ctx context.Context, chat int64, id int, e handlers.Edit) error {
	return c.next.EditPost(ctx, chat, id, e)
}

// DeleteMessage passes a deletion on.
func (c *countingReplier) DeleteMessage(ctx context.Context, chat int64, id int) error {
	return c.next.DeleteMessage(ctx, chat, id)
}

func (c *countingReplier) count(chat int64, err error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var ra *handlers.RetryAfterError
	switch {
	case err == nil:
		c.seen[chat]++
		c.ok++
		if c.first.IsZero() {
			c.first = now
		}
		c.last = now
	case errors.As(err, &ra):
		c.n429++
	default:
		c.nOther++
	}
}

func redisUsedMemory(ctx context.Context, c redis.UniversalClient) int64 {
	info, err := c.InfoMap(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	var used int64
	_, _ = fmt.Sscan(info["Memory"]["used_memory"], &used)
	return used
}

func deleteKeys(ctx context.Context, c redis.UniversalClient, prefix string) {
	iter := c.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}
