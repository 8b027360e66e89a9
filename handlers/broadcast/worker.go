package broadcast

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Run delivers queued messages with Options.Workers concurrent senders until ctx
// is cancelled; each sender finishes (records) a message already handed to the
// Bot API before it returns. Entries it could not finish stay pending in Redis
// and are taken over by any worker after Options.ClaimIdle. Run returns nil after
// a cancel, or an error when the Redis client was closed.
func (s *Service) Run(ctx context.Context, r Sender) error {
	for {
		err := s.ensureGroup(ctx)
		if err == nil {
			break
		}
		if errors.Is(err, redis.ErrClosed) {
			return err
		}
		s.opts.Logger.WarnContext(ctx, "broadcast worker: Redis not ready, retrying", "err", err)
		if !sleepCtx(ctx, time.Second) {
			return nil
		}
	}
	s.opts.Logger.InfoContext(ctx, "broadcast worker started", "consumer", s.opts.Consumer,
		"workers", s.opts.Workers, "rate", s.opts.Rate)
	tctx, stopTicker := context.WithCancel(ctx)
	tickerDone := make(chan struct{})
	go func() {
		defer close(tickerDone)
		s.ticker(tctx)
	}()
	var wg sync.WaitGroup
	errs := make([]error, s.opts.Workers)
	for i := range s.opts.Workers {
		wg.Go(func() {
			errs[i] = s.loop(ctx, r, s.opts.Consumer+"-"+strconv.Itoa(i))
		})
	}
	wg.Wait()
	stopTicker() // the workers ended (cancel or a closed client): so does the ticker
	<-tickerDone
	return errors.Join(errs...)
}

// loop is one sender: it takes over stale entries of dead workers, else reads new ones.
func (s *Service) loop(ctx context.Context, r Sender, consumer string) error {
	block := min(time.Second, s.opts.ClaimIdle/2)
	claimEvery := max(s.opts.ClaimIdle/2, 50*time.Millisecond)
	cursor := "0-0"
	var lastClaim time.Time
	for ctx.Err() == nil {
		var msgs []redis.XMessage
		var err error
		if time.Since(lastClaim) >= claimEvery {
			lastClaim = time.Now()
			msgs, cursor, err = s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: s.streamKey(), Group: group, Consumer: consumer,
				MinIdle: s.opts.ClaimIdle, Start: cursor, Count: 1,
			}).Result()
			if len(msgs) > 0 || cursor != "0-0" {
				lastClaim = time.Time{} // more may be waiting: look again next round
			}
		}
		if err == nil && len(msgs) == 0 {
			var streams []redis.XStream
			streams, err = s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: group, Consumer: consumer, Streams: []string{s.streamKey(), ">"},
				Count: 1, Block: block,
			}).Result()
			for _, st := range streams {
				msgs = append(msgs, st.Messages...)
			}
		}
		switch {
		case err == nil, errors.Is(err, redis.Nil):
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, redis.ErrClosed):
			return fmt.Errorf("broadcast worker %s: %w", consumer, err)
		default:
			if isNoGroup(err) {
				s.resetGroup()
				_ = s.ensureGroup(ctx)
			}
			s.opts.RedisFailed("broadcast_read")
			s.opts.Logger.WarnContext(ctx, "broadcast worker: reading the queue failed", "err", err)
			sleepCtx(ctx, time.Second)
			continue
		}
		for _, m := range msgs {
			s.handle(ctx, r, m, consumer)
		}
	}
	return nil
}

// handle processes one stream entry read or claimed by consumer.
func (s *Service) handle(ctx context.Context, r Sender, m redis.XMessage, consumer string) {
	id, _ := m.Values["bc"].(string)
	if id == "" {
		s.opts.Logger.ErrorContext(ctx, "broadcast worker: malformed queue entry dropped", "entry", m.ID)
		s.ackOnly(ctx, m.ID)
		return
	}
	kind, _ := m.Values["kind"].(string)
	if kind == "report" {
		s.sendReport(ctx, r, id, m.ID, consumer)
		return
	}
	chat, err := strconv.ParseInt(fmt.Sprint(m.Values["chat"]), 10, 64)
	part := 0
	if p, ok := m.Values["part"].(string); ok && err == nil {
		part, err = strconv.Atoi(p)
	}
	if err != nil || part < 0 {
		s.opts.Logger.ErrorContext(ctx, "broadcast worker: malformed queue entry dropped", "entry", m.ID, "bc", id)
		s.ackOnly(ctx, m.ID)
		return
	}
	lang, _ := m.Values["lang"].(string)
	d := delivery{id: id, chat: chat, lang: lang, part: part, entry: m.ID, consumer: consumer}
	if kind == "remind" {
		s.deliverReminder(ctx, r, d)
		return
	}
	s.deliver(ctx, r, d)
}

// ackOnly acknowledges and deletes an entry that needs no outcome.
func (s *Service) ackOnly(ctx context.Context, entry string) {
	ctx = context.WithoutCancel(ctx)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.streamKey(), group, entry)
		p.XDel(ctx, s.streamKey(), entry)
		return nil
	})
	if err != nil {
		s.opts.Logger.WarnContext(ctx, "broadcast worker: acknowledging failed", "entry", entry, "err", err)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
