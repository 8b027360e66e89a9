package broadcast

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// keptIDs lists the broadcasts still kept: those of the index and the active
// ones (an active id missing from the index is still covered), each once.
func (s *Service) keptIDs(ctx context.Context) ([]string, error) {
	var index, active *redis.StringSliceCmd
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		index = p.ZRange(ctx, s.key("bc", "index"), 0, -1)
		active = p.SMembers(ctx, s.key("bc", "active"))
		return nil
	}); err != nil {
		return nil, err
	}
	ids := append(index.Val(), active.Val()...)
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// ForgetChat takes the chat out of every broadcast still kept, the same ones
// ChatData lists: a pending delivery is skipped (the chat gets nothing more),
// the record of past deliveries to it is erased, with the ids of the messages
// it got, its reminders and its place in a broadcast paused for quiet hours, and
// as a sender it is erased from the broadcasts it sent (no report goes out
// then). The per-chat pacing marker expires within a second by itself.
func (s *Service) ForgetChat(ctx context.Context, chatID int64) error {
	ids, err := s.keptIDs(ctx)
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
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
