package bot

import "github.com/redis/go-redis/v9"

// The Redis protocol of the dispatcher. An update of an idle chat costs two
// round trips: push (when it arrives; one per getUpdates batch), which also
// takes the chat's lock and returns its head, and complete (after its replies
// were delivered), which returns the next head; complete calls of several chats
// that finish at the same time share one round trip (completeManyScript). The
// keys:
//
//	<prefix>:inbox:<key>    list of raw updates of one chat, oldest first (TTL inboxTTL);
//	                        may hold one marker "~skipped:<n>" where the flood cap dropped n updates
//	<prefix>:inbox:pending  set of chat keys whose list may be non-empty
//	<prefix>:lock:<key>     the chat's lock: a random token of the holder (PX lock lease)
//	<prefix>:seen:<id>      "queued", "run" or "done" per update_id (EX dedup TTL)
//
// What the scripts guarantee together:
//
//   - Order per chat across replicas: only the lock holder reads and removes the
//     head of a chat's list, and it finishes the head (handled, replies
//     delivered) before it pops it.
//   - Each update_id queued once: push marks each id "queued" (SET NX) and
//     appends only the ids it marked; a redelivery of an update that is queued,
//     in hand or done (a webhook retry after a lost acknowledgement, Telegram
//     delivering twice, a polling batch fetched again) is dropped there and then,
//     so it takes no place under the per-chat cap from a real message.
//   - Each update_id answered once: acquire and complete skip (pop) every head
//     whose id is "done" and mark the head they return "run"; complete marks the
//     finished id "done" before it pops it. A head found "run" under a free lock
//     was being handled by a holder that died: it is handled again (at least once).
//   - Durable until delivered: an update is popped only by complete, after its
//     replies were delivered; a crash leaves it at the head for the next holder.
//     complete pops only the head it finished (same update_id), so a holder
//     whose lease ran out never pops someone else's update.
//   - Lock with compare-and-delete: complete, renew and release act only while
//     the lock still holds the caller's token; a holder whose lock expired stops.
//   - No update stranded by the lock: the holder drains until the list is empty,
//     and the "list empty → SREM pending + DEL lock" step is one atomic script.
//     So when push finds the lock held, the holder will reach the update; the
//     caller can simply leave. A holder that crashed is covered by the sweep over
//     the pending set once its lease expired.
//   - Bounded per chat: push keeps at most the head and the newest cap-1 updates
//     of a chat; the ones in between are marked done and counted in the marker,
//     and the count reaches the conversation with the next head (Update.Skipped).
//
// The seen and lock keys of the sweep are computed inside the scripts, and push
// and completeMany touch several chats, so the scripts need all keys on one
// Redis node (with Cluster: a KeyPrefix with a hash tag; serve makes one of a
// REDIS_PREFIX without braces).

// headLua is shared by every script that hands out a head: it consumes flood
// markers, skips heads already "done", marks the returned head "run" and
// reports its id and whether it was running. The id is read from the update's
// JSON (Telegram and encoding/json both put update_id first); cjson is the
// fallback for other layouts. A head without a readable id is returned with id
// "" and the caller deduplicates in Go. first is the list's head when the
// caller knows it (it just pushed it onto an empty list), else nil.
//
// Marking the head "run" is one SET ... GET (Redis 6.2 or later, which the
// broadcast's XAUTOCLAIM needs anyway): the old value tells "queued" or none
// (fresh), "run" (a holder died while handling it) and "done" (put back, and
// the head skipped).
//
// state_of reads the chat's state key ("" for none) for the answer, so that the
// conversation's state arrives in the round trip that hands out the update.
//
// Returns {head, id, was_running, skipped, flood} or {false, "", 0, skipped, flood} when empty.
const headLua = `
local function id_of(h)
  local id = string.match(h, '^%s*{%s*"update_id"%s*:%s*(%d+)')
  if not id then
    local ok, t = pcall(cjson.decode, h)
    if ok and type(t) == 'table' and type(t['update_id']) == 'number' then
      id = string.format('%d', t['update_id'])
    end
  end
  return id
end

local function marker_of(h)
  local n = string.match(h, '^~skipped:(%d+)$')
  if n then return tonumber(n) end
  return nil
end

local function head_of(list, seenp, dttl, first)
  local skipped, flood = 0, 0
  while true do
    local h = first
    first = nil
    if not h then h = redis.call('LINDEX', list, 0) end
    if not h then return {false, '', 0, skipped, flood} end
    local m = marker_of(h)
    if m then
      redis.call('LPOP', list)
      flood = flood + m
    else
      local id = id_of(h)
      if not id then return {h, '', 0, skipped, flood} end
      local k = seenp .. id
      local v = redis.call('SET', k, 'run', 'EX', dttl, 'GET')
      if v == 'done' then
        redis.call('SET', k, 'done', 'EX', dttl)
        redis.call('LPOP', list)
        skipped = skipped + 1
      else
        return {h, id, v == 'run' and 1 or 0, skipped, flood}
      end
    end
  end
end

local function state_of(skey)
  if skey == '' then return false end
  return redis.call('GET', skey)
end
`

