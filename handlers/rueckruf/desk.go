package rueckruf

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Desk is the Redis implementation of handlers.CallbackDesk. It is safe for
// concurrent use and across replicas.
type Desk struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ handlers.CallbackDesk = (*Desk)(nil)

// New returns a Desk over c with keys under prefix.
func New(c redis.UniversalClient, prefix string) *Desk {
	return &Desk{rdb: c, prefix: prefix}
}

// tombstoneTTL is how long a deleted request keeps the ids of team messages
// still to be scrubbed (retried on every due step meanwhile).
const tombstoneTTL = 7 * 24 * time.Hour

// expiryGrace is how long after its maximum age a request's key expires: the
// due step deletes it at the maximum age (scrubbing the team messages); the key's
// TTL only removes the data should no replica run then.
const expiryGrace = time.Hour

// dueAtOnce is a due time before any clock's now: the next due step takes it.
var dueAtOnce = time.UnixMilli(1)

func (d *Desk) key(parts ...string) string { return d.prefix + ":rr:" + strings.Join(parts, ":") }
func (d *Desk) seqKey() string             { return d.key("seq") }
func (d *Desk) reqKey(id string) string    { return d.key("req", id) }
func (d *Desk) chatKey(chat int64) string  { return d.key("chat", strconv.FormatInt(chat, 10)) }
func (d *Desk) draftKey(chat int64) string { return d.key("draft", strconv.FormatInt(chat, 10)) }
func (d *Desk) dueKey() string             { return d.key("due") }

// fail wraps a Redis error so that the conversation sees a store outage.
func fail(op string, err error) error {
	return fmt.Errorf("rueckruf: %s: %w: %w", op, handlers.ErrStoreUnavailable, err)
}

// Hash fields of a request.
const (
	fID, fDistrict, fChat, fLang, fName, fPhone = "id", "district", "chat", "lang", "name", "phone"
	fTopic, fSlot, fNote, fStatus, fOutcome     = "topic", "slot", "note", "status", "outcome"
	fCreated, fExpires, fTaken, fTakenBy        = "created", "expires", "taken", "taken_by"
	fTakenName, fClosed, fClosedBy, fClosedName = "taken_name", "closed", "closed_by", "closed_name"
	fDeleteAt, fReminded, fEscalated, fMsgs     = "delete_at", "reminded", "escalated", "msgs"
	fDay                                        = "day" // in the chat's key
)

