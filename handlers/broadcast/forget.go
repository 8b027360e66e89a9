package broadcast

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ForgetChat takes the chat out of every broadcast still kept: a pending delivery
// is skipped (the chat gets nothing more), and the record of past deliveries to
// it is erased, with the ids of the messages it got, its reminders and its place
// in a broadcast paused for quiet hours. The per-chat pacing marker expires within a second by itself.
func (s *Service) ForgetChat(ctx context.Context, chatID int64) error {
	ids, err := s.rdb.ZRange(ctx, s.key("bc", "index"), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
	active, err := s.rdb.SMembers(ctx, s.key("bc", "active")).Result()
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
	ids = append(ids, active...) // an active id missing from the index is still covered
	chat := strconv.FormatInt(chatID, 10)
	now := s.opts.Now().UnixMilli()
	for _, id := range ids {
		err := forgetScript.Run(ctx, s.rdb,
			[]string{s.metaKey(id), s.resKey(id), s.streamKey(), s.key("bc", "active")},
			id, now, int64(resTTL/time.Second), chat).Err()
		if err != nil && err != redis.Nil {
			return fmt.Errorf("broadcast: forget chat in %s: %w", id, err)
		}
	}
	return s.forgetRich(ctx, chatID, ids)
}
