package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Errors of Correct and Recall.
var (
	// ErrRunning: the broadcast is still being delivered; stop it or wait for its report.
	ErrRunning = errors.New("broadcast: still being delivered")
	// ErrNotSent: no message of the broadcast can be changed any more (none was
	// delivered, or Telegram's 48 hours are over and the message ids are gone).
	ErrNotSent = errors.New("broadcast: no delivered messages to change")
	// ErrRecalled: the broadcast was recalled.
	ErrRecalled = errors.New("broadcast: recalled")
)

// Correct replaces the text (and date, place, translations) of broadcast id:
// every message already delivered is edited (paced like sending; the sender gets
// a report), and the broadcast, its reminders and /termine show the new text. A
// scheduled broadcast is changed before it starts (jobID is then ""). a must keep
// the broadcast's media and the split of text and caption.
func (s *Service) Correct(ctx context.Context, id string, a handlers.Announcement) (jobID string, recipients int64, err error) {
	st, err := s.Status(ctx, id)
	if err != nil {
		return "", 0, err
	}
	switch {
	case st.Kind != handlers.KindSend:
		return "", 0, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound)
	case st.Recalled:
		return "", 0, ErrRecalled
	case !st.Scheduled && !st.Done:
		return "", 0, ErrRunning
	}
	orig, err := s.job(ctx, id)
	if err != nil || orig == nil {
		return "", 0, errors.Join(err, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound))
	}
	a.Media, a.Districts = orig.media, st.Districts
	if a.Venue == nil {
		a.Venue = orig.venue
	}
	meta, err := s.prepare(a)
	if err != nil {
		return "", 0, err
	}
	// Languages not translated again keep their rendition.
	for lang, r := range orig.rend {
		if _, ok := a.Renditions[lang]; !ok && a.Renditions != nil {
			b, _ := json.Marshal(r)
			meta[rendKey(lang)] = string(b)
			meta[fLangs] = meta[fLangs].(string) + "," + lang
		}
	}
	icsChanged := map[string]bool{}
	for lang, r := range a.Renditions {
		if string(orig.rendition(lang).ICS) != string(r.ICS) {
			icsChanged[lang] = true
		}
	}
	update := map[string]any{}
	for _, k := range []string{"html", "text", "where", "when", fLangs, fTexts, fEnd, fVenue} {
		update[k] = meta[k]
		if meta[k] == nil {
			update[k] = ""
		}
	}
	for k, v := range meta {
		if len(k) > 2 && k[:2] == "r:" {
			update[k] = v
		}
	}
	mk := s.metaKey(id)
	if st.Scheduled {
		if err := s.rdb.HSet(ctx, mk, update).Err(); err != nil {
			return "", 0, fmt.Errorf("broadcast: correcting %s: %w", id, err)
		}
		s.forgetJob(id)
		return "", 0, nil
	}
	chats, err := s.rdb.HKeys(ctx, s.msgsKey(id)).Result()
	if err != nil {
		return "", 0, fmt.Errorf("broadcast: correcting %s: %w", id, err)
	}
	if len(chats) == 0 {
		return "", 0, ErrNotSent
	}
	job := map[string]any{}
	for k, v := range update {
		job[k] = v
	}
	job[fKind], job[fOf] = handlers.KindEdit, id
	for lang := range icsChanged {
		job["ics:"+lang] = "1"
	}
	jobID, err = s.startChange(ctx, st, a.SenderChat, job, chats)
	if err != nil {
		return "", 0, err
	}
	if err := s.rdb.HSet(ctx, mk, update).Err(); err != nil {
		return jobID, int64(len(chats)), fmt.Errorf("broadcast: correcting %s: %w", id, err)
	}
	s.rdb.HIncrBy(ctx, mk, fEdits, 1)
	for lang := range icsChanged {
		s.rdb.HDel(ctx, mk, icsIDKey(lang)) // the next calendar file is uploaded anew
	}
	if a.When.IsZero() != orig.dated || !a.When.IsZero() {
		until := s.eventUntil(a.When, s.opts.Now())
		for _, d := range st.Districts {
			s.rdb.ZAddXX(ctx, s.eventKey(d), redis.Z{Score: float64(until.Unix()), Member: id})
		}
	}
	s.forgetJob(id)
	return jobID, int64(len(chats)), nil
}