func ms(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func fromMS(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

// decode reads a request from its hash fields; ok is false for an empty hash.
func decode(f map[string]string) (handlers.CallbackRequest, bool) {
	if len(f) == 0 || f[fStatus] == "" {
		return handlers.CallbackRequest{}, false
	}
	chat, _ := strconv.ParseInt(f[fChat], 10, 64)
	takenBy, _ := strconv.ParseInt(f[fTakenBy], 10, 64)
	r := handlers.CallbackRequest{
		ID: f[fID], District: f[fDistrict], ChatID: chat, Lang: f[fLang], Name: f[fName], Phone: f[fPhone],
		Topic: f[fTopic], Slot: f[fSlot], Note: f[fNote], Status: f[fStatus], Outcome: f[fOutcome],
		Created: fromMS(f[fCreated]), Taken: fromMS(f[fTaken]), TakenBy: takenBy, TakenName: f[fTakenName],
		Closed: fromMS(f[fClosed]), ClosedName: f[fClosedName], DeleteAt: fromMS(f[fDeleteAt]),
		Reminded: fromMS(f[fReminded]), Escalated: fromMS(f[fEscalated]), Messages: decodeMsgs(f[fMsgs]),
		Expires: fromMS(f[fExpires]),
	}
	return r, true
}

func encodeMsg(m handlers.TeamMessage) string {
	return strconv.FormatInt(m.ChatID, 10) + ":" + strconv.Itoa(m.MessageID)
}

func decodeMsgs(s string) []handlers.TeamMessage {
	var out []handlers.TeamMessage
	for _, it := range strings.Split(s, ",") {
		c, m, ok := strings.Cut(it, ":")
		chat, err1 := strconv.ParseInt(c, 10, 64)
		msg, err2 := strconv.Atoi(m)
		if ok && err1 == nil && err2 == nil {
			out = append(out, handlers.TeamMessage{ChatID: chat, MessageID: msg})
		}
	}
	return out
}

// pairs turns a script's HGETALL answer into a map.
func pairs(v any) map[string]string {
	a, _ := v.([]any)
	out := make(map[string]string, len(a)/2)
	for i := 0; i+1 < len(a); i += 2 {
		k, _ := a[i].(string)
		s, _ := a[i+1].(string)
		out[k] = s
	}
	return out
}

// dayCount is the count stored for day ("2006-01-02|n"), 0 for another day.
func dayCount(v, day string) int {
	d, n, ok := strings.Cut(v, "|")
	if !ok || d != day {
		return 0
	}
	c, _ := strconv.Atoi(n)
	return c
}

// Create stores a new request. It WATCHes the chat's key, so the checks (one
// live request per chat and district, the daily cap) and the write are one step.
func (d *Desk) Create(ctx context.Context, r handlers.CallbackRequest, l handlers.CallbackLimits, due time.Time) (handlers.CallbackRequest, error) {
	ck := d.chatKey(r.ChatID)
	var out handlers.CallbackRequest
	txf := func(tx *redis.Tx) error {
		idx, err := tx.HGetAll(ctx, ck).Result()
		if err != nil {
			return err
		}
		var stale []string
		for id, district := range idx {
			if id == fDay || district != r.District {
				continue
			}
			f, err := tx.HGetAll(ctx, d.reqKey(id)).Result()
			if err != nil {
				return err
			}
			if cur, ok := decode(f); ok && cur.Live() {
				out = cur
				return handlers.ErrCallbackOpen
			} else if !ok || cur.Status == handlers.CallbackDeleted {
				stale = append(stale, id)
			}
		}
		n := dayCount(idx[fDay], l.Day)
		if n >= l.DailyCap {
			return handlers.ErrCallbackLimit
		}
		seq, err := tx.Incr(ctx, d.seqKey()).Result()
		if err != nil {
			return err
		}
		r.ID = strconv.FormatInt(seq, 10)
		r.Status = handlers.CallbackOpen
		expire := r.Created.Add(l.MaxAge)
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, d.reqKey(r.ID), map[string]any{
				fID: r.ID, fDistrict: r.District, fChat: r.ChatID, fLang: r.Lang, fName: r.Name, fPhone: r.Phone,
				fTopic: r.Topic, fSlot: r.Slot, fNote: r.Note, fStatus: r.Status, fCreated: ms(r.Created),
				fExpires: ms(expire),
			})
			p.PExpireAt(ctx, d.reqKey(r.ID), expire.Add(expiryGrace))
			if len(stale) > 0 {
				p.HDel(ctx, ck, stale...)
			}
			p.HSet(ctx, ck, r.ID, r.District, fDay, l.Day+"|"+strconv.Itoa(n+1))
			// The chat's list lives as long as its newest request can.
			p.PExpireAt(ctx, ck, expire.Add(expiryGrace))
			p.ZAdd(ctx, d.dueKey(), redis.Z{Score: float64(due.UnixMilli()), Member: r.ID})
			return nil
		})
		return err
	}
	var err error
	for range 10 {
		err = d.rdb.Watch(ctx, txf, ck)
		if !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	switch {
	case errors.Is(err, handlers.ErrCallbackOpen):
		return out, err
	case errors.Is(err, handlers.ErrCallbackLimit):
		return handlers.CallbackRequest{}, err
	case err != nil:
		return handlers.CallbackRequest{}, fail("create", err)
	}
	return r, nil
}

