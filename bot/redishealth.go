package bot

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// redisHealth tracks whether Redis answers. The first failed operation marks it
// down (logged once); from then on the hot path does not try Redis at all:
// updates are held in memory and answered in-process, so an outage costs one
// timeout, not one per update. A probe writes to Redis every probeEvery (PING
// alone would take a read-only replica for up); when the write succeeds,
// reclaim gives back what the outage left behind (stale locks), the
// state goes up again, and resume picks up the queued chats: every chat is
// answered normally again within about one probe interval.
type redisHealth struct {
	log     *slog.Logger
	metrics Metrics
	every   time.Duration
	ping    func(context.Context) error
	reclaim func(context.Context) error // before the state goes up
	resume  func(context.Context)       // after

	down    atomic.Bool
	ctx     context.Context // ends the probe (shutdown)
	probing sync.WaitGroup
}

// up reports whether Redis is believed to answer.
func (h *redisHealth) up() bool { return !h.down.Load() }

// failed counts a failed Redis operation; the first one of an outage marks
// Redis down, logs it and starts the probe.
func (h *redisHealth) failed(op string, err error) {
	h.metrics.RedisError(op)
	if h.down.CompareAndSwap(false, true) {
		h.log.Error("redis unavailable: answering without cross-replica ordering and durable deduplication until it is back",
			"op", op, "err", err)
		h.probing.Go(h.probe)
	}
}

// probe tries until Redis takes a write and the recovery steps succeed.
func (h *redisHealth) probe() {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(h.ctx, max(h.every, time.Second))
		err := h.ping(ctx)
		if err == nil {
			err = h.reclaim(ctx)
		}
		if err == nil {
			h.down.Store(false)
			h.log.Info("redis available again")
			h.resume(ctx)
			cancel()
			return
		}
		cancel()
	}
}

// wait waits for a running probe to end (after h.ctx ended).
func (h *redisHealth) wait() { h.probing.Wait() }
