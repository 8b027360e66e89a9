package rueckruf

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// The chat's data in the desk, for /meinedaten and /loeschen:
//
//	<p>:rr:chat:<chat>   the list of its requests and today's count
//	<p>:rr:req:<id>      each request of the chat that is not deleted ("chat" is the chat)
//	<p>:rr:draft:<chat>  a request being written
//
// ChatData lists them all; ForgetChat erases them all (a request keeps, as
// deleted, only its id, district and the team messages to scrub).

// ChatData lists what the desk keeps about the chat, read from the keys
// ForgetChat erases.
func (d *Desk) ChatData(ctx context.Context, chatID int64) ([]handlers.DataItem, error) {
	ck, dk := d.chatKey(chatID), d.draftKey(chatID)
	var (
		idx      *redis.MapStringStringCmd
		idxTTL   *redis.DurationCmd
		draft    *redis.StringCmd
		draftTTL *redis.DurationCmd
	)
	_, err := d.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		idx, idxTTL = p.HGetAll(ctx, ck), p.PTTL(ctx, ck)
		draft, draftTTL = p.Get(ctx, dk), p.PTTL(ctx, dk)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fail("chat data", err)
	}
	now := time.Now()
	var items []handlers.DataItem
	if f := idx.Val(); len(f) > 0 {
		var ids []string
		for id := range f {
			if id != fDay {
				ids = append(ids, id)
			}
		}
		day, _, _ := strings.Cut(f[fDay], "|")
		it := handlers.DataItem{Kind: handlers.DataCallbackIndex, Detail: day, Count: countOf(f[fDay]),
			Where: []string{ck}}
		if ttl := idxTTL.Val(); ttl > 0 {
			it.When = now.Add(ttl)
		}
		items = append(items, it)
		reqs, err := d.many(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range reqs {
			if r.ChatID != chatID {
				continue
			}
			when := r.Expires
			if !r.DeleteAt.IsZero() && r.DeleteAt.Before(when) {
				when = r.DeleteAt
			}
			items = append(items, handlers.DataItem{
				Kind: handlers.DataCallback, ID: r.ID, Detail: r.Status, When: when,
				Values: map[string]string{"district": r.District, "name": r.Name, "phone": r.Phone,
					"topic": r.Topic, "slot": r.Slot, "note": r.Note},
				Where: []string{d.reqKey(r.ID)},
			})
		}
	}
	if b := draft.Val(); b != "" {
		dr, err := d.LoadDraft(ctx, chatID)
		if err != nil {
			return nil, err
		}
		it := handlers.DataItem{Kind: handlers.DataCallbackDraft, Where: []string{dk},
			Values: map[string]string{"district": dr.District, "name": dr.Name, "phone": dr.Phone,
				"topic": dr.Topic, "slot": dr.Slot, "note": dr.Note}}
		if ttl := draftTTL.Val(); ttl > 0 {
			it.When = now.Add(ttl)
		}
		items = append(items, it)
	}
	return items, nil
}

func countOf(v string) int {
	_, n, _ := strings.Cut(v, "|")
	c, _ := strconv.Atoi(n)
	return c
}

// ForgetChat deletes every request of the chat (outcome erased; the next due
// step scrubs their team messages), its draft and its list.
func (d *Desk) ForgetChat(ctx context.Context, chatID int64) ([]handlers.CallbackRequest, error) {
	ids, err := d.rdb.HKeys(ctx, d.chatKey(chatID)).Result()
	if err != nil {
		return nil, fail("forget chat", err)
	}
	var gone []handlers.CallbackRequest
	for _, id := range ids {
		if id == fDay {
			continue
		}
		r, deleted, err := d.Delete(ctx, id, handlers.CallbackErased)
		if err != nil {
			return gone, err
		}
		if deleted {
			gone = append(gone, r)
		}
		if err := d.Schedule(ctx, id, dueAtOnce); err != nil { // scrub its team messages now
			return gone, err
		}
	}
	if err := d.rdb.Del(ctx, d.chatKey(chatID), d.draftKey(chatID)).Err(); err != nil {
		return gone, fail("forget chat", err)
	}
	return gone, nil
}