// Get returns one request.
func (d *Desk) Get(ctx context.Context, id string) (handlers.CallbackRequest, error) {
	f, err := d.rdb.HGetAll(ctx, d.reqKey(id)).Result()
	if err != nil {
		return handlers.CallbackRequest{}, fail("get", err)
	}
	r, ok := decode(f)
	if !ok {
		return r, fmt.Errorf("callback request %s: %w", id, handlers.ErrNotFound)
	}
	return r, nil
}

// many reads the requests of ids that are not deleted, oldest (lowest id) first.
func (d *Desk) many(ctx context.Context, ids []string) ([]handlers.CallbackRequest, error) {
	slices.SortFunc(ids, func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return cmp.Compare(x, y)
	})
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := d.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, d.reqKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, fail("read requests", err)
	}
	var out []handlers.CallbackRequest
	for _, c := range cmds {
		if r, ok := decode(c.Val()); ok && r.Status != handlers.CallbackDeleted {
			out = append(out, r)
		}
	}
	return out, nil
}

// ChatRequests lists the chat's requests that are not deleted.
func (d *Desk) ChatRequests(ctx context.Context, chatID int64) ([]handlers.CallbackRequest, error) {
	idx, err := d.rdb.HKeys(ctx, d.chatKey(chatID)).Result()
	if err != nil {
		return nil, fail("chat requests", err)
	}
	ids := slices.DeleteFunc(idx, func(s string) bool { return s == fDay })
	return d.many(ctx, ids)
}

// DayCount is how many requests the chat made on day.
func (d *Desk) DayCount(ctx context.Context, chatID int64, day string) (int, error) {
	v, err := d.rdb.HGet(ctx, d.chatKey(chatID), fDay).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fail("day count", err)
	}
	return dayCount(v, day), nil
}

// Requests lists every request that is not deleted (all of them are in the due set).
func (d *Desk) Requests(ctx context.Context) ([]handlers.CallbackRequest, error) {
	ids, err := d.rdb.ZRange(ctx, d.dueKey(), 0, -1).Result()
	if err != nil {
		return nil, fail("requests", err)
	}
	return d.many(ctx, ids)
}

// addMessageScript records a team message. A request gone meanwhile becomes a
// deleted one holding just that message, to be scrubbed.
// KEYS: request. ARGV: id, message ("chat:msg"), tombstone ttl ms.
var addMessageScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then
  redis.call('HSET', KEYS[1], 'id', ARGV[1], 'status', 'deleted', 'outcome', '', 'msgs', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 'deleted'
end
local m = redis.call('HGET', KEYS[1], 'msgs') or ''
for it in string.gmatch(m, '[^,]+') do
  if it == ARGV[2] then return st end
end
if m == '' then m = ARGV[2] else m = m .. ',' .. ARGV[2] end
redis.call('HSET', KEYS[1], 'msgs', m)
return st
`)

// AddMessage records a team message showing the request. When the request was
// deleted (or is gone) meanwhile, the message is scrubbed by the next due step.
func (d *Desk) AddMessage(ctx context.Context, id string, m handlers.TeamMessage) error {
	st, err := addMessageScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, id, encodeMsg(m), tombstoneTTL.Milliseconds()).Text()
	if err != nil {
		return fail("add message", err)
	}
	if st == handlers.CallbackDeleted {
		return d.Schedule(ctx, id, dueAtOnce)
	}
	return nil
}

// claimScript takes an open request for a team member, exactly once.
// KEYS: request. ARGV: now ms, user id, name.
var claimScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'gone', {}} end
if st == 'open' then
  redis.call('HSET', KEYS[1], 'status', 'taken', 'taken', ARGV[1], 'taken_by', ARGV[2], 'taken_name', ARGV[3])
  return {'won', redis.call('HGETALL', KEYS[1])}
end
if st == 'taken' then return {'taken', redis.call('HGETALL', KEYS[1])} end
return {'gone', redis.call('HGETALL', KEYS[1])}
`)

