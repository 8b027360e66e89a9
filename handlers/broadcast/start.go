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
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// resTTL is how long the per-recipient outcomes stay after a broadcast finished:
// long enough for late redeliveries of its entries to be recognised as done.
const resTTL = 24 * time.Hour

// Languages is implemented by a subscription store that knows the language each
// chat chose (/sprache). The Service asks it once per broadcast, for all
// recipients at once, and only when the announcement has translations.
type Languages interface {
	Languages(ctx context.Context, chats []int64) (map[int64]string, error)
}

// Start snapshots the subscribers of the announcement's districts (a chat
// subscribed to several of them gets one message) and queues one delivery per
// chat. It returns the broadcast id and the number of recipients. During quiet
// hours a non-urgent broadcast waits for their end.
func (s *Service) Start(ctx context.Context, a handlers.Announcement) (string, int64, error) {
	meta, err := s.prepare(a)
	if err != nil {
		return "", 0, err
	}
	if err := s.ensureGroup(ctx); err != nil {
		return "", 0, err
	}
	seq, err := s.rdb.Incr(ctx, s.key("bc", "seq")).Result()
	if err != nil {
		return "", 0, fmt.Errorf("broadcast: new id: %w", err)
	}
	id := strconv.FormatInt(seq, 10)
	n, err := s.queue(ctx, id, meta, "")
	if err != nil {
		return "", 0, err
	}
	s.opts.Logger.InfoContext(ctx, "broadcast queued", "id", id, "districts", meta["districts"],
		"recipients", n, "sender", a.SenderID)
	return id, n, nil
}

// prepare checks an announcement and returns its hash fields.
func (s *Service) prepare(a handlers.Announcement) (map[string]any, error) {
	if len(a.Districts) == 0 || (strings.TrimSpace(a.HTML) == "" && len(a.Renditions) == 0) {
		return nil, ErrInvalid
	}
	if a.Renditions == nil {
		if n := htmltext.Len(a.HTML); n > htmltext.MaxMessage {
			return nil, fmt.Errorf("%w: %d > %d characters", ErrTooLong, n, htmltext.MaxMessage)
		}
	}
	rend, err := renditions(a)
	if err != nil {
		return nil, err
	}
	html := a.HTML
	if html == "" {
		html = rend[i18n.Default].HTML
	}
	districts := slices.Clone(a.Districts)
	slices.Sort(districts)
	districts = slices.Compact(districts)
	meta := map[string]any{
		"districts": strings.Join(districts, ","),
		"html":      html,
		"text":      a.Text,
		"where":     a.Where,
		"when":      formatWhen(a.When),
		"sender":    a.SenderID,
		"chat":      a.SenderChat,
		"delivered": 0, "blocked": 0, "failed": 0, "skipped": 0,
	}
	rich, err := richFields(a, rend)
	if err != nil {
		return nil, err
	}
	for k, v := range rich {
		meta[k] = v
	}
	return meta, nil
}

// recipients snapshots the distinct subscribers of the districts, sorted.
func (s *Service) recipients(ctx context.Context, districts []string) ([]int64, error) {
	seen := map[int64]struct{}{}
	var chats []int64
	for _, d := range districts {
		ids, err := s.subs.Subscribers(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("broadcast: subscribers of %s: %w", d, err)
		}
		for _, id := range ids {
			if _, dup := seen[id]; !dup {
				seen[id] = struct{}{}
				chats = append(chats, id)
			}
		}
	}
	slices.Sort(chats)
	return chats, nil
}

// languages maps each recipient to the rendition it gets; nil when all get German.
func (s *Service) languages(ctx context.Context, langs []string, chats []int64) (map[int64]string, error) {
	if len(langs) < 2 {
		return nil, nil
	}
	l, ok := s.subs.(Languages)
	if !ok {
		return nil, nil
	}
	m, err := l.Languages(ctx, chats)
	if err != nil {
		return nil, fmt.Errorf("broadcast: languages of the recipients: %w", err)
	}
	for c, lang := range m {
		if !slices.Contains(langs, lang) {
			delete(m, c)
		}
	}
	return m, nil
}

