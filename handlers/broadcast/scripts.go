package broadcast

import "github.com/redis/go-redis/v9"

// Outcomes of one recipient, stored in <p>:bc:<id>:res and counted in the meta hash.
const (
	outPending   = "pending"
	outDelivered = "delivered"
	outBlocked   = "blocked"
	outFailed    = "failed"
	outSkipped   = "skipped" // cancelled broadcast or forgotten chat
)

// Answers of the check scripts.
const (
	checkGo        = "go"        // lock taken: send
	checkDone      = "done"      // outcome already recorded: acknowledge only
	checkGone      = "gone"      // broadcast expired or unknown: acknowledge only
	checkCancelled = "cancelled" // record "skipped", do not send
	checkLocked    = "locked"    // another worker is sending to this chat right now
)

// entryLua holds what every check and finish script does with a queue entry and
// its lock: take_lock takes lock for token (PX ttl), and when token holds it
// already, renews it if renew is true; false when another holder has it.
// settle acknowledges and deletes the stream entry and releases lock if token
// still holds it (an empty lock name: no lock).
const entryLua = `
local function take_lock(lock, token, ttl, renew)
  if redis.call('SET', lock, token, 'NX', 'PX', ttl) then return true end
  if redis.call('GET', lock) ~= token then return false end
  if renew then redis.call('PEXPIRE', lock, ttl) end
  return true
end

local function settle(stream, grp, entry, lock, token)
  redis.call('XACK', stream, grp, entry)
  redis.call('XDEL', stream, entry)
  if lock ~= '' and redis.call('GET', lock) == token then redis.call('DEL', lock) end
end
`

// completeLua finishes a broadcast whose outcomes add up to its total: it marks it
// finished, drops it from the active set, lets its result hash expire and queues
// the report to the sender. KEYS: meta, res, stream, active. ARGV[n..]: id, now, resTTL.
const completeLua = `
local function complete(id, now, resTTL)
  local m = redis.call('HMGET', KEYS[1], 'total', 'delivered', 'blocked', 'failed', 'skipped')
  local total = tonumber(m[1]) or 0
  local sum = (tonumber(m[2]) or 0) + (tonumber(m[3]) or 0) + (tonumber(m[4]) or 0) + (tonumber(m[5]) or 0)
  if sum >= total and redis.call('HSETNX', KEYS[1], 'finished', now) == 1 then
    redis.call('SREM', KEYS[4], id)
    redis.call('EXPIRE', KEYS[2], resTTL)
    redis.call('XADD', KEYS[3], '*', 'bc', id, 'kind', 'report')
    return 2
  end
  return 1
end
`

// checkScript decides whether a delivery entry may be sent and takes the recipient lock.
// KEYS: meta, res, lock. ARGV: chat, token, lock ttl ms.
var checkScript = redis.NewScript(entryLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local out = redis.call('HGET', KEYS[2], ARGV[1])
if not out then return 'gone' end
if out ~= 'pending' then return 'done' end
local f = redis.call('HMGET', KEYS[1], 'finished', 'cancelled')
if f[1] then return 'done' end
if f[2] == '1' then return 'cancelled' end
if take_lock(KEYS[3], ARGV[2], ARGV[3], true) then return 'go' end
return 'locked'
`)

// finishScript records a recipient's outcome of a correction or recall exactly
// once (a second worker that took the entry over records nothing:
// TestSlowRecallTakenOverIsCountedOnce), acknowledges and deletes the stream
// entry, releases the lock and completes the job when all are done.
// KEYS: meta, res, stream, active, lock.
// ARGV: id, now, resTTL, chat, outcome, group, entry id, token.
var finishScript = redis.NewScript(entryLua + completeLua + `
settle(KEYS[3], ARGV[6], ARGV[7], KEYS[5], ARGV[8])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[4]) ~= 'pending' then return 0 end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('HINCRBY', KEYS[1], ARGV[5], 1)
return complete(ARGV[1], ARGV[2], ARGV[3])
`)

// forgetScript takes one chat out of one broadcast: a pending delivery is counted
// as skipped and its record erased (its queue entry then finds nothing to send,
// and a send already on its way records nothing); a past outcome is erased; when
// the chat sent the broadcast, the sender is erased (no report goes out then).
// KEYS: meta, res, stream, active. ARGV: id, now, resTTL, chat.
var forgetScript = redis.NewScript(completeLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'chat') == ARGV[4] then
  redis.call('HSET', KEYS[1], 'chat', '0', 'sender', '0')
end
local out = redis.call('HGET', KEYS[2], ARGV[4])
if not out then return 0 end
if out ~= 'pending' or redis.call('HEXISTS', KEYS[1], 'finished') == 1 then
  redis.call('HDEL', KEYS[2], ARGV[4])
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[4])
redis.call('HINCRBY', KEYS[1], 'skipped', 1)
return complete(ARGV[1], ARGV[2], ARGV[3])
`)

