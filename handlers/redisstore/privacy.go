package redisstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// exportScript reads everything stored about a chat, in one step, from the same
// keys deleteScript erases: the state, the chat's subscription set, and every
// district set (of the registry or the chat's own set) that holds the chat.
//
//	KEYS[1] the district registry, KEYS[2] the chat's state, KEYS[3] the chat's
//	subscriptions; ARGV[1] the chat id, ARGV[2] the key prefix of district sets.
//
// It returns {state or nil, the chat's own subscriptions, districts whose set holds the chat}.
var exportScript = redis.NewScript(`
local own = redis.call('SMEMBERS', KEYS[3])
local ds = redis.call('SMEMBERS', KEYS[1])
for _, d in ipairs(own) do ds[#ds + 1] = d end
local seen, member = {}, {}
for _, d in ipairs(ds) do
  if not seen[d] then
    seen[d] = true
    if redis.call('SISMEMBER', ARGV[2] .. d, ARGV[1]) == 1 then member[#member + 1] = d end
  end
end
return {redis.call('GET', KEYS[2]), own, member}
`)

// Export returns everything stored about the chat: its state and its
// subscriptions, read from exactly the keys DeleteAll erases (also a district
// set that holds the chat while the chat's own set lost track of it). Every key
// holding data about the chat is listed in Where. It runs one script over keys
// known by name, so its cost does not depend on how many other keys the database holds.
func (s *Store) Export(ctx context.Context, chatID int64) (handlers.PersonalData, error) {
	var pd handlers.PersonalData
	keys := []string{s.registryKey(), s.chatKey(chatID), s.chatSubsKey(chatID)}
	res, err := exportScript.Run(ctx, s.c, keys, chatID, s.subsKey("")).Slice()
	if err != nil {
		return pd, unavailable("export", err)
	}
	if len(res) != 3 {
		return pd, unavailable("export", fmt.Errorf("unexpected answer of %d parts", len(res)))
	}
	if raw, ok := res[0].(string); ok {
		st, ok := decodeState([]byte(raw))
		if !ok {
			// Same as LoadState: a value nobody can read is discarded, not shown.
			if err := s.discardState(ctx, chatID); err != nil {
				return pd, err
			}
		} else {
			pd.State = &st
			pd.Where = append(pd.Where, s.chatKey(chatID))
		}
	}
	own, member := stringList(res[1]), stringList(res[2])
	if len(own) > 0 {
		pd.Where = append(pd.Where, s.chatSubsKey(chatID))
	}
	pd.Subscriptions = append(own, member...)
	slices.Sort(pd.Subscriptions)
	pd.Subscriptions = slices.Compact(pd.Subscriptions)
	for _, d := range member {
		pd.Where = append(pd.Where, s.subsKey(d))
	}
	return pd, nil
}

// stringList converts a script's array of strings.
func stringList(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, x := range a {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
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
