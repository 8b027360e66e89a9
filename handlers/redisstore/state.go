package redisstore

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// stateVersion is the version of the state encoding this code writes and reads.
const stateVersion = 1

// envelope is the stored form of a State: {"v":1,"state":{...}}. It is
// encoded and decoded in one pass (no intermediate raw JSON of the state).
type envelope struct {
	V     int             `json:"v"`
	State *handlers.State `json:"state"`
}

// LoadState returns the chat's state, or the zero State when none is stored or the
// stored value cannot be understood (that value is then deleted). A value the
// transport prefetched for this chat's key (handlers.WithPrefetched) is used
// instead of asking Redis.
func (s *Store) LoadState(ctx context.Context, chatID int64) (handlers.State, error) {
	key := s.chatKey(chatID)
	raw, found, ok := handlers.TakePrefetched(ctx, key)
	if !ok {
		var err error
		raw, err = s.c.Get(ctx, key).Bytes()
		if err != nil && !errors.Is(err, redis.Nil) {
			return handlers.State{}, unavailable("load state", err)
		}
		found = err == nil
	}
	if !found {
		return handlers.State{}, nil
	}
	st, ok := decodeState(raw)
	if !ok {
		return handlers.State{}, s.discardState(ctx, chatID)
	}
	return st, nil
}

// discardState deletes a stored state of an unknown encoding.
func (s *Store) discardState(ctx context.Context, chatID int64) error {
	s.log.LogAttrs(ctx, slogWarn, "discarding stored state of an unknown encoding", chatAttr(chatID))
	if err := s.c.Del(ctx, s.chatKey(chatID)).Err(); err != nil {
		return unavailable("discard state", err)
	}
	return nil
}

// StateKey is the Redis key of the chat's state: the transport's inbox scripts
// read it along with the chat's update (bot.Options.StateKey).
func (s *Store) StateKey(chatID int64) string { return s.chatKey(chatID) }

// SaveState stores the chat's state and (re)starts its TTL.
func (s *Store) SaveState(ctx context.Context, chatID int64, st handlers.State) error {
	raw, err := encodeState(st)
	if err != nil {
		return err
	}
	if err := s.c.Set(ctx, s.chatKey(chatID), raw, s.ttl).Err(); err != nil {
		return unavailable("save state", err)
	}
	return nil
}

func encodeState(st handlers.State) ([]byte, error) {
	return json.Marshal(envelope{V: stateVersion, State: &st})
}

// decodeState reports false for garbage and for versions this code does not
// know (a state of another version may not even decode as this one: either way
// it is not understood).
func decodeState(raw []byte) (handlers.State, bool) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.V != stateVersion || env.State == nil {
		return handlers.State{}, false
	}
	return *env.State, true
}