// errClaimLost: another replica queued the scheduled broadcast meanwhile.
var errClaimLost = errors.New("broadcast: the claim on a scheduled broadcast was lost")

// queue snapshots the recipients and queues a broadcast in one transaction. meta
// holds all fields of a new broadcast; for a scheduled one (token set) the fields
// are already stored, meta is nil, and the transaction only goes through while
// the claim with token still holds.
func (s *Service) queue(ctx context.Context, id string, meta map[string]any, token string) (int64, error) {
	mk := s.metaKey(id)
	var districts, langs []string
	var when string
	urgent := false
	if meta != nil {
		districts = strings.Split(meta["districts"].(string), ",")
		langs = strings.Split(meta[fLangs].(string), ",")
		when, _ = meta["when"].(string)
		urgent = meta[fUrgent] == "1"
	} else {
		v, err := s.rdb.HMGet(ctx, mk, "districts", fLangs, "when", fUrgent).Result()
		if err != nil {
			return 0, fmt.Errorf("broadcast: reading %s: %w", id, err)
		}
		str := func(i int) string { x, _ := v[i].(string); return x }
		districts, langs, when, urgent = strings.Split(str(0), ","), strings.Split(str(1), ","), str(2), str(3) == "1"
	}
	chats, err := s.recipients(ctx, districts)
	if err != nil {
		return 0, err
	}
	byLang, err := s.languages(ctx, langs, chats)
	if err != nil {
		return 0, err
	}
	now := s.opts.Now()
	until := s.eventUntil(parseWhen(when), now)
	ttl := until.Sub(now) + s.opts.Retention
	quiet := !urgent && s.opts.Quiet.In(now)
	resume := s.opts.Quiet.End(now)

	write := func(p redis.Pipeliner) {
		if meta != nil {
			p.HSet(ctx, mk, meta)
			p.ZAdd(ctx, s.key("bc", "index"), redis.Z{Score: float64(now.UnixMilli()), Member: id})
		}
		p.HSet(ctx, mk, "created", now.UnixMilli(), fStarted, now.UnixMilli(), "total", len(chats), fState, "")
		p.HDel(ctx, mk, fToken)
		p.Expire(ctx, mk, ttl)
		p.ZRem(ctx, s.key("bc", "starting"), id)
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
		for i := 0; i < len(chats) && quiet; i += 1000 {
			batch := chats[i:min(i+1000, len(chats))]
			vals := make([]any, 0, len(batch))
			for _, c := range batch {
				vals = append(vals, strconv.FormatInt(c, 10)+"|"+langOr(byLang[c])+"|0")
			}
			p.RPush(ctx, s.laterKey(id), vals...)
		}
		if quiet && len(chats) > 0 {
			p.Expire(ctx, s.laterKey(id), ttl)
			p.ZAdd(ctx, s.key("bc", "resume"), redis.Z{Score: float64(resume.UnixMilli()), Member: id})
			p.HSet(ctx, mk, fPaused, resume.UnixMilli())
		}
		for _, c := range chats {
			if quiet {
				break
			}
			p.XAdd(ctx, &redis.XAddArgs{Stream: s.streamKey(), Values: []any{"bc", id, "chat", c, "lang", langOr(byLang[c])}})
		}
	}
	if token == "" {
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error { write(p); return nil })
	} else {
		err = s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			v, err := tx.HMGet(ctx, mk, fState, fToken).Result()
			if err != nil {
				return err
			}
			if v[0] != "starting" || v[1] != token {
				return errClaimLost
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error { write(p); return nil })
			return err
		}, mk)
		if errors.Is(err, redis.TxFailedErr) {
			err = errClaimLost
		}
	}
	if err != nil {
		if errors.Is(err, errClaimLost) {
			return 0, err
		}
		return 0, fmt.Errorf("broadcast: queueing %s: %w", id, err)
	}
	if len(chats) == 0 {
		if err := s.complete(ctx, id); err != nil {
			return 0, err
		}
	}
	return int64(len(chats)), nil
}

func langOr(l string) string {
	if l == "" {
		return i18n.Default
	}
	return l
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
