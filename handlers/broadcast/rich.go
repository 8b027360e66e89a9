package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// RecallWindow is how long after sending Telegram lets a bot delete its message
// in a private chat; the sent message ids are kept this long, for corrections
// and recalls.
const RecallWindow = 48 * time.Hour

// Fields of the broadcast hash <p>:bc:<id> beyond the counters.
const (
	fKind     = "kind"     // handlers.KindSend (absent), KindEdit, KindRecall
	fOf       = "of"       // a correction's or recall's broadcast
	fMedia    = "media"    // JSON handlers.Media
	fVenue    = "venue"    // JSON handlers.Venue
	fEnd      = "end"      // RFC 3339
	fUrgent   = "urgent"   // "1": no quiet hours
	fLangs    = "langs"    // languages with a rendition, comma-separated, "de" first
	fTexts    = "texts"    // JSON map lang -> text
	fState    = "state"    // "scheduled", "starting" while a replica queues it, "" once queued
	fSendAt   = "sendat"   // ms, scheduled start
	fToken    = "token"    // the claim of the replica queueing a scheduled broadcast
	fPaused   = "paused"   // ms, delivery paused for quiet hours until then
	fRecalled = "recalled" // "1" once recalled
	fEdits    = "edits"    // corrections so far
	fStarted  = "started"  // ms, when the delivery was queued
)

// Parts of one delivery, in the order a recipient gets them.
const (
	partMain  = "main"  // the announcement: text, or photo/document with caption
	partText  = "text"  // the text after the media when it does not fit a caption
	partVenue = "venue" // the map pin
	partICS   = "ics"   // the calendar file
)

func rendKey(lang string) string  { return "r:" + lang }
func icsIDKey(lang string) string { return "icsid:" + lang }

// renditions returns the announcement's messages by language; German is required.
func renditions(a handlers.Announcement) (map[string]handlers.Rendition, error) {
	r := a.Renditions
	if len(r) == 0 {
		r = map[string]handlers.Rendition{i18n.Default: {HTML: a.HTML}}
	}
	if _, ok := r[i18n.Default]; !ok {
		return nil, fmt.Errorf("%w: no German rendition", ErrInvalid)
	}
	for lang, x := range r {
		if strings.TrimSpace(x.HTML) == "" {
			return nil, fmt.Errorf("%w: empty rendition %s", ErrInvalid, lang)
		}
		limit := htmltext.MaxMessage
		if a.Media != nil {
			limit = htmltext.MaxCaption
		}
		if n := htmltext.Len(x.HTML); n > limit {
			return nil, fmt.Errorf("%w: %s: %d > %d characters", ErrTooLong, lang, n, limit)
		}
		if n := htmltext.Len(x.Text); n > htmltext.MaxMessage {
			return nil, fmt.Errorf("%w: %s text: %d > %d characters", ErrTooLong, lang, n, htmltext.MaxMessage)
		}
		if x.Text != "" && a.Media == nil {
			return nil, fmt.Errorf("%w: a separate text needs a photo or document", ErrInvalid)
		}
	}
	return r, nil
}

// richFields are the hash fields of an announcement beyond the original ones.
func richFields(a handlers.Announcement, rend map[string]handlers.Rendition) (map[string]any, error) {
	f := map[string]any{}
	langs := make([]string, 0, len(rend))
	for lang, x := range rend {
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("broadcast: encoding rendition: %w", err)
		}
		f[rendKey(lang)] = string(b)
		langs = append(langs, lang)
	}
	slices.SortFunc(langs, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == i18n.Default:
			return -1
		case b == i18n.Default:
			return 1
		}
		return strings.Compare(a, b)
	})
	f[fLangs] = strings.Join(langs, ",")
	if a.Media != nil {
		b, _ := json.Marshal(a.Media)
		f[fMedia] = string(b)
	}
	if a.Venue != nil {
		b, _ := json.Marshal(a.Venue)
		f[fVenue] = string(b)
	}
	if !a.End.IsZero() {
		f[fEnd] = formatWhen(a.End)
	}
	if a.Urgent {
		f[fUrgent] = "1"
	}
	if len(a.Texts) > 0 {
		b, _ := json.Marshal(a.Texts)
		f[fTexts] = string(b)
	}
	if a.UID != "" {
		f["uid"] = a.UID
	}
	return f, nil
}

// job is the immutable part of a broadcast a worker needs, cached per process.
type job struct {
	id         string
	kind, of   string
	html       string // German rendition
	districts  []string
	senderChat int64
	media      *handlers.Media
	venue      *handlers.Venue
	rend       map[string]handlers.Rendition
	urgent     bool
	dated      bool
	loaded     time.Time // when read from Redis; re-read after jobTTL (corrections)
}

// jobTTL is how long a cached job is used before it is read again, so that a
// correction reaches every replica's reminders within that time.
const jobTTL = time.Minute

// rendition is the message for lang, German when there is none in lang.
func (j *job) rendition(lang string) handlers.Rendition {
	if r, ok := j.rend[lang]; ok {
		return r
	}
	if r, ok := j.rend[i18n.Default]; ok {
		return r
	}
	return handlers.Rendition{HTML: j.html}
}