// acquireLua is the acquire step, shared by acquireScript and pushScript: it
// takes the chat if its lock is free and returns its head and, when skey is not
// "", the value of skey (the chat's state; false when none is stored).
//
// Returns {0} lock held by another holder (it will drain what was pushed);
// {1, skipped} list empty (key left the pending set; the lock is not taken);
// {2, skipped, head, id, was_running, flood, state} the lock is now held by token.
const acquireLua = `
local function acquire_chat(list, lock, pending, token, lttl, seenp, dttl, chat, skey, first)
  if not redis.call('SET', lock, token, 'NX', 'PX', lttl) then return {0} end
  local r = head_of(list, seenp, dttl, first)
  if not r[1] then
    redis.call('SREM', pending, chat)
    redis.call('DEL', lock)
    return {1, r[4]}
  end
  return {2, r[4], r[1], r[2], r[3], r[5], state_of(skey)}
end
`

// capLua bounds a chat's list: it keeps the head (it may be in hand) and the
// newest cap-1 updates; the updates in between are marked done (a redelivery is
// not answered) and added to the list's marker, which goes right after the head.
// len is the list's length (as RPUSH returned it). Returns the number of
// updates it dropped.
const capLua = `
local function cap_list(list, len, cap, seenp, dttl)
  if len <= cap then return 0 end
  local rest = redis.call('LRANGE', list, 1, -1)
  local ups, flood = {}, 0
  for _, e in ipairs(rest) do
    local m = marker_of(e)
    if m then flood = flood + m else ups[#ups + 1] = e end
  end
  local drop = #ups - (cap - 1)
  if drop <= 0 then return 0 end
  for i = 1, drop do
    local id = id_of(ups[i])
    if id then redis.call('SET', seenp .. id, 'done', 'EX', dttl) end
  end
  redis.call('LTRIM', list, 0, 0)
  redis.call('RPUSH', list, '~skipped:' .. (flood + drop))
  for i = drop + 1, #ups do redis.call('RPUSH', list, ups[i]) end
  return drop
end
`

// acquireScript: a worker takes a chat (after a sweep).
//
// KEYS: list, lock, pending, state (the list again when there is none). ARGV:
// token, lock lease ms, seen prefix, dedup TTL s, chat key, "1" to read the
// state key. Returns as acquireLua.
var acquireScript = redis.NewScript(headLua + acquireLua + `
local skey = ''
if ARGV[6] == '1' then skey = KEYS[4] end
return acquire_chat(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], skey, nil)
`)

// pushScript appends a batch of updates (a getUpdates batch or one webhook
// update) to their chats' lists, bounds each list (capLua), marks the chats
// pending and, for each chat, runs the acquire step: one round trip and atomic.
// A chat it acquires goes to a worker with the lock held, the head and the
// chat's state in hand, so an update of an idle chat costs push + complete.
//
// An update whose id is marked already (queued, in hand or done) is not
// appended again: a redelivery never takes a place in the list.
//
// A list the push creates gets the inbox TTL and joins the pending set; a list
// that already existed has both (a non-empty list is always pending: SREM runs
// only on an empty list, in the same script), so pushing onto it costs only the
// id's mark, the RPUSH and the lock attempt. The TTL therefore counts from the
// moment a chat's queue began: a queued update is never kept longer than that.
// The update that created the list is its head: acquire needs no LINDEX.
//
// KEYS: pending, then list, lock and state of each chat (the list again when
// there is no state to read). ARGV: lock lease ms, seen prefix, dedup TTL s,
// inbox TTL s, cap, then per chat: chat key, token, "1" to read the state key,
// n, n raw updates in arrival order. Returns per chat {dropped, duplicates,
// acquireLua answer...}.
var pushScript = redis.NewScript(headLua + acquireLua + capLua + `
local pos = 6
local cap = tonumber(ARGV[5])
local out = {}
for c = 1, (#KEYS - 1) / 3 do
  local list, lock = KEYS[3 * c - 1], KEYS[3 * c]
  local chat, token, n = ARGV[pos], ARGV[pos + 1], tonumber(ARGV[pos + 3])
  local skey = ''
  if ARGV[pos + 2] == '1' then skey = KEYS[3 * c + 1] end
  pos = pos + 4
  local len, dups, first = 0, 0, nil
  for i = 1, n do
    local raw = ARGV[pos]
    local id = id_of(raw)
    if id and not redis.call('SET', ARGV[2] .. id, 'queued', 'NX', 'EX', ARGV[3]) then
      dups = dups + 1
    else
      len = redis.call('RPUSH', list, raw)
      if len == 1 then first = raw end
    end
    pos = pos + 1
  end
  local dropped = cap_list(list, len, cap, ARGV[2], ARGV[3])
  if first then
    redis.call('EXPIRE', list, ARGV[4])
    redis.call('SADD', KEYS[1], chat)
  end
  local r = acquire_chat(list, lock, KEYS[1], token, ARGV[1], ARGV[2], ARGV[3], chat, skey, first)
  table.insert(r, 1, dups)
  table.insert(r, 1, dropped)
  out[c] = r
end
return out
`)