// Recall deletes every delivered message of broadcast id (Telegram allows it for
// 48 hours; older ones are reported as not deleted), withdraws its event and its
// reminders. A scheduled broadcast is simply cancelled (jobID "").
func (s *Service) Recall(ctx context.Context, id string, senderChat int64) (jobID string, recipients int64, err error) {
	st, err := s.Status(ctx, id)
	if err != nil {
		return "", 0, err
	}
	switch {
	case st.Kind != handlers.KindSend:
		return "", 0, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound)
	case st.Recalled:
		return "", 0, ErrRecalled
	case st.Scheduled:
		return "", 0, s.Cancel(ctx, id)
	case !st.Done:
		return "", 0, ErrRunning
	}
	chats, err := s.rdb.HKeys(ctx, s.msgsKey(id)).Result()
	if err != nil {
		return "", 0, fmt.Errorf("broadcast: recalling %s: %w", id, err)
	}
	if len(chats) == 0 {
		return "", 0, ErrNotSent
	}
	jobID, err = s.startChange(ctx, st, senderChat, map[string]any{fKind: handlers.KindRecall, fOf: id, "html": "", "text": st.Preview}, chats)
	if err != nil {
		return "", 0, err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.metaKey(id), fRecalled, "1")
		for _, d := range st.Districts {
			p.ZRem(ctx, s.eventKey(d), id)
		}
		return nil
	})
	if err != nil {
		return jobID, int64(len(chats)), fmt.Errorf("broadcast: recalling %s: %w", id, err)
	}
	return jobID, int64(len(chats)), nil
}

// startChange queues a correction or recall job over the given recipients.
func (s *Service) startChange(ctx context.Context, of handlers.BroadcastStatus, sender int64, fields map[string]any, chats []string) (string, error) {
	if err := s.ensureGroup(ctx); err != nil {
		return "", err
	}
	seq, err := s.rdb.Incr(ctx, s.key("bc", "seq")).Result()
	if err != nil {
		return "", fmt.Errorf("broadcast: new id: %w", err)
	}
	id := strconv.FormatInt(seq, 10)
	now := s.opts.Now()
	meta := map[string]any{
		"districts": joinDistricts(of.Districts), "sender": of.SenderID, "chat": sender,
		"created": now.UnixMilli(), fStarted: now.UnixMilli(), "total": len(chats),
		"delivered": 0, "blocked": 0, "failed": 0, "skipped": 0,
	}
	for k, v := range fields {
		meta[k] = v
	}
	ttl := RecallWindow + s.opts.Retention
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.metaKey(id), meta)
		p.Expire(ctx, s.metaKey(id), ttl)
		p.ZAdd(ctx, s.key("bc", "index"), redis.Z{Score: float64(now.UnixMilli()), Member: id})
		p.SAdd(ctx, s.key("bc", "active"), id)
		for i := 0; i < len(chats); i += 1000 {
			batch := chats[i:min(i+1000, len(chats))]
			vals := make([]any, 0, 2*len(batch))
			for _, c := range batch {
				vals = append(vals, c, outPending)
			}
			p.HSet(ctx, s.resKey(id), vals...)
		}
		p.Expire(ctx, s.resKey(id), ttl)
		for _, c := range chats {
			p.XAdd(ctx, &redis.XAddArgs{Stream: s.streamKey(), Values: []any{"bc", id, "chat", c}})
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("broadcast: queueing %s: %w", id, err)
	}
	s.opts.Logger.InfoContext(ctx, "broadcast change queued", "id", id, "kind", fields[fKind], "of", fields[fOf], "recipients", len(chats))
	return id, nil
}

