package broadcast

import "github.com/redis/go-redis/v9"

// The scripts of rich announcements: several messages per recipient (the
// announcement, the text after a flyer, the venue, the calendar file), their
// message ids, quiet hours, scheduled starts and reminders.
//
// <p>:bc:<id>:msgs holds per chat "<sent ms>|<lang>|<p0><id0>,<p1><id1>,...": the
// message ids of the parts delivered so far, each after its part's letter (m the
// announcement, t the text after the flyer, v the venue, i the calendar file; id 0
// for a part that failed). Its number of
// ids is the number of parts done, so a part is sent at most once: the entry of
// part k is only sent while exactly k ids are recorded, and recording checks
// that again. The next part's entry is queued in the same script that records
// the previous one.

// finishMainScript records a recipient's outcome of the announcement itself (part
// 0) exactly once, with its message id, queues the recipient's next part, then
// acknowledges and deletes the stream entry, releases the lock and completes the
// broadcast when all are done.
// KEYS: meta, res, stream, active, lock, msgs.
// ARGV: id, now, resTTL, chat, outcome, group, entry, token, record ("" none),
// msgs ttl ms, lang, next part ("" none).
var finishMainScript = redis.NewScript(entryLua + completeLua + `
settle(KEYS[3], ARGV[6], ARGV[7], KEYS[5], ARGV[8])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[4]) ~= 'pending' then return 0 end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('HINCRBY', KEYS[1], ARGV[5], 1)
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[6], ARGV[4], ARGV[9])
  redis.call('PEXPIRE', KEYS[6], ARGV[10])
  if ARGV[12] ~= '' and ARGV[5] == 'delivered' then
    redis.call('XADD', KEYS[3], '*', 'bc', ARGV[1], 'chat', ARGV[4], 'lang', ARGV[11], 'part', ARGV[12])
  end
end
return complete(ARGV[1], ARGV[2], ARGV[3])
`)

// countIDsLua counts the message ids of a msgs value.
const countIDsLua = `
local function countIDs(v)
  local ids = string.match(v, '^[^|]*|[^|]*|(.*)$')
  if not ids or ids == '' then return 0 end
  local _, n = string.gsub(ids, ',', ',')
  return n + 1
end
`

// checkPartScript decides whether part k (k >= 1) of a recipient is due and
// takes the recipient lock. KEYS: meta, res, msgs, lock. ARGV: chat, k, token, ttl ms.
var checkPartScript = redis.NewScript(entryLua + countIDsLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HGET', KEYS[2], ARGV[1]) ~= 'delivered' then return 'done' end
if redis.call('HGET', KEYS[1], 'recalled') == '1' then return 'done' end
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v or countIDs(v) ~= tonumber(ARGV[2]) then return 'done' end
if take_lock(KEYS[4], ARGV[3], ARGV[4], true) then return 'go' end
return 'locked'
`)

// finishPartScript records the message id of part k (k >= 1) once and queues
// part k+1. KEYS: stream, lock, msgs. ARGV: group, entry, token, chat, message
// id, msgs ttl ms, broadcast id, lang, k, next part ("" none).
var finishPartScript = redis.NewScript(entryLua + countIDsLua + `
settle(KEYS[1], ARGV[1], ARGV[2], KEYS[2], ARGV[3])
local v = redis.call('HGET', KEYS[3], ARGV[4])
if not v or countIDs(v) ~= tonumber(ARGV[9]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[4], v .. ',' .. ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
if ARGV[10] ~= '' then
  redis.call('XADD', KEYS[1], '*', 'bc', ARGV[7], 'chat', ARGV[4], 'lang', ARGV[8], 'part', ARGV[10])
end
return 1
`)

// deferScript moves a delivery that reached quiet hours out of the stream into the
// broadcast's waiting list, and notes when to resume.
// KEYS: meta, stream, later, resume. ARGV: id, chat, lang, part, group, entry, resume ms.
var deferScript = redis.NewScript(entryLua + `
settle(KEYS[2], ARGV[5], ARGV[6], '', '')
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[3], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
local cur = tonumber(redis.call('ZSCORE', KEYS[4], ARGV[1]) or '0')
if cur == 0 or cur > tonumber(ARGV[7]) then redis.call('ZADD', KEYS[4], ARGV[7], ARGV[1]) end
redis.call('HSET', KEYS[1], 'paused', ARGV[7])
redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[1]))
return 1
`)

// resumeScript moves up to ARGV[2] waiting deliveries of a paused broadcast back
// into the stream; when none are left it ends the pause. Each call is atomic, so
// replicas resuming the same broadcast at once move disjoint deliveries.
// KEYS: later, stream, resume, meta. ARGV: id, batch.
var resumeScript = redis.NewScript(`
local items = redis.call('LPOP', KEYS[1], ARGV[2])
if items then
  for _, it in ipairs(items) do
    local chat, lang, part = string.match(it, '^([^|]*)|([^|]*)|([^|]*)$')
    if chat then
      if part == '0' then
        redis.call('XADD', KEYS[2], '*', 'bc', ARGV[1], 'chat', chat, 'lang', lang)
      else
        redis.call('XADD', KEYS[2], '*', 'bc', ARGV[1], 'chat', chat, 'lang', lang, 'part', part)
      end
    end
  end
