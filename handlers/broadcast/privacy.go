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

	"github.com/heidekreis/sozialraumbot/handlers"
)

// The per-chat data of the broadcast package, for /meinedaten and /loeschen:
//
//	<p>:bc:<id>:res       the chat's outcome of broadcast id (until 24 h after it finished)
//	<p>:bc:<id>:msgs      the ids of the messages the chat got (48 hours, for corrections and recalls)
//	<p>:bc:<id>:remsent   a reminder was sent to the chat (48 hours, to send it once)
//	<p>:bc:<id>:later     the chat waits for the end of quiet hours (until then)
//	<p>:rem:chat:<chat>   the chat's reminders: broadcast id -> due time and language (until the event)
//	<p>:rem:due           the same reminders by due time ("<id>|<chat>|<lang>", until sent)
//	<p>:bc:<id>           the broadcast; "chat" is the sender's chat (the report's address)
//
// ChatData lists them all, ForgetChat (with forgetRich) erases them all.

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

// ChatData lists what the broadcasts keep about the chat, read from the same
// keys ForgetChat and forgetRich erase: every delivery to it (pending, or its
// outcome), the ids of the messages it got (kept for corrections and recalls),
// a reminder sent to it, its place in a broadcast paused for quiet hours, its
// reminders, and the broadcasts it sent (its chat is the report's address).
// Short-lived markers (the per-chat pacing marker, a recipient lock: a second
// or two) are not listed; they expire by themselves.
func (s *Service) ChatData(ctx context.Context, chatID int64) ([]handlers.DataItem, error) {
	ids, err := s.keptIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("broadcast: chat data: %w", err)
	}
	c := strconv.FormatInt(chatID, 10)
	type per struct{ res, sender, msgs, remsent *redis.StringCmd }
	cmds := make([]per, len(ids))
	var rems *redis.MapStringStringCmd
	var paused *redis.StringSliceCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = per{
				res:     p.HGet(ctx, s.resKey(id), c),
				sender:  p.HGet(ctx, s.metaKey(id), "chat"),
				msgs:    p.HGet(ctx, s.msgsKey(id), c),
				remsent: p.HGet(ctx, s.remSentKey(id), c),
			}
		}
		rems = p.HGetAll(ctx, s.remChatKey(chatID))
		paused = p.ZRange(ctx, s.key("bc", "resume"), 0, -1)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("broadcast: chat data: %w", err)
	}
	var items []handlers.DataItem
	for i, id := range ids {
		if v, err := cmds[i].res.Result(); err == nil {
			items = append(items, handlers.DataItem{Kind: handlers.DataDelivery, ID: id, Detail: v, Where: []string{s.resKey(id)}})
		}
		if v, err := cmds[i].sender.Result(); err == nil && v == c {
			items = append(items, handlers.DataItem{Kind: handlers.DataSent, ID: id, Where: []string{s.metaKey(id)}})
		}
		if v, err := cmds[i].msgs.Result(); err == nil {
			it := handlers.DataItem{Kind: handlers.DataMessages, ID: id, Where: []string{s.msgsKey(id)}}
			if r, ok := parseSent(v); ok {
				it.Count, it.Detail, it.When = len(r.ids), r.lang, r.at.Add(RecallWindow)
			}
			items = append(items, it)
		}
		if _, err := cmds[i].remsent.Result(); err == nil {
			items = append(items, handlers.DataItem{Kind: handlers.DataReminderSent, ID: id, Where: []string{s.remSentKey(id)}})
		}
	}
	for _, id := range paused.Val() {
		waiting, err := s.rdb.LRange(ctx, s.laterKey(id), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("broadcast: chat data: %w", err)
		}
		if slices.ContainsFunc(waiting, func(it string) bool { return strings.HasPrefix(it, c+"|") }) {
			items = append(items, handlers.DataItem{Kind: handlers.DataWaiting, ID: id, Where: []string{s.laterKey(id)}})
		}
	}
	remIDs := make([]string, 0, len(rems.Val()))
	for id := range rems.Val() {
		remIDs = append(remIDs, id)
	}
	slices.Sort(remIDs)
	for _, id := range remIDs {
		v := rems.Val()[id]
		due, _ := strconv.ParseInt(v[:max(strings.IndexByte(v, '|'), 0)], 10, 64)
		items = append(items, handlers.DataItem{Kind: handlers.DataReminder, ID: id, When: time.Unix(due, 0),
			Where: []string{s.remChatKey(chatID), s.remDueKey()}})
	}
	return items, nil
}

// ExportChat lists what the broadcast package keeps about the chat as short
// German descriptions and values (for operators and tests): ChatData, grouped.
func (s *Service) ExportChat(ctx context.Context, chatID int64) (map[string]string, error) {
	items, err := s.ChatData(ctx, chatID)
	if err != nil {
		return nil, err
	}
	groups := map[string][]string{}
	for _, it := range items {
		switch it.Kind {
		case handlers.DataDelivery:
			groups["Ankündigungen (Zustellung)"] = append(groups["Ankündigungen (Zustellung)"], "#"+it.ID+" "+it.Detail)
		case handlers.DataSent:
			groups["Ankündigungen (gesendet)"] = append(groups["Ankündigungen (gesendet)"], "#"+it.ID)
		case handlers.DataMessages:
			groups["Ankündigungen (Nachrichten-IDs für Korrektur/Rückruf)"] = append(groups["Ankündigungen (Nachrichten-IDs für Korrektur/Rückruf)"],
				fmt.Sprintf("#%s: %d Nachricht(en), %s, löschbar bis %s", it.ID, it.Count, it.Detail, it.When.In(s.opts.Location).Format("02.01.2006 15:04")))
		case handlers.DataReminderSent:
			groups["Erinnerungen (verschickt)"] = append(groups["Erinnerungen (verschickt)"], "#"+it.ID)
		case handlers.DataWaiting:
			groups["Ankündigungen (wartet auf das Ende der Ruhezeit)"] = append(groups["Ankündigungen (wartet auf das Ende der Ruhezeit)"], "#"+it.ID)
		case handlers.DataReminder:
			groups["Erinnerungen"] = append(groups["Erinnerungen"], "#"+it.ID+" am "+it.When.In(s.opts.Location).Format("02.01.2006 15:04"))
		}
	}
	out := map[string]string{}
	for k, v := range groups {
		out[k] = strings.Join(v, "; ")
	}
	return out, nil
}
