package redisstore

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// Languages returns the language each of the chats chose with /sprache (chats
// without a choice are left out). It reads the chats' states in pipelined
// batches of 1000, so a broadcast to 10,000 chats costs ten round trips; the
// broadcast asks only when an announcement has translations.
func (s *Store) Languages(ctx context.Context, chats []int64) (map[int64]string, error) {
	out := make(map[int64]string)
	for i := 0; i < len(chats); i += 1000 {
		batch := chats[i:min(i+1000, len(chats))]
		cmds := make([]*redis.StringCmd, len(batch))
		_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for j, c := range batch {
				cmds[j] = p.Get(ctx, s.chatKey(c))
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, unavailable("languages", err)
		}
		for j, cmd := range cmds {
			raw, err := cmd.Bytes()
			if err != nil {
				continue
			}
			if st, ok := decodeState(raw); ok && st.Lang != "" {
				out[batch[j]] = st.Lang
			}
		}
	}
	return out, nil
}
