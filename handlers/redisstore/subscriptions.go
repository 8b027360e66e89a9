package redisstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Subscribe adds the chat to the district's subscribers (idempotent) and the
// district to the registry DeleteAll works from.
func (s *Store) Subscribe(ctx context.Context, chatID int64, district string) error {
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, s.subsKey(district), chatID)
		p.SAdd(ctx, s.chatSubsKey(chatID), district)
		p.SAdd(ctx, s.registryKey(), district)
		return nil
	})
	if err != nil {
		return unavailable("subscribe", err)
	}
	return nil
}

// Unsubscribe removes the chat from the district's subscribers (idempotent).
func (s *Store) Unsubscribe(ctx context.Context, chatID int64, district string) error {
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SRem(ctx, s.subsKey(district), chatID)
		p.SRem(ctx, s.chatSubsKey(chatID), district)
		return nil
	})
	if err != nil {
		return unavailable("unsubscribe", err)
	}
	return nil
}

// Subscriptions lists the district ids the chat subscribed to, sorted.
func (s *Store) Subscriptions(ctx context.Context, chatID int64) ([]string, error) {
	ds, err := s.c.SMembers(ctx, s.chatSubsKey(chatID)).Result()
	if err != nil {
		return nil, unavailable("subscriptions", err)
	}
	slices.Sort(ds)
	return ds, nil
}

// CountSubscribers counts the chats subscribed to a district.
func (s *Store) CountSubscribers(ctx context.Context, district string) (int64, error) {
	n, err := s.c.SCard(ctx, s.subsKey(district)).Result()
	if err != nil {
		return 0, unavailable("count subscribers", err)
	}
	return n, nil
}

// Subscribers lists the chat ids subscribed to a district, ascending. Members that
// are not chat ids (never written by this package) are skipped.
func (s *Store) Subscribers(ctx context.Context, district string) ([]int64, error) {
	ms, err := s.c.SMembers(ctx, s.subsKey(district)).Result()
	if err != nil {
		return nil, unavailable("subscribers", err)
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			s.log.WarnContext(ctx, "skipping a subscriber that is not a chat id", "district", district)
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}
