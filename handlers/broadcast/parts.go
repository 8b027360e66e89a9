package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

func (s *Service) msgsKey(id string) string           { return s.key("bc", id, "msgs") }
func (s *Service) laterKey(id string) string          { return s.key("bc", id, "later") }
func (s *Service) partLockKey(id, chat string) string { return s.key("bc", id, "lock", chat, "p") }

// delivery is one stream entry of an announcement.
type delivery struct {
	id       string
	chat     int64
	lang     string
	part     int
	entry    string
	consumer string // the worker that read or claimed the entry
}

// deliver handles one delivery entry: the announcement itself (part 0), one of
// its later parts, or a recipient of a correction or recall.
func (s *Service) deliver(ctx context.Context, r Sender, d delivery) {
	log := s.opts.Logger.With("bc", d.id, "entry", d.entry)
	j, err := s.job(ctx, d.id)
	if err != nil {
		log.WarnContext(ctx, "broadcast worker: reading broadcast failed", "err", err)
		return // stays pending; retried after ClaimIdle
	}
	if j == nil {
		s.ackOnly(ctx, d.entry)
		return
	}
	switch j.kind {
	case handlers.KindEdit, handlers.KindRecall:
		s.deliverChange(ctx, r, j, d)
		return
	}
	d.lang = j.langOf(d.lang)
	if now := s.opts.Now(); !j.urgent && s.opts.Quiet.In(now) {
		s.deferDelivery(ctx, d, s.opts.Quiet.End(now))
		return
	}
	if d.part == 0 {
		s.deliverMain(ctx, r, j, d)
		return
	}
	s.deliverPart(ctx, r, j, d)
}

// deferDelivery parks a delivery that reached quiet hours until they end.
func (s *Service) deferDelivery(ctx context.Context, d delivery, until time.Time) {
	err := deferScript.Run(context.WithoutCancel(ctx), s.rdb,
		[]string{s.metaKey(d.id), s.streamKey(), s.laterKey(d.id), s.key("bc", "resume")},
		d.id, d.chat, d.lang, d.part, group, d.entry, until.UnixMilli()).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		s.opts.Logger.WarnContext(ctx, "broadcast worker: pausing for quiet hours failed", "bc", d.id, "err", err)
	}
}

// deliverMain sends the announcement itself to one chat at most once and records
// the outcome, its message id and the recipient's next part.
func (s *Service) deliverMain(ctx context.Context, r Sender, j *job, d delivery) {
	log := s.opts.Logger.With("bc", d.id, "entry", d.entry)
	var posted handlers.Posted
	outcome, lk, ok := s.gated(ctx, log, d, "delivery", func(lk lock) (string, error) {
		outcome, p, err := s.post(ctx, r, j, d, partMain, lk)
		posted = p
		return outcome, err
	})
	if !ok {
		return
	}
	c := strconv.FormatInt(d.chat, 10)
	wctx := context.WithoutCancel(ctx) // record what happened even while shutting down
	if outcome == outBlocked {
		for _, dist := range j.districts {
			if err := s.subs.Unsubscribe(wctx, d.chat, dist); err != nil {
				log.WarnContext(ctx, "broadcast worker: unsubscribing a blocked chat failed", "err", err)
			}
		}
	}
	if outcome != outSkipped {
		s.opts.Counted(outcome)
	}
	record, next := "", ""
	if outcome == outDelivered && posted.MessageID != 0 {
		record = strconv.FormatInt(s.opts.Now().UnixMilli(), 10) + "|" + d.lang + "|" + partLetter(partMain) + strconv.Itoa(posted.MessageID)
		if len(j.parts(d.lang)) > 1 {
			next = "1"
		}
	}
	err := finishMainScript.Run(wctx, s.rdb,
		[]string{s.metaKey(d.id), s.resKey(d.id), s.streamKey(), s.key("bc", "active"), lk.key, s.msgsKey(d.id)},
		d.id, s.opts.Now().UnixMilli(), int64(resTTL/time.Second), c, outcome, group, d.entry, lk.token,
		record, RecallWindow.Milliseconds(), d.lang, next).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		// The dangerous window: the message may be out, the record is not. The lock
		// keeps others off this chat until it expires.
		s.opts.RedisFailed("broadcast_finish")
		log.ErrorContext(ctx, "broadcast worker: recording a delivery failed", "outcome", outcome, "err", err)
	}
}

// deliverPart sends part d.part (the text after the flyer, the venue or the
// calendar file) at most once and queues the next one.
func (s *Service) deliverPart(ctx context.Context, r Sender, j *job, d delivery) {
	log := s.opts.Logger.With("bc", d.id, "entry", d.entry)
	parts := j.parts(d.lang)
	if d.part >= len(parts) {
		s.ackOnly(ctx, d.entry)
		return
	}
	c := strconv.FormatInt(d.chat, 10)
	lk := lock{key: s.partLockKey(d.id, c), token: rand.Text(), entry: d.entry, consumer: d.consumer}
	check, err := checkPartScript.Run(ctx, s.rdb, []string{s.metaKey(d.id), s.resKey(d.id), s.msgsKey(d.id), lk.key},
		c, d.part, lk.token, s.lockTTL().Milliseconds()).Text()
	if err != nil {
		log.WarnContext(ctx, "broadcast worker: check failed", "err", err)
		return
	}
	switch check {
	case checkGone, checkDone:
		s.ackOnly(ctx, d.entry)
		return
	case checkLocked:
		return
	case checkGo:
	default:
		log.ErrorContext(ctx, "broadcast worker: unexpected check answer", "answer", check)
		return
	}
	outcome, posted, err := s.post(ctx, r, j, d, parts[d.part], lk)
	if err != nil {
		s.release(ctx, lk)
		if !errors.Is(err, context.Canceled) {
			log.WarnContext(ctx, "broadcast worker: delivery left for another worker", "err", err)
		}
		return
	}
	next := ""
	if d.part+1 < len(parts) && outcome != outBlocked {
		next = strconv.Itoa(d.part + 1)
	}
	if outcome != outDelivered {
		log.WarnContext(ctx, "broadcast worker: a part was not delivered", "part", parts[d.part], "outcome", outcome)
	}
	err = finishPartScript.Run(context.WithoutCancel(ctx), s.rdb, []string{s.streamKey(), lk.key, s.msgsKey(d.id)},
		group, d.entry, lk.token, c, partLetter(parts[d.part])+strconv.Itoa(posted.MessageID), RecallWindow.Milliseconds(), d.id, d.lang, d.part, next).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		s.opts.RedisFailed("broadcast_finish")
		log.ErrorContext(ctx, "broadcast worker: recording a part failed", "err", err)
	}
}

