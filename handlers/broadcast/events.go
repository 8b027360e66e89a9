package broadcast

import (
	"cmp"
	"context"
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
			cmds[i] = p.HMGet(ctx, s.metaKey(r.id), "text", "when", "where", "cancelled", "created")
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
		if len(v) != 5 || v[0] == nil || v[3] == "1" {
			continue
		}
		str := func(x any) string { s, _ := x.(string); return s }
		created, _ := strconv.ParseInt(str(v[4]), 10, 64)
		items = append(items, item{handlers.Event{
			BroadcastID: refs[i].id,
			District:    refs[i].district,
			Text:        str(v[0]),
			When:        parseWhen(str(v[1])),
			Where:       str(v[2]),
		}, created})
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
