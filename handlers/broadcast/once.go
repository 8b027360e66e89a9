package broadcast

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// onceTTL is how long StartOnce remembers a key.
const onceTTL = 24 * time.Hour

// ErrInProgress is returned by StartOnce while another call with the same key is
// still queueing its broadcast.
var ErrInProgress = errors.New("broadcast: the same announcement is being queued right now")

// StartOnce is Start guarded by an idempotency key (e.g. the staff member's id
// and the nonce of the confirm button): only the first call with a key queues a
// broadcast; later calls, from any replica, get its id with started false.
func (s *Service) StartOnce(ctx context.Context, key string, a handlers.Announcement) (id string, recipients int64, started bool, err error) {
	return s.once(ctx, key, func() (string, int64, error) { return s.Start(ctx, a) })
}

// once runs start at most once per key (across replicas, for onceTTL).
func (s *Service) once(ctx context.Context, key string, start func() (string, int64, error)) (id string, recipients int64, started bool, err error) {
	k := s.key("bc", "once", key)
	ok, err := s.rdb.SetNX(ctx, k, "pending", onceTTL).Result()
	if err != nil {
		return "", 0, false, fmt.Errorf("broadcast: start once: %w", err)
	}
	if !ok {
		prev, err := s.rdb.Get(ctx, k).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return "", 0, false, ErrInProgress
		case err != nil:
			return "", 0, false, fmt.Errorf("broadcast: start once: %w", err)
		case prev == "pending":
			return "", 0, false, ErrInProgress
		}
		st, err := s.Status(ctx, prev)
		if err != nil {
			return prev, 0, false, err
		}
		return prev, st.Total, false, nil
	}
	id, recipients, err = start()
	if err != nil {
		s.rdb.Del(context.WithoutCancel(ctx), k)
		return "", 0, false, err
	}
	if err := s.rdb.Set(ctx, k, id, onceTTL).Err(); err != nil {
		s.opts.Logger.WarnContext(ctx, "broadcast: recording the idempotency key failed", "id", id, "err", err)
	}
	return id, recipients, true, nil
}
