package broadcast

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// MaxLength is Telegram's limit for a text message, in characters after the HTML
// entities are parsed (counted in UTF-16 code units, as Telegram does).
const MaxLength = 4096

// resTTL is how long the per-recipient outcomes stay after a broadcast finished:
// long enough for late redeliveries of its entries to be recognised as done.
const resTTL = 24 * time.Hour

// Start snapshots the subscribers of the announcement's districts (a chat
// subscribed to several of them gets one message) and queues one delivery per
// chat. It returns the broadcast id and the number of recipients.
func (s *Service) Start(ctx context.Context, a handlers.Announcement) (string, int64, error) {
	if len(a.Districts) == 0 || strings.TrimSpace(a.HTML) == "" {
		return "", 0, ErrInvalid
	}
	if n := TextLength(a.HTML); n > MaxLength {
		return "", 0, fmt.Errorf("%w: %d > %d characters", ErrTooLong, n, MaxLength)
	}
	if err := s.ensureGroup(ctx); err != nil {
		return "", 0, err
	}
	districts := slices.Clone(a.Districts)
	slices.Sort(districts)
	districts = slices.Compact(districts)

	seen := map[int64]struct{}{}
	var chats []int64
	for _, d := range districts {
		ids, err := s.subs.Subscribers(ctx, d)
		if err != nil {
			return "", 0, fmt.Errorf("broadcast: subscribers of %s: %w", d, err)
		}
		for _, id := range ids {
			if _, dup := seen[id]; !dup {
				seen[id] = struct{}{}
				chats = append(chats, id)
			}
		}
	}
	slices.Sort(chats)

	seq, err := s.rdb.Incr(ctx, s.key("bc", "seq")).Result()
	if err != nil {
		return "", 0, fmt.Errorf("broadcast: new id: %w", err)
	}
	id := strconv.FormatInt(seq, 10)
	now := s.opts.Now()
	until := s.eventUntil(a.When, now)
	ttl := until.Sub(now) + s.opts.Retention

	meta := map[string]any{
		"districts": strings.Join(districts, ","),
		"html":      a.HTML,
		"text":      a.Text,
		"where":     a.Where,
		"when":      formatWhen(a.When),
		"sender":    a.SenderID,
		"chat":      a.SenderChat,
		"created":   now.UnixMilli(),
		"total":     len(chats),
		"delivered": 0, "blocked": 0, "failed": 0, "skipped": 0,
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.metaKey(id), meta)
		p.Expire(ctx, s.metaKey(id), ttl)
		p.ZAdd(ctx, s.key("bc", "index"), redis.Z{Score: float64(now.UnixMilli()), Member: id})
		p.SAdd(ctx, s.key("bc", "active"), id)
		for _, d := range districts {
			p.ZAdd(ctx, s.eventKey(d), redis.Z{Score: float64(until.Unix()), Member: id})
		}
		for i := 0; i < len(chats); i += 1000 {
			batch := chats[i:min(i+1000, len(chats))]
			vals := make([]any, 0, 2*len(batch))
			for _, c := range batch {
				vals = append(vals, c, outPending)
			}
			p.HSet(ctx, s.resKey(id), vals...)
		}
		if len(chats) > 0 {
			p.Expire(ctx, s.resKey(id), ttl)
		}
		for _, c := range chats {
			p.XAdd(ctx, &redis.XAddArgs{Stream: s.streamKey(), Values: []any{"bc", id, "chat", c}})
		}
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("broadcast: queueing %s: %w", id, err)
	}
	if len(chats) == 0 {
		if err := s.complete(ctx, id); err != nil {
			return "", 0, err
		}
	}
	s.opts.Logger.InfoContext(ctx, "broadcast queued", "id", id, "districts", districts,
		"recipients", len(chats), "sender", a.SenderID)
	return id, int64(len(chats)), nil
}

// complete finishes a broadcast with nothing pending.
func (s *Service) complete(ctx context.Context, id string) error {
	err := completeScript.Run(ctx, s.rdb,
		[]string{s.metaKey(id), s.resKey(id), s.streamKey(), s.key("bc", "active")},
		id, s.opts.Now().UnixMilli(), int64(resTTL/time.Second)).Err()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("broadcast: completing %s: %w", id, err)
	}
	return nil
}

// eventUntil is when an event stops being listed: its time, the end of its day
// for a date without time, or EventTTL after now for no date.
func (s *Service) eventUntil(when, now time.Time) time.Time {
	switch {
	case when.IsZero():
		return now.Add(s.opts.EventTTL)
	case when.Hour() == 0 && when.Minute() == 0 && when.Second() == 0:
		y, m, d := when.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, when.Location())
	default:
		return when
	}
}

// formatWhen keeps the event time with its zone offset ("" for none).
func formatWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func parseWhen(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