// deliverChange edits or deletes one recipient's messages of a broadcast, at most once.
func (s *Service) deliverChange(ctx context.Context, r Sender, j *job, d delivery) {
	log := s.opts.Logger.With("bc", d.id, "entry", d.entry)
	outcome, lk, ok := s.gated(ctx, log, d, "change", func(lk lock) (string, error) {
		return s.change(ctx, r, j, d.chat, lk)
	})
	if !ok {
		return
	}
	c := strconv.FormatInt(d.chat, 10)
	err := finishScript.Run(context.WithoutCancel(ctx), s.rdb,
		[]string{s.metaKey(d.id), s.resKey(d.id), s.streamKey(), s.key("bc", "active"), lk.key},
		d.id, s.opts.Now().UnixMilli(), int64(resTTL/time.Second), c, outcome, group, d.entry, lk.token).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		s.opts.RedisFailed("broadcast_finish")
		log.ErrorContext(ctx, "broadcast worker: recording a change failed", "outcome", outcome, "err", err)
	}
}

// change edits (correction) or deletes (recall) the messages of one recipient:
// delivered when every message was changed, failed when one could not be
// (e.g. older than Telegram's 48 hours, or already deleted in the chat).
func (s *Service) change(ctx context.Context, r Sender, j *job, chat int64, lk lock) (string, error) {
	c := strconv.FormatInt(chat, 10)
	raw, err := s.rdb.HGet(ctx, s.msgsKey(j.of), c).Result()
	if errors.Is(err, redis.Nil) {
		return outFailed, nil // forgotten (/loeschen) or expired
	}
	if err != nil {
		return "", err
	}
	rec, ok := parseSent(raw)
	if !ok {
		return outFailed, nil
	}
	orig, err := s.job(ctx, j.of)
	if err != nil {
		return "", err
	}
	if orig == nil {
		return outFailed, nil
	}
	outcome := outDelivered
	worse := func(o string) {
		if o == outBlocked || (o == outFailed && outcome == outDelivered) {
			outcome = o
		}
	}
	if j.kind == handlers.KindRecall {
		if s.opts.Now().Sub(rec.at) >= RecallWindow {
			return outFailed, nil
		}
		for _, mid := range rec.ids {
			if mid == 0 {
				continue
			}
			o, err := s.do(ctx, chat, lk, false, func(ctx context.Context) error { return r.DeleteMessage(ctx, chat, mid) })
			if err != nil {
				return "", err
			}
			worse(o)
		}
		if err := s.rdb.HDel(context.WithoutCancel(ctx), s.msgsKey(j.of), c).Err(); err != nil {
			s.opts.Logger.WarnContext(ctx, "broadcast worker: forgetting recalled message ids failed", "err", err)
		}
		return outcome, nil
	}
	rend := j.rendition(rec.lang)
	split := rend.Text != "" && orig.media != nil
	var buttons [][]handlers.Button
	if rend.Remind != "" {
		buttons = [][]handlers.Button{{{Text: rend.Remind, Data: handlers.RemindCallback(j.of)}}}
	}
	icsChanged, _ := s.rdb.HExists(ctx, s.metaKey(j.id), "ics:"+rec.lang).Result()
	for i, part := range rec.parts {
		mid := rec.ids[i]
		if mid == 0 {
			continue
		}
		var e handlers.Edit
		switch part {
		case partMain:
			e = handlers.Edit{Text: rend.HTML, Caption: orig.media != nil}
			if !split {
				e.Buttons = buttons
			}
		case partText:
			e = handlers.Edit{Text: rend.Text, Buttons: buttons}
		case partICS:
			if !icsChanged || len(rend.ICS) == 0 {
				continue
			}
			e = handlers.Edit{Text: rend.ICSCaption, Media: &handlers.Media{Kind: handlers.MediaDocument, Name: rend.ICSName, Data: rend.ICS}}
		default:
			continue // a venue cannot be edited
		}
		o, err := s.do(ctx, chat, lk, false, func(ctx context.Context) error { return r.EditPost(ctx, chat, mid, e) })
		if err != nil {
			return "", err
		}
		worse(o)
	}
	return outcome, nil
}

func joinDistricts(ds []string) string {
	out := ""
	for i, d := range ds {
		if i > 0 {
			out += ","
		}
		out += d
	}
	return out
}