// langOf is the language a recipient of language lang gets.
func (j *job) langOf(lang string) string {
	if _, ok := j.rend[lang]; ok {
		return lang
	}
	return i18n.Default
}

// parts lists the messages one recipient of language lang gets, in order.
func (j *job) parts(lang string) []string {
	r := j.rendition(lang)
	p := []string{partMain}
	if r.Text != "" && j.media != nil {
		p = append(p, partText)
	}
	if j.venue != nil {
		p = append(p, partVenue)
	}
	if len(r.ICS) > 0 {
		p = append(p, partICS)
	}
	return p
}

// jobFields are read by job().
var jobFields = []string{"html", "districts", "chat", fKind, fOf, fMedia, fVenue, fUrgent, fLangs, "when"}

func (s *Service) job(ctx context.Context, id string) (*job, error) {
	s.cacheMu.Lock()
	j, ok := s.cache[id]
	s.cacheMu.Unlock()
	if ok && time.Since(j.loaded) < jobTTL {
		return j, nil
	}
	v, err := s.rdb.HMGet(ctx, s.metaKey(id), jobFields...).Result()
	if err != nil {
		return nil, err
	}
	str := func(i int) string { x, _ := v[i].(string); return x }
	j = &job{id: id, loaded: time.Now(), html: str(0), kind: str(3), of: str(4), urgent: str(7) == "1", dated: str(9) != ""}
	if ds := str(1); ds != "" {
		j.districts = strings.Split(ds, ",")
	}
	if j.html == "" && j.kind == handlers.KindSend {
		return nil, nil // expired or unknown
	}
	if j.kind != handlers.KindSend && v[3] == nil {
		return nil, nil
	}
	j.senderChat, _ = strconv.ParseInt(str(2), 10, 64)
	if m := str(5); m != "" {
		j.media = &handlers.Media{}
		if err := json.Unmarshal([]byte(m), j.media); err != nil {
			return nil, fmt.Errorf("broadcast %s: media: %w", id, err)
		}
	}
	if m := str(6); m != "" {
		j.venue = &handlers.Venue{}
		if err := json.Unmarshal([]byte(m), j.venue); err != nil {
			return nil, fmt.Errorf("broadcast %s: venue: %w", id, err)
		}
	}
	if langs := str(8); langs != "" {
		keys := make([]string, 0, 4)
		names := strings.Split(langs, ",")
		for _, l := range names {
			keys = append(keys, rendKey(l))
		}
		rv, err := s.rdb.HMGet(ctx, s.metaKey(id), keys...).Result()
		if err != nil {
			return nil, err
		}
		j.rend = make(map[string]handlers.Rendition, len(names))
		for i, l := range names {
			raw, _ := rv[i].(string)
			var r handlers.Rendition
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return nil, fmt.Errorf("broadcast %s: rendition %s: %w", id, l, err)
			}
			j.rend[l] = r
		}
	}
	s.cacheMu.Lock()
	if len(s.cache) > 256 {
		clear(s.cache)
	}
	s.cache[id] = j
	s.cacheMu.Unlock()
	return j, nil
}

// forgetJob drops a cached job (its renditions changed).
func (s *Service) forgetJob(id string) {
	s.cacheMu.Lock()
	delete(s.cache, id)
	s.cacheMu.Unlock()
}

// Announcement returns what broadcast id announced (without its renditions'
// calendar files), for a correction.
func (s *Service) Announcement(ctx context.Context, id string) (handlers.Announcement, error) {
	m, err := s.rdb.HGetAll(ctx, s.metaKey(id)).Result()
	if err != nil {
		return handlers.Announcement{}, fmt.Errorf("broadcast: announcement %s: %w", id, err)
	}
	if len(m) == 0 || m[fKind] != handlers.KindSend {
		return handlers.Announcement{}, fmt.Errorf("broadcast %s: %w", id, handlers.ErrNotFound)
	}
	a := handlers.Announcement{Text: m["text"], HTML: m["html"], When: parseWhen(m["when"]), Where: m["where"],
		End: parseWhen(m[fEnd]), Urgent: m[fUrgent] == "1", UID: m["uid"]}
	if d := m["districts"]; d != "" {
		a.Districts = strings.Split(d, ",")
	}
	if raw := m[fMedia]; raw != "" {
		a.Media = &handlers.Media{}
		_ = json.Unmarshal([]byte(raw), a.Media)
	}
	if raw := m[fVenue]; raw != "" {
		a.Venue = &handlers.Venue{}
		_ = json.Unmarshal([]byte(raw), a.Venue)
	}
	if raw := m[fTexts]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &a.Texts)
	}
	a.Renditions = map[string]handlers.Rendition{}
	for _, l := range strings.Split(m[fLangs], ",") {
		var r handlers.Rendition
		if json.Unmarshal([]byte(m[rendKey(l)]), &r) == nil {
			r.ICS = nil
			a.Renditions[l] = r
		}
	}
	return a, nil
}

// QuietUntil reports whether t lies in the quiet hours, and when they end.
func (s *Service) QuietUntil(t time.Time) (time.Time, bool) {
	return s.opts.Quiet.End(t), s.opts.Quiet.In(t)
}