// completeLua finishes the handled head and returns the next one, keeping the
// lock, or releases the lock when the list is empty. The next head comes with
// the chat's state (skey, as acquireLua): it is read after the finished
// update's state was saved. The lock is not renewed here: the lease keeper
// renews every held lock every third of the lease (lease.go), so a renewal per
// update would be a command that changes nothing.
//
// Returns {3} the lock was lost (the id is still marked done; nothing popped);
// {1, skipped, flood} list empty: key left the pending set and the lock is released;
// {2, skipped, head, id, was_running, flood, state} the next head, lock held.
const completeLua = `
local function complete_chat(list, lock, pending, token, seenp, dttl, chat, done, skey, ittl)
  if done ~= '' then redis.call('SET', seenp .. done, 'done', 'EX', dttl) end
  if redis.call('GET', lock) ~= token then return {3} end
  local h = redis.call('LPOP', list)
  if h and done ~= '' and id_of(h) ~= done then
    redis.call('LPUSH', list, h)
    redis.call('EXPIRE', list, ittl) -- the LPOP may have emptied (deleted) the list
  end
  local r = head_of(list, seenp, dttl, nil)
  if not r[1] then
    redis.call('SREM', pending, chat)
    redis.call('DEL', lock)
    return {1, r[4], r[5]}
  end
  return {2, r[4], r[1], r[2], r[3], r[5], state_of(skey)}
end
`

// completeManyScript completes one handled head in each of several chats (the
// ones whose replies were delivered while the previous call was on its way).
//
// KEYS: pending, then list, lock and state of each chat (the list again when
// there is no state to read). ARGV: seen prefix, dedup TTL s, inbox TTL s, then
// per chat: chat key, token, finished update_id ("" when unknown), "1" to read
// the state key. Returns one completeLua answer per chat.
var completeManyScript = redis.NewScript(headLua + completeLua + `
local out = {}
for c = 1, (#KEYS - 1) / 3 do
  local a = 4 + 4 * (c - 1)
  local skey = ''
  if ARGV[a + 3] == '1' then skey = KEYS[3 * c + 1] end
  out[c] = complete_chat(KEYS[3 * c - 1], KEYS[3 * c], KEYS[1], ARGV[a + 1], ARGV[1], ARGV[2], ARGV[a], ARGV[a + 2], skey, ARGV[3])
end
return out
`)

// renewManyScript extends the locks the caller holds (compare-and-expire), one
// call for every chat a replica holds.
//
// KEYS: locks. ARGV: lock lease ms, then one token per lock. Returns per lock 1
// renewed or 0 lost.
var renewManyScript = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[i + 1] then
    redis.call('PEXPIRE', k, ARGV[1])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`)

// releaseScript gives chats back after Redis failed under them or at shutdown:
// it marks updates done that were finished meanwhile (so they are not answered
// again) and deletes each lock that still holds the caller's token.
//
// KEYS: locks. ARGV: seen prefix, dedup TTL s, then per lock: token and a
// comma-separated list of finished update_ids (may be empty). Returns the number
// of locks released.
var releaseScript = redis.NewScript(`
local n = 0
for i, k in ipairs(KEYS) do
  local token, done = ARGV[2 * i + 1], ARGV[2 * i + 2]
  for id in string.gmatch(done, '%d+') do
    redis.call('SET', ARGV[1] .. id, 'done', 'EX', ARGV[2])
  end
  if token ~= '' and redis.call('GET', k) == token then
    redis.call('DEL', k)
    n = n + 1
  end
end
return n
`)

// sweepScript lists the pending chats nobody holds: a crashed replica's once its
// lease expired, and chats left over by a Redis outage.
//
// KEYS: pending. ARGV: lock key prefix ("<prefix>:lock:"). Returns chat keys.
var sweepScript = redis.NewScript(`
local out = {}
for _, chat in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. chat) == 0 then out[#out + 1] = chat end
end
return out
`)