// completeScript completes a broadcast if nothing is pending (e.g. no recipients).
// KEYS: meta, res, stream, active. ARGV: id, now, resTTL.
var completeScript = redis.NewScript(completeLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return complete(ARGV[1], ARGV[2], ARGV[3])
`)

// reportCheckScript decides whether the report of a broadcast is still to be sent.
// KEYS: meta, lock. ARGV: token, lock ttl ms.
var reportCheckScript = redis.NewScript(entryLua + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HEXISTS', KEYS[1], 'reported') == 1 then return 'done' end
if take_lock(KEYS[2], ARGV[1], ARGV[2], false) then return 'go' end
return 'locked'
`)

// reportDoneScript marks the report sent and acknowledges its entry.
// KEYS: meta, stream, lock. ARGV: group, entry id, token, mark ("1" sent, "0" given up).
var reportDoneScript = redis.NewScript(entryLua + `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSETNX', KEYS[1], 'reported', ARGV[4]) end
settle(KEYS[2], ARGV[1], ARGV[2], KEYS[3], ARGV[3])
return 1
`)

// refreshScript extends a lock this worker holds and keeps its stream entry
// fresh: 1 done, 0 lock lost, 2 the broadcast was cancelled meanwhile (checked
// only when asked). Re-claiming the entry for this consumer with idle time 0
// (XCLAIM JUSTID, which does not count as a delivery) keeps other workers from
// taking over an entry whose worker is alive but waiting (for Telegram's answer,
// a retry_after, the pacer); a dead worker's entry goes idle and is taken over
// after ClaimIdle.
// KEYS: lock, meta, stream. ARGV: token, ttl ms, check cancel ("1" or "0"), group, consumer, entry ("" for none).
var refreshScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[6] ~= '' then redis.call('XCLAIM', KEYS[3], ARGV[4], ARGV[5], 0, ARGV[6], 'JUSTID') end
if ARGV[3] == '1' and redis.call('HGET', KEYS[2], 'cancelled') == '1' then return 2 end
return 1
`)

// releaseScript drops a lock this worker holds. KEYS: lock. ARGV: token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// paceScript is the shared limiter: a pause after a 429 for everybody, at most one
// message per chat and interval, and a GCRA for the global rate with a tolerance
// of one message (a slot missed by scheduling jitter can be caught up, the long-run
// rate never exceeds 1/interval). It answers 0 when the caller may send now (and
// books the slot), else the microseconds to wait.
// KEYS: rate, chat, pause. ARGV: emission interval us, chat interval ms.
var paceScript = redis.NewScript(`
local p = redis.call('PTTL', KEYS[3])
if p > 0 then return p * 1000 end
local c = redis.call('PTTL', KEYS[2])
if c > 0 then return c * 1000 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > T then return tat - now - T end
local nxt = tat + T
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor(2 * T / 1000) + 1000)
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 0
`)
