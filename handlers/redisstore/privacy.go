package redisstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Export returns everything stored about the chat: its state, its subscriptions and
// a description of any further key under <prefix>:chat:<chat_id>:.
func (s *Store) Export(ctx context.Context, chatID int64) (handlers.PersonalData, error) {
	var pd handlers.PersonalData
	st, found, err := s.loadRaw(ctx, chatID)
	if err != nil {
		return pd, err
	}
	if found {
		pd.State = &st
	}
	if pd.Subscriptions, err = s.Subscriptions(ctx, chatID); err != nil {
		return pd, err
	}
	others, err := s.otherChatKeys(ctx, chatID)
	if err != nil {
		return pd, err
	}
	for _, k := range others {
		desc, err := s.describe(ctx, k)
		if err != nil {
			return pd, err
		}
		if pd.Other == nil {
			pd.Other = map[string]string{}
		}
		pd.Other[strings.TrimPrefix(k, s.chatKey(chatID)+":")] = desc
	}
	return pd, nil
}

// DeleteAll removes the chat's state, its subscriptions (from both directions, also
// from district sets the per-chat set no longer lists) and every other key under
// <prefix>:chat:<chat_id>:.
func (s *Store) DeleteAll(ctx context.Context, chatID int64) error {
	ds, err := s.c.SMembers(ctx, s.chatSubsKey(chatID)).Result()
	if err != nil {
		return unavailable("delete: subscriptions", err)
	}
	// District sets that still hold the chat although the per-chat set lost track.
	var stray []string
	iter := s.c.Scan(ctx, 0, escapeGlob(s.prefix)+":subs:*", 200).Iterator()
	for iter.Next(ctx) {
		stray = append(stray, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return unavailable("delete: scan subscriptions", err)
	}
	others, err := s.otherChatKeys(ctx, chatID)
	if err != nil {
		return err
	}
	_, err = s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, d := range ds {
			p.SRem(ctx, s.subsKey(d), chatID)
		}
		for _, k := range stray {
			p.SRem(ctx, k, chatID)
		}
		keys := append([]string{s.chatKey(chatID), s.chatSubsKey(chatID)}, others...)
		p.Del(ctx, keys...)
		return nil
	})
	if err != nil {
		return unavailable("delete", err)
	}
	return nil
}

// loadRaw is LoadState that also tells whether a state was stored.
func (s *Store) loadRaw(ctx context.Context, chatID int64) (handlers.State, bool, error) {
	n, err := s.c.Exists(ctx, s.chatKey(chatID)).Result()
	if err != nil {
		return handlers.State{}, false, unavailable("export state", err)
	}
	if n == 0 {
		return handlers.State{}, false, nil
	}
	st, err := s.LoadState(ctx, chatID)
	if err != nil {
		return st, false, err
	}
	return st, true, nil
}

// otherChatKeys lists keys under <prefix>:chat:<id>: other than the subscriptions set.
func (s *Store) otherChatKeys(ctx context.Context, chatID int64) ([]string, error) {
	var keys []string
	subs := s.chatSubsKey(chatID)
	iter := s.c.Scan(ctx, 0, escapeGlob(s.chatKey(chatID))+":*", 200).Iterator()
	for iter.Next(ctx) {
		if k := iter.Val(); k != subs {
			keys = append(keys, k)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, unavailable("scan chat keys", err)
	}
	return keys, nil
}

// describe summarises a key by type, size and remaining lifetime, for Export.
func (s *Store) describe(ctx context.Context, key string) (string, error) {
	typ, err := s.c.Type(ctx, key).Result()
	if err != nil {
		return "", unavailable("export: type", err)
	}
	var n int64
	switch typ {
	case "set":
		n, err = s.c.SCard(ctx, key).Result()
	case "hash":
		n, err = s.c.HLen(ctx, key).Result()
	case "list":
		n, err = s.c.LLen(ctx, key).Result()
	case "zset":
		n, err = s.c.ZCard(ctx, key).Result()
	case "string":
		n, err = s.c.StrLen(ctx, key).Result()
	}
	if err != nil {
		return "", unavailable("export: size", err)
	}
	ttl, err := s.c.TTL(ctx, key).Result()
	if err != nil {
		return "", unavailable("export: ttl", err)
	}
	desc := formatKeyKind(typ, n)
	if ttl > 0 {
		desc += fmt.Sprintf(", expires in %s", ttl.Round(time.Minute))
	}
	return desc, nil
}

// escapeGlob escapes the SCAN MATCH metacharacters in a literal key part.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