end
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], 'paused')
  return -1
end
return items and #items or 0
`)

// claimStartScript lets exactly one replica queue a due scheduled broadcast: it
// moves the id from the scheduled set into the starting set with a lease and
// stamps the claim's token into the broadcast. A claim whose lease ran out (its
// replica died) is taken over the same way.
// KEYS: scheduled, starting, meta. ARGV: id, now ms, lease until ms, token.
var claimStartScript = redis.NewScript(`
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s then
  if tonumber(s) > tonumber(ARGV[2]) then return 0 end
  redis.call('ZREM', KEYS[1], ARGV[1])
  if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[3], 'state', 'starting', 'token', ARGV[4])
  return 1
end
local t = redis.call('ZSCORE', KEYS[2], ARGV[1])
if t and tonumber(t) <= tonumber(ARGV[2]) then
  if redis.call('HGET', KEYS[3], 'state') ~= 'starting' then
    redis.call('ZREM', KEYS[2], ARGV[1])
    return 0
  end
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[3], 'token', ARGV[4])
  return 2
end
return 0
`)

// claimReminderScript queues a due reminder exactly once.
// KEYS: due, stream. ARGV: member ("<id>|<chat>|<lang>"), now (s).
var claimReminderScript = redis.NewScript(`
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) > tonumber(ARGV[2]) then return 0 end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local id, chat, lang = string.match(ARGV[1], '^([^|]*)|([^|]*)|([^|]*)$')
if not id then return 0 end
redis.call('XADD', KEYS[2], '*', 'bc', id, 'chat', chat, 'lang', lang, 'kind', 'remind')
return 1
`)

// checkRemindScript decides whether a reminder is still to be sent and takes the
// recipient's reminder lock. KEYS: meta, sent, lock. ARGV: chat, token, ttl ms.
var checkRemindScript = redis.NewScript(entryLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local f = redis.call('HMGET', KEYS[1], 'recalled', 'cancelled')
if f[1] == '1' or f[2] == '1' then return 'done' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'done' end
if take_lock(KEYS[3], ARGV[2], ARGV[3], false) then return 'go' end
return 'locked'
`)

// finishRemindScript records a sent reminder once and acknowledges its entry.
// KEYS: stream, lock, sent, chat reminders. ARGV: group, entry, token, chat,
// outcome, broadcast id, sent ttl ms.
var finishRemindScript = redis.NewScript(entryLua + `
settle(KEYS[1], ARGV[1], ARGV[2], KEYS[2], ARGV[3])
redis.call('HSETNX', KEYS[3], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
redis.call('HDEL', KEYS[4], ARGV[6])
return 1
`)

// postponeRemindScript puts a reminder that reached quiet hours back with a later due time.
// KEYS: stream, due. ARGV: group, entry, member, due (s).
var postponeRemindScript = redis.NewScript(entryLua + `
settle(KEYS[1], ARGV[1], ARGV[2], '', '')
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
return 1
`)
