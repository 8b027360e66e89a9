package redisstore

import (
	"context"
	"errors"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Export returns everything stored about the chat: its state and its
// subscriptions. It reads the chat's keys by name in one round trip, so its cost
// does not depend on how many other keys the database holds.
func (s *Store) Export(ctx context.Context, chatID int64) (handlers.PersonalData, error) {
	var pd handlers.PersonalData
	var get *redis.StringCmd
	var subs *redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, s.chatKey(chatID))
		subs = p.SMembers(ctx, s.chatSubsKey(chatID))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return pd, unavailable("export", err)
	}
	raw, err := get.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return pd, unavailable("export state", err)
	default:
		st, ok := decodeState(raw)
		if !ok {
			// Same as LoadState: a value nobody can read is discarded, not shown.
			if err := s.discardState(ctx, chatID); err != nil {
				return pd, err
			}
			break
		}
		pd.State = &st
	}
	if pd.Subscriptions, err = subs.Result(); err != nil {
		return pd, unavailable("export subscriptions", err)
	}
	slices.Sort(pd.Subscriptions)
	return pd, nil
}

// deleteScript erases a chat in one atomic step.
//
//	KEYS[1] the district registry, KEYS[2] the chat's state, KEYS[3] the chat's
//	subscriptions; ARGV[1] the chat id, ARGV[2] the key prefix of district sets.
//
// The chat is removed from the set of every district in the registry and in its
// own subscriptions (so also from a district set the per-chat set lost track of);
// a district left without subscribers leaves the registry. It returns the number
// of per-chat keys deleted.
var deleteScript = redis.NewScript(`
local ds = redis.call('SMEMBERS', KEYS[1])
for _, d in ipairs(redis.call('SMEMBERS', KEYS[3])) do ds[#ds + 1] = d end
for _, d in ipairs(ds) do
  local k = ARGV[2] .. d
  redis.call('SREM', k, ARGV[1])
  if redis.call('SCARD', k) == 0 then redis.call('SREM', KEYS[1], d) end
end
return redis.call('DEL', KEYS[2], KEYS[3])
`)

// DeleteAll removes the chat's state and its subscriptions, from both directions,
// in one atomic script over keys known by name (no SCAN): its cost does not depend
// on how many other keys the database holds.
func (s *Store) DeleteAll(ctx context.Context, chatID int64) error {
	keys := []string{s.registryKey(), s.chatKey(chatID), s.chatSubsKey(chatID)}
	if err := deleteScript.Run(ctx, s.c, keys, chatID, s.subsKey("")).Err(); err != nil {
		return unavailable("delete", err)
	}
	return nil
}
