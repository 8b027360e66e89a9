package broadcast

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// previewRunes is how much of the text Status shows.
const previewRunes = 60

// Status returns one broadcast's progress; handlers.ErrNotFound for an unknown id.
func (s *Service) Status(ctx context.Context, id string) (handlers.BroadcastStatus, error) {
	m, err := s.rdb.HGetAll(ctx, s.metaKey(id)).Result()
	if err != nil {
		return handlers.BroadcastStatus{}, fmt.Errorf("broadcast: status of %s: %w", id, err)
	}
	if len(m) == 0 {
		return handlers.BroadcastStatus{}, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound)
	}
	return statusOf(id, m), nil
}

// List returns the most recent broadcasts, newest first.
func (s *Service) List(ctx context.Context, limit int) ([]handlers.BroadcastStatus, error) {
	if limit <= 0 {
		limit = 10
	}
	index := s.key("bc", "index")
	// Forget broadcasts whose meta expired.
	cutoff := s.opts.Now().Add(-s.opts.Retention).UnixMilli()
	s.rdb.ZRemRangeByScore(ctx, index, "-inf", "("+strconv.FormatInt(cutoff, 10))
	ids, err := s.rdb.ZRevRange(ctx, index, 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("broadcast: list: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, s.metaKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("broadcast: list: %w", err)
	}
	out := make([]handlers.BroadcastStatus, 0, len(ids))
	for i, c := range cmds {
		if m := c.Val(); len(m) > 0 {
			out = append(out, statusOf(ids[i], m))
		}
	}
	return out, nil
}

// Cancel stops a running broadcast: workers skip its remaining recipients (a
// message already on its way to Telegram is still counted). Its event is no
// longer listed by Upcoming, also when the broadcast was already delivered.
func (s *Service) Cancel(ctx context.Context, id string) error {
	st, err := s.Status(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if !st.Done {
			p.HSet(ctx, s.metaKey(id), "cancelled", "1")
		}
		if st.Scheduled {
			// Never started: nothing to deliver, nothing to report.
			p.ZRem(ctx, s.key("bc", "scheduled"), id)
			p.ZRem(ctx, s.key("bc", "starting"), id)
			p.HSet(ctx, s.metaKey(id), fState, "", "finished", s.opts.Now().UnixMilli(), "reported", "0")
		}
		for _, d := range st.Districts {
			p.ZRem(ctx, s.eventKey(d), id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("broadcast: cancel %s: %w", id, err)
	}
	s.opts.Logger.InfoContext(ctx, "broadcast cancelled", "id", id)
	return nil
}

func statusOf(id string, m map[string]string) handlers.BroadcastStatus {
	n := func(k string) int64 {
		v, _ := strconv.ParseInt(m[k], 10, 64)
		return v
	}
	st := handlers.BroadcastStatus{
		ID:        id,
		Created:   time.UnixMilli(n("created")),
		SenderID:  n("sender"),
		Total:     n("total"),
		Delivered: n("delivered"),
		Blocked:   n("blocked"),
		Failed:    n("failed"),
		Cancelled: m["cancelled"] == "1",
		Done:      m["finished"] != "",
		Preview:   preview(m["text"]),
	}
	if d := m["districts"]; d != "" {
		st.Districts = strings.Split(d, ",")
	}
	st.Kind, st.Of = m[fKind], m[fOf]
	st.Scheduled = m[fState] == "scheduled" || m[fState] == "starting"
	if n(fSendAt) > 0 {
		st.SendAt = time.UnixMilli(n(fSendAt))
	}
	if n(fPaused) > 0 && !st.Done {
		st.Paused = time.UnixMilli(n(fPaused))
	}
	st.Urgent = m[fUrgent] == "1"
	st.Recalled = m[fRecalled] == "1"
	st.Edits = int(n(fEdits))
	if st.Kind == handlers.KindSend && !st.Scheduled && !st.Recalled && n(fStarted) > 0 {
		st.Editable = time.UnixMilli(n(fStarted)).Add(RecallWindow)
	}
	return st
}

func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= previewRunes {
		return text
	}
	r := []rune(text)
	return string(r[:previewRunes-1]) + "…"
}
