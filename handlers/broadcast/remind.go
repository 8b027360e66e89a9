package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Errors of ToggleReminder.
var (
	// ErrNoDate: the announcement has no date to remind of.
	ErrNoDate = errors.New("broadcast: the announcement has no date")
	// ErrTooSoon: the reminder's time (the day before) has passed.
	ErrTooSoon = errors.New("broadcast: the event is too soon for a reminder")
)

// remSentTTL is how long a sent reminder is remembered (to send it only once).
const remSentTTL = 48 * time.Hour

func (s *Service) remDueKey() string { return s.key("rem", "due") }
func (s *Service) remChatKey(chat int64) string {
	return s.key("rem", "chat", strconv.FormatInt(chat, 10))
}
func (s *Service) remSentKey(id string) string { return s.key("bc", id, "remsent") }

// remindTime is when a reminder of an event at when goes out: the day before, at
// Options.RemindAt in Options.Location.
func (s *Service) remindTime(when time.Time) time.Time {
	y, m, d := when.In(s.opts.Location).Date()
	at := s.opts.RemindAt
	return time.Date(y, m, d-1, int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, s.opts.Location)
}

// ToggleReminder switches chat's reminder of broadcast id's event: on when it was
// off (on is true, due is when it will come), off when it was on. lang is the
// language the reminder is sent in.
func (s *Service) ToggleReminder(ctx context.Context, id string, chat int64, lang string) (on bool, due time.Time, err error) {
	v, err := s.rdb.HMGet(ctx, s.metaKey(id), "when", "cancelled", fRecalled, "created").Result()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("broadcast: reminder: %w", err)
	}
	if v[3] == nil || v[1] == "1" || v[2] == "1" {
		return false, time.Time{}, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound)
	}
	when := parseWhen(fmt.Sprint(v[0]))
	if when.IsZero() {
		return false, time.Time{}, ErrNoDate
	}
	ck := s.remChatKey(chat)
	prev, err := s.rdb.HGet(ctx, ck, id).Result()
	switch {
	case err == nil:
		l := prev[strings.LastIndexByte(prev, '|')+1:]
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.ZRem(ctx, s.remDueKey(), id+"|"+strconv.FormatInt(chat, 10)+"|"+l)
			p.HDel(ctx, ck, id)
			return nil
		})
		if err != nil {
			return false, time.Time{}, fmt.Errorf("broadcast: reminder off: %w", err)
		}
		return false, time.Time{}, nil
	case !errors.Is(err, redis.Nil):
		return false, time.Time{}, fmt.Errorf("broadcast: reminder: %w", err)
	}
	due = s.remindTime(when)
	if !due.After(s.opts.Now()) {
		return false, due, ErrTooSoon
	}
	lang = langOr(lang)
	member := id + "|" + strconv.FormatInt(chat, 10) + "|" + lang
	expire := when.Add(24 * time.Hour)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, s.remDueKey(), redis.Z{Score: float64(due.Unix()), Member: member})
		p.HSet(ctx, ck, id, strconv.FormatInt(due.Unix(), 10)+"|"+lang)
		return nil
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("broadcast: reminder on: %w", err)
	}
	// The chat's list lives until its last event is over.
	if ttl, err := s.rdb.PTTL(ctx, ck).Result(); err == nil && (ttl < 0 || s.opts.Now().Add(ttl).Before(expire)) {
		s.rdb.ExpireAt(ctx, ck, expire)
	}
	return true, due, nil
}

// remindDue queues the reminders that are due, each exactly once.
func (s *Service) remindDue(ctx context.Context) error {
	now := s.opts.Now()
	if s.opts.Quiet.In(now) {
		return nil
	}
	nowS := strconv.FormatInt(now.Unix(), 10)
	members, err := s.rdb.ZRangeByScore(ctx, s.remDueKey(), &redis.ZRangeBy{Min: "-inf", Max: nowS, Count: 200}).Result()
	if err != nil {
		return fmt.Errorf("broadcast: due reminders: %w", err)
	}
	if len(members) > 0 {
		if err := s.ensureGroup(ctx); err != nil {
			return err
		}
	}
	for _, m := range members {
		if err := claimReminderScript.Run(ctx, s.rdb, []string{s.remDueKey(), s.streamKey()}, m, nowS).Err(); err != nil {
			return fmt.Errorf("broadcast: queueing a reminder: %w", err)
		}
	}
	return nil
}

// deliverReminder sends one reminder at most once.
func (s *Service) deliverReminder(ctx context.Context, r Sender, d delivery) {
	log := s.opts.Logger.With("bc", d.id, "entry", d.entry)
	c := strconv.FormatInt(d.chat, 10)
	if now := s.opts.Now(); s.opts.Quiet.In(now) {
		err := postponeRemindScript.Run(context.WithoutCancel(ctx), s.rdb, []string{s.streamKey(), s.remDueKey()},
			group, d.entry, d.id+"|"+c+"|"+d.lang, s.opts.Quiet.End(now).Unix()).Err()
		if err != nil {
			log.WarnContext(ctx, "broadcast worker: postponing a reminder failed", "err", err)
		}
		return
	}
	j, err := s.job(ctx, d.id)
	if err != nil {
		log.WarnContext(ctx, "broadcast worker: reading broadcast failed", "err", err)
		return
	}
	if j == nil || j.rendition(d.lang).Reminder == "" {
		s.ackOnly(ctx, d.entry)
		return
	}
	lk := lock{key: s.lockKey(d.id, c) + ":rem", token: rand.Text(), entry: d.entry, consumer: d.consumer}
	check, err := checkRemindScript.Run(ctx, s.rdb, []string{s.metaKey(d.id), s.remSentKey(d.id), lk.key},
		c, lk.token, s.lockTTL().Milliseconds()).Text()
	if err != nil {
		log.WarnContext(ctx, "broadcast worker: reminder check failed", "err", err)
		return
	}
	switch check {
	case checkGone, checkDone:
		s.ackOnly(ctx, d.entry)
		return
	case checkLocked:
		return
	}
	text := j.rendition(d.lang).Reminder
	out, err := s.do(ctx, d.chat, lk, false, func(ctx context.Context) error {
		_, err := r.Post(ctx, d.chat, handlers.Post{Text: text})
		return err
	})
	if err != nil {
		s.release(ctx, lk)
		return
	}
	err = finishRemindScript.Run(context.WithoutCancel(ctx), s.rdb,
		[]string{s.streamKey(), lk.key, s.remSentKey(d.id), s.remChatKey(d.chat)},
		group, d.entry, lk.token, c, out, d.id, remSentTTL.Milliseconds()).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		log.ErrorContext(ctx, "broadcast worker: recording a reminder failed", "err", err)
	}
}
