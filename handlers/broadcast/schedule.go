package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// ErrTooLate is returned by Schedule for a start time that has passed.
var ErrTooLate = errors.New("broadcast: the time has passed")

// Schedule stores an announcement to be started at at (any replica starts it,
// exactly once, also after restarts) and returns its id. Until then it is listed
// as scheduled and can be cancelled; its recipients are the subscribers at the
// time it starts.
func (s *Service) Schedule(ctx context.Context, a handlers.Announcement, at time.Time) (string, error) {
	meta, err := s.prepare(a)
	if err != nil {
		return "", err
	}
	now := s.opts.Now()
	if !at.After(now) {
		return "", ErrTooLate
	}
	seq, err := s.rdb.Incr(ctx, s.key("bc", "seq")).Result()
	if err != nil {
		return "", fmt.Errorf("broadcast: new id: %w", err)
	}
	id := strconv.FormatInt(seq, 10)
	meta["created"] = now.UnixMilli()
	meta[fState] = "scheduled"
	meta[fSendAt] = at.UnixMilli()
	meta["total"] = 0
	ttl := at.Sub(now) + s.opts.Retention
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.metaKey(id), meta)
		p.Expire(ctx, s.metaKey(id), ttl)
		p.ZAdd(ctx, s.key("bc", "index"), redis.Z{Score: float64(now.UnixMilli()), Member: id})
		p.ZAdd(ctx, s.key("bc", "scheduled"), redis.Z{Score: float64(at.UnixMilli()), Member: id})
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("broadcast: scheduling: %w", err)
	}
	s.opts.Logger.InfoContext(ctx, "broadcast scheduled", "id", id, "at", at, "sender", a.SenderID)
	return id, nil
}

// ScheduleOnce is Schedule guarded by an idempotency key, like StartOnce.
func (s *Service) ScheduleOnce(ctx context.Context, key string, a handlers.Announcement, at time.Time) (string, bool, error) {
	id, _, started, err := s.once(ctx, key, func() (string, int64, error) {
		id, err := s.Schedule(ctx, a, at)
		return id, 0, err
	})
	return id, started, err
}

// Due starts the scheduled broadcasts whose time has come, resumes paused ones
// whose quiet hours are over and queues the reminders that are due, all by the
// Service's clock. Every replica may call it at any time: each start, resume and
// reminder happens once. Run calls it every Options.Tick.
func (s *Service) Due(ctx context.Context) error {
	return errors.Join(s.startDue(ctx), s.resumeDue(ctx), s.remindDue(ctx))
}

// beforeQueue, when set (tests), runs after a scheduled broadcast was claimed
// and before it is queued; an error leaves the claim behind as a crash would.
type hookFunc func(id string) error

func (s *Service) startDue(ctx context.Context) error {
	now := s.opts.Now()
	nowMS := strconv.FormatInt(now.UnixMilli(), 10)
	var ids []string
	for _, set := range []string{"scheduled", "starting"} {
		got, err := s.rdb.ZRangeByScore(ctx, s.key("bc", set), &redis.ZRangeBy{Min: "-inf", Max: nowMS, Count: 50}).Result()
		if err != nil {
			return fmt.Errorf("broadcast: due broadcasts: %w", err)
		}
		ids = append(ids, got...)
	}
	var errs []error
	for _, id := range ids {
		token := rand.Text()
		claimed, err := claimStartScript.Run(ctx, s.rdb,
			[]string{s.key("bc", "scheduled"), s.key("bc", "starting"), s.metaKey(id)},
			id, now.UnixMilli(), now.Add(s.opts.StartLease).UnixMilli(), token).Int()
		if err != nil {
			errs = append(errs, fmt.Errorf("broadcast: claiming %s: %w", id, err))
			continue
		}
		if claimed == 0 {
			continue // another replica has it
		}
		if s.beforeQueue != nil {
			if err := s.beforeQueue(id); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := s.ensureGroup(ctx); err != nil {
			errs = append(errs, err)
			continue
		}
		n, err := s.queue(ctx, id, nil, token)
		switch {
		case errors.Is(err, errClaimLost):
			continue
		case err != nil:
			errs = append(errs, err) // the claim runs out and another try follows
			continue
		}
		s.opts.Logger.InfoContext(ctx, "scheduled broadcast queued", "id", id, "recipients", n, "taken_over", claimed == 2)
	}
	return errors.Join(errs...)
}

// resumeBatch is how many waiting deliveries one resume step moves.
const resumeBatch = 500

func (s *Service) resumeDue(ctx context.Context) error {
	now := s.opts.Now()
	if s.opts.Quiet.In(now) {
		return nil
	}
	ids, err := s.rdb.ZRangeByScore(ctx, s.key("bc", "resume"), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: 50}).Result()
	if err != nil {
		return fmt.Errorf("broadcast: paused broadcasts: %w", err)
	}
	for _, id := range ids {
		for {
			n, err := resumeScript.Run(ctx, s.rdb,
				[]string{s.laterKey(id), s.streamKey(), s.key("bc", "resume"), s.metaKey(id)}, id, resumeBatch).Int()
			if err != nil {
				return fmt.Errorf("broadcast: resuming %s: %w", id, err)
			}
			if n < 0 {
				s.opts.Logger.InfoContext(ctx, "broadcast resumed after quiet hours", "id", id)
				break
			}
		}
	}
	return nil
}

// ticker calls Due and then Options.AlsoDue every Options.Tick until ctx ends.
func (s *Service) ticker(ctx context.Context) {
	t := time.NewTicker(s.opts.Tick)
	defer t.Stop()
	for {
		if err := s.Due(ctx); err != nil && ctx.Err() == nil {
			s.opts.RedisFailed("broadcast_due")
			s.opts.Logger.WarnContext(ctx, "broadcast: starting due work failed", "err", err)
		}
		for _, f := range s.opts.AlsoDue {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				s.opts.RedisFailed("due")
				s.opts.Logger.WarnContext(ctx, "due work failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
