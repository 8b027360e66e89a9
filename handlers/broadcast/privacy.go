package broadcast

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The per-chat data of the broadcast package, for /meinedaten and /loeschen:
//
//	<p>:bc:<id>:res       the chat's outcome of broadcast id (until 24 h after it finished)
//	<p>:bc:<id>:msgs      the ids of the messages the chat got (48 hours, for corrections and recalls)
//	<p>:bc:<id>:remsent   a reminder was sent to the chat (48 hours, to send it once)
//	<p>:bc:<id>:later     the chat waits for the end of quiet hours (until then)
//	<p>:rem:chat:<chat>   the chat's reminders: broadcast id -> due time and language (until the event)
//	<p>:rem:due           the same reminders by due time ("<id>|<chat>|<lang>", until sent)

// dropLaterScript removes a chat from a paused broadcast's waiting list.
// KEYS: later. ARGV: chat.
var dropLaterScript = redis.NewScript(`
local n = 0
for _, it in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(it, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
    n = n + redis.call('LREM', KEYS[1], 0, it)
  end
end
return n
`)

// forgetRich erases the chat's message ids, reminders and waiting places.
func (s *Service) forgetRich(ctx context.Context, chatID int64, ids []string) error {
	c := strconv.FormatInt(chatID, 10)
	rems, err := s.rdb.HGetAll(ctx, s.remChatKey(chatID)).Result()
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			p.HDel(ctx, s.msgsKey(id), c)
			p.HDel(ctx, s.remSentKey(id), c)
		}
		for id, v := range rems {
			p.ZRem(ctx, s.remDueKey(), id+"|"+c+"|"+v[strings.LastIndexByte(v, '|')+1:])
		}
		p.Del(ctx, s.remChatKey(chatID))
		return nil
	})
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
	paused, err := s.rdb.ZRange(ctx, s.key("bc", "resume"), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("broadcast: forget chat: %w", err)
	}
	for _, id := range paused {
		if err := dropLaterScript.Run(ctx, s.rdb, []string{s.laterKey(id)}, c).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("broadcast: forget chat in %s: %w", id, err)
		}
	}
	return nil
}

// ExportChat lists what the broadcast package keeps about the chat, for
// /meinedaten: short descriptions (German) and values.
func (s *Service) ExportChat(ctx context.Context, chatID int64) (map[string]string, error) {
	ids, err := s.rdb.ZRange(ctx, s.key("bc", "index"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("broadcast: export: %w", err)
	}
	c := strconv.FormatInt(chatID, 10)
	msgs := make([]*redis.StringCmd, len(ids))
	res := make([]*redis.StringCmd, len(ids))
	var rems *redis.MapStringStringCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			msgs[i] = p.HGet(ctx, s.msgsKey(id), c)
			res[i] = p.HGet(ctx, s.resKey(id), c)
		}
		rems = p.HGetAll(ctx, s.remChatKey(chatID))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("broadcast: export: %w", err)
	}
	out := map[string]string{}
	var got, sent []string
	for i, id := range ids {
		if v, err := res[i].Result(); err == nil {
			got = append(got, "#"+id+" "+v)
		}
		if v, err := msgs[i].Result(); err == nil {
			if r, ok := parseSent(v); ok {
				sent = append(sent, fmt.Sprintf("#%s: %d Nachricht(en), %s, löschbar bis %s", id, len(r.ids),
					r.lang, r.at.Add(RecallWindow).In(s.opts.Location).Format("02.01.2006 15:04")))
			}
		}
	}
	if len(got) > 0 {
		out["Ankündigungen (Zustellung)"] = strings.Join(got, "; ")
	}
	if len(sent) > 0 {
		out["Ankündigungen (Nachrichten-IDs für Korrektur/Rückruf)"] = strings.Join(sent, "; ")
	}
	var rl []string
	for id, v := range rems.Val() {
		due, _ := strconv.ParseInt(v[:max(strings.IndexByte(v, '|'), 0)], 10, 64)
		rl = append(rl, "#"+id+" am "+time.Unix(due, 0).In(s.opts.Location).Format("02.01.2006 15:04"))
	}
	slices.Sort(rl)
	if len(rl) > 0 {
		out["Erinnerungen"] = strings.Join(rl, "; ")
	}
	return out, nil
}