// Claim takes an open request for user by (first name name).
func (d *Desk) Claim(ctx context.Context, id string, by int64, name string, now time.Time) (handlers.CallbackRequest, string, error) {
	res, err := claimScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, ms(now), by, name).Slice()
	if err != nil || len(res) != 2 {
		return handlers.CallbackRequest{}, "", fail("claim", errors.Join(err, errShape(res)))
	}
	r, _ := decode(pairs(res[1]))
	return r, fmt.Sprint(res[0]), nil
}

func errShape(res []any) error {
	if res == nil {
		return nil
	}
	return fmt.Errorf("unexpected answer of %d parts", len(res))
}

// closeScript ends a live request. KEYS: request.
// ARGV: outcome, now ms, user id, name, delete at ms.
var closeScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'open' and st ~= 'taken' then return {0, redis.call('HGETALL', KEYS[1]), st or ''} end
if st == 'open' then
  redis.call('HSET', KEYS[1], 'taken', ARGV[2], 'taken_by', ARGV[3], 'taken_name', ARGV[4])
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'closed', ARGV[2], 'closed_by', ARGV[3], 'closed_name', ARGV[4], 'delete_at', ARGV[5])
return {1, redis.call('HGETALL', KEYS[1]), st}
`)

// Close ends a live request with outcome (done or unreached).
func (d *Desk) Close(ctx context.Context, id, outcome string, by int64, name string, now, deleteAt time.Time) (handlers.CallbackRequest, bool, error) {
	if outcome != handlers.CallbackDone && outcome != handlers.CallbackUnreached {
		return handlers.CallbackRequest{}, false, fmt.Errorf("rueckruf: close with outcome %q", outcome)
	}
	res, err := closeScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, outcome, ms(now), by, name, ms(deleteAt)).Slice()
	if err != nil || len(res) != 3 {
		return handlers.CallbackRequest{}, false, fail("close", errors.Join(err, errShape(res)))
	}
	r, _ := decode(pairs(res[1]))
	changed, _ := res[0].(int64)
	return r, changed == 1, nil
}

// markScript sets a time field once while the request is open.
// KEYS: request. ARGV: field, now ms.
var markScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
`)

// Mark sets "reminded" or "escalated" once while the request is open.
func (d *Desk) Mark(ctx context.Context, id, what string, now time.Time) (bool, error) {
	if what != fReminded && what != fEscalated {
		return false, fmt.Errorf("rueckruf: mark %q", what)
	}
	n, err := markScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, what, ms(now)).Int()
	if err != nil {
		return false, fail("mark", err)
	}
	return n == 1, nil
}

// deleteScript erases a request's personal data in one step: only its id,
// district, the team messages to scrub, status "deleted" and the outcome stay.
// KEYS: request. ARGV: outcome ("" = its status), ttl ms.
var deleteScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'gone', {}} end
local all = redis.call('HGETALL', KEYS[1])
if st == 'deleted' then return {'was', all} end
local outcome = ARGV[1]
if outcome == '' then outcome = st end
local keep = redis.call('HMGET', KEYS[1], 'id', 'district', 'msgs')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', keep[1] or '', 'district', keep[2] or '', 'msgs', keep[3] or '',
  'status', 'deleted', 'outcome', outcome)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'ok', all}