// post sends one part to d.chat, paced and retried.
func (s *Service) post(ctx context.Context, r Sender, j *job, d delivery, part string, lk lock) (string, handlers.Posted, error) {
	post, err := s.postFor(ctx, j, d.lang, part)
	if err != nil {
		return "", handlers.Posted{}, err
	}
	var posted handlers.Posted
	out, err := s.do(ctx, d.chat, lk, part == partMain, func(ctx context.Context) error {
		var err error
		posted, err = r.Post(ctx, d.chat, post)
		return err
	})
	if err == nil && part == partICS && posted.FileID != "" && post.Media.FileID == "" {
		// Uploaded once; everybody else gets the same file by its id.
		if err := s.rdb.HSetNX(context.WithoutCancel(ctx), s.metaKey(d.id), icsIDKey(d.lang), posted.FileID).Err(); err != nil {
			s.opts.Logger.WarnContext(ctx, "broadcast worker: remembering the calendar file failed", "err", err)
		}
	}
	return out, posted, err
}

// postFor builds the message of one part for recipients of lang.
func (s *Service) postFor(ctx context.Context, j *job, lang, part string) (handlers.Post, error) {
	rend := j.rendition(lang)
	buttons := func() [][]handlers.Button {
		if rend.Remind == "" {
			return nil
		}
		of := j.id
		if j.of != "" {
			of = j.of
		}
		return [][]handlers.Button{{{Text: rend.Remind, Data: handlers.RemindCallback(of)}}}
	}
	split := rend.Text != "" && j.media != nil
	switch part {
	case partMain:
		p := handlers.Post{Text: rend.HTML, Media: j.media}
		if !split {
			p.Buttons = buttons()
		}
		return p, nil
	case partText:
		return handlers.Post{Text: rend.Text, Buttons: buttons()}, nil
	case partVenue:
		return handlers.Post{Venue: j.venue}, nil
	case partICS:
		fid, err := s.rdb.HGet(ctx, s.metaKey(j.id), icsIDKey(lang)).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return handlers.Post{}, err
		}
		if fid == "" {
			fid = s.awaitUpload(ctx, j.id, lang)
		}
		m := &handlers.Media{Kind: handlers.MediaDocument, FileID: fid, Name: rend.ICSName}
		if fid == "" {
			m.Data = rend.ICS
		}
		return handlers.Post{Text: rend.ICSCaption, Media: m}, nil
	}
	return handlers.Post{}, errors.New("broadcast: unknown part " + part)
}

// partLetter is how a part is marked in <p>:bc:<id>:msgs.
func partLetter(part string) string {
	switch part {
	case partText:
		return "t"
	case partVenue:
		return "v"
	case partICS:
		return "i"
	}
	return "m"
}

// sentRecord is a recipient's entry in <p>:bc:<id>:msgs.
type sentRecord struct {
	at    time.Time
	lang  string
	parts []string // part names, in the order sent
	ids   []int    // message ids by part; 0 for a part that failed
}

func parseSent(v string) (sentRecord, bool) {
	f := strings.SplitN(v, "|", 3)
	if len(f) != 3 {
		return sentRecord{}, false
	}
	ms, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return sentRecord{}, false
	}
	r := sentRecord{at: time.UnixMilli(ms), lang: f[1]}
	for _, x := range strings.Split(f[2], ",") {
		if x == "" {
			return sentRecord{}, false
		}
		part := map[byte]string{'m': partMain, 't': partText, 'v': partVenue, 'i': partICS}[x[0]]
		n, err := strconv.Atoi(x[1:])
		if err != nil || part == "" {
			return sentRecord{}, false
		}
		r.parts = append(r.parts, part)
		r.ids = append(r.ids, n)
	}
	return r, true
}

// awaitUpload makes one worker (of any replica) upload a calendar file while the
// others wait for its file_id, so a file is uploaded once per language. It
// returns the file_id, or "" when this worker is to upload (or waited in vain).
func (s *Service) awaitUpload(ctx context.Context, id, lang string) string {
	ok, err := s.rdb.SetNX(ctx, s.key("bc", id, "upload", lang), "1", s.opts.SendTimeout+time.Second).Result()
	if err != nil || ok {
		return ""
	}
	deadline := time.Now().Add(s.opts.SendTimeout + time.Second)
	for time.Now().Before(deadline) {
		if !sleepCtx(ctx, 20*time.Millisecond) {
			return ""
		}
		if fid, err := s.rdb.HGet(ctx, s.metaKey(id), icsIDKey(lang)).Result(); err == nil && fid != "" {
			return fid
		}
	}
	return ""
}
