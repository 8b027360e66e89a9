package broadcast

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Upcoming lists the announced events of the districts that are still ahead of
// now: dated events soonest first, then events without date, newest first. A
// cancelled broadcast's event is not listed.
func (s *Service) Upcoming(ctx context.Context, districts []string, now time.Time) ([]handlers.Event, error) {
	type ref struct{ id, district string }
	var refs []ref
	seen := map[string]bool{}
	for _, d := range districts {
		key := s.eventKey(d)
		// Expired events go for good (idempotent, so every replica may do it).
		if err := s.rdb.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(now.Unix(), 10)).Err(); err != nil {
			return nil, fmt.Errorf("broadcast: upcoming: %w", err)
		}
		ids, err := s.rdb.ZRangeByScore(ctx, key, &redis.ZRangeBy{Min: strconv.FormatInt(now.Unix(), 10), Max: "+inf"}).Result()
		if err != nil {
			return nil, fmt.Errorf("broadcast: upcoming: %w", err)
		}
		for _, id := range ids {
			if !seen[id] { // one event announced to several districts is listed once
				seen[id] = true
				refs = append(refs, ref{id, d})
			}
		}
	}
	cmds := make([]*redis.SliceCmd, len(refs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range refs {
			cmds[i] = p.HMGet(ctx, s.metaKey(r.id), "text", "when", "where", "cancelled", "created",
				fEnd, fVenue, fTexts, fLangs, fRecalled)
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		return nil, fmt.Errorf("broadcast: upcoming: %w", err)
	}
	type item struct {
		ev      handlers.Event
		created int64
	}
	var items []item
	for i, c := range cmds {
		v := c.Val()
		if len(v) != 10 || v[0] == nil || v[3] == "1" || v[9] == "1" {
			continue
		}
		str := func(x any) string { s, _ := x.(string); return s }
		created, _ := strconv.ParseInt(str(v[4]), 10, 64)
		ev := handlers.Event{
			BroadcastID: refs[i].id,
			District:    refs[i].district,
			Text:        str(v[0]),
			When:        parseWhen(str(v[1])),
			Where:       str(v[2]),
			End:         parseWhen(str(v[5])),
		}
		if raw := str(v[6]); raw != "" {
			ev.Venue = &handlers.Venue{}
			if json.Unmarshal([]byte(raw), ev.Venue) != nil {
				ev.Venue = nil
			}
		}
		if raw := str(v[7]); raw != "" {
			_ = json.Unmarshal([]byte(raw), &ev.Texts)
		}
		ev.Dated = !ev.When.IsZero()
		ev.HasICS = ev.Dated && str(v[8]) != ""
		items = append(items, item{ev, created})
	}
	slices.SortStableFunc(items, func(a, b item) int {
		az, bz := a.ev.When.IsZero(), b.ev.When.IsZero()
		switch {
		case az != bz:
			if az {
				return 1
			}
			return -1
		case !az:
			return a.ev.When.Compare(b.ev.When)
		default:
			return cmp.Compare(b.created, a.created)
		}
	})
	out := make([]handlers.Event, len(items))
	for i, it := range items {
		out[i] = it.ev
	}
	return out, nil
}

// CalendarFile returns the calendar file of broadcast id's event for recipients
// of lang (German when there is none in lang): by file_id once it was uploaded,
// else its content, with its caption (HTML). ok is false when there is none.
func (s *Service) CalendarFile(ctx context.Context, id, lang string) (m handlers.Media, caption string, ok bool, err error) {
	j, err := s.job(ctx, id)
	if err != nil || j == nil {
		return m, "", false, err
	}
	lang = j.langOf(lang)
	r := j.rendition(lang)
	if len(r.ICS) == 0 {
		return m, "", false, nil
	}
	fid, err := s.rdb.HGet(ctx, s.metaKey(id), icsIDKey(lang)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return m, "", false, fmt.Errorf("broadcast: calendar file: %w", err)
	}
	m = handlers.Media{Kind: handlers.MediaDocument, FileID: fid, Name: r.ICSName}
	if fid == "" {
		m.Data = r.ICS
	}
	return m, r.ICSCaption, true, nil
}

// RememberCalendarFile keeps the file_id Telegram gave an uploaded calendar file,
// so that it is not uploaded again.
func (s *Service) RememberCalendarFile(ctx context.Context, id, lang, fileID string) error {
	j, err := s.job(ctx, id)
	if err != nil || j == nil || fileID == "" {
		return err
	}
	return s.rdb.HSetNX(ctx, s.metaKey(id), icsIDKey(j.langOf(lang)), fileID).Err()
}