`)

// Delete erases the request's personal data and returns it as it was.
func (d *Desk) Delete(ctx context.Context, id, outcome string) (handlers.CallbackRequest, bool, error) {
	res, err := deleteScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, outcome, tombstoneTTL.Milliseconds()).Slice()
	if err != nil || len(res) != 2 {
		return handlers.CallbackRequest{}, false, fail("delete", errors.Join(err, errShape(res)))
	}
	f := pairs(res[1])
	r, _ := decode(f)
	if res[0] != "ok" {
		return r, false, nil
	}
	if r.ChatID != 0 {
		// The chat's list (a stale entry would be dropped by the next Create
		// anyway); with no request left it keeps only today's count, for a day.
		err := unlistScript.Run(ctx, d.rdb, []string{d.chatKey(r.ChatID)}, id, dayCountTTL.Milliseconds()).Err()
		if err != nil && !errors.Is(err, redis.Nil) {
			return r, true, fail("delete", err)
		}
	}
	return r, true, nil
}

// dayCountTTL is how long a chat's list lives once it holds only the day's count.
const dayCountTTL = 24 * time.Hour

// unlistScript drops a request from the chat's list; a list left with only the
// day's count expires within a day. KEYS: chat. ARGV: id, ttl ms.
var unlistScript = redis.NewScript(`
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) <= 1 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 or ttl > tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return 0
`)

// scrubbedScript forgets one team message; a deleted request goes with its last.
// KEYS: request. ARGV: message. Returns the messages left.
var scrubbedScript = redis.NewScript(`
local m = redis.call('HGET', KEYS[1], 'msgs')
if not m then return 0 end
local left = {}
for it in string.gmatch(m, '[^,]+') do
  if it ~= ARGV[1] then left[#left + 1] = it end
end
if #left == 0 and redis.call('HGET', KEYS[1], 'status') == 'deleted' then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('HSET', KEYS[1], 'msgs', table.concat(left, ','))
return #left
`)

// Scrubbed forgets a team message of a request.
func (d *Desk) Scrubbed(ctx context.Context, id string, m handlers.TeamMessage) error {
	if err := scrubbedScript.Run(ctx, d.rdb, []string{d.reqKey(id)}, encodeMsg(m)).Err(); err != nil {
		return fail("scrubbed", err)
	}
	return nil
}

// claimDueScript hands out due entries, each moved a lease ahead.
// KEYS: due. ARGV: now ms, lease end ms, limit.
var claimDueScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
`)

// ClaimDue returns the ids whose next step is due, each moved lease ahead.
func (d *Desk) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]string, error) {
	ids, err := claimDueScript.Run(ctx, d.rdb, []string{d.dueKey()}, ms(now), ms(now.Add(lease)), limit).StringSlice()
	if err != nil {
		return nil, fail("claim due", err)
	}
	return ids, nil
}

// Schedule sets when the request's next step is due.
func (d *Desk) Schedule(ctx context.Context, id string, at time.Time) error {
	if err := d.rdb.ZAdd(ctx, d.dueKey(), redis.Z{Score: float64(at.UnixMilli()), Member: id}).Err(); err != nil {
		return fail("schedule", err)
	}
	return nil
}

// Unschedule drops the request from the due set.
func (d *Desk) Unschedule(ctx context.Context, id string) error {
	if err := d.rdb.ZRem(ctx, d.dueKey(), id).Err(); err != nil {
		return fail("unschedule", err)
	}
	return nil
}

// SaveDraft keeps the request being written for ttl.
func (d *Desk) SaveDraft(ctx context.Context, chatID int64, dr handlers.CallbackDraft, ttl time.Duration) error {
	b, err := json.Marshal(dr)
	if err != nil {
		return fmt.Errorf("rueckruf: draft: %w", err)
	}
	if err := d.rdb.Set(ctx, d.draftKey(chatID), b, ttl).Err(); err != nil {
		return fail("save draft", err)
	}
	return nil
}

// LoadDraft returns the request being written, a zero draft when none.
func (d *Desk) LoadDraft(ctx context.Context, chatID int64) (handlers.CallbackDraft, error) {
	var dr handlers.CallbackDraft
	b, err := d.rdb.Get(ctx, d.draftKey(chatID)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return dr, nil
	case err != nil:
		return dr, fail("load draft", err)
	}
	if json.Unmarshal(b, &dr) != nil {
		return handlers.CallbackDraft{}, nil // unreadable: as if expired
	}
	return dr, nil
}

// DropDraft forgets the request being written.
func (d *Desk) DropDraft(ctx context.Context, chatID int64) error {
	if err := d.rdb.Del(ctx, d.draftKey(chatID)).Err(); err != nil {
		return fail("drop draft", err)
	}
	return nil
}
