package bot

import "github.com/redis/go-redis/v9"

// The Redis protocol of the dispatcher's hot path. An update of an idle chat
// costs two round trips: push (when it arrives; one per getUpdates batch),
// which also takes the chat's lock and returns its head, and complete (after
// the conversation); every further update of a chat drained in one go costs one
// more complete. A chat push found locked costs an acquire when a worker takes
// it. The keys:
//
//	<prefix>:inbox:<key>    list of raw updates of one chat, oldest first (TTL inboxTTL)
//	<prefix>:inbox:pending  set of chat keys whose list may be non-empty
//	<prefix>:lock:<key>     the chat's lock: a random token of the holder (PX lock TTL)
//	<prefix>:seen:<id>      "run" or "done" per update_id (EX dedup TTL), as redisstore.Dedup
//
// What the scripts guarantee together:
//
//   - Order per chat across replicas: only the lock holder reads and removes the
//     head of a chat's list, and it handles the head before it pops it.
//   - Each update_id answered once: acquire and complete skip (pop) every head
//     whose id is "done" and mark the head they return "run"; complete marks the
//     handled id "done" before it pops it. A head found "run" under a free lock
//     was being handled by a holder that died: it is handled again (at least once).
//   - Durable until handled: an update is popped only by complete, after it was
//     handled; a crash leaves it at the head for the next holder.
//   - Lock with compare-and-delete: complete and renew act only while the lock
//     still holds the caller's token; a holder whose lock expired stops draining.
//   - No update stranded by the lock: the holder drains until the list is empty,
//     and the "list empty → SREM pending + DEL lock" step is one atomic script.
//     So when acquire finds the lock held, the holder will reach any update
//     pushed before that; the caller can simply leave. A holder that crashed is
//     covered by the sweep over the pending set once its lock expired.
//
// The seen keys are computed inside the scripts (from the head's update_id), so
// the scripts need all keys on one Redis node (no Redis Cluster; neither did
// the MULTI/EXEC before).

// headLua is shared by acquire and complete: it skips heads already "done",
// marks the returned head "run" and reports its id and whether it was running.
// The id is read from the update's JSON (Telegram and encoding/json both put
// update_id first); cjson is the fallback for other layouts. A head without a
// readable id is returned with id "" and the caller deduplicates in Go.
//
// ARGV[3] seen key prefix, ARGV[4] dedup TTL in seconds.
// Returns {head, id, was_running, skipped} or {false, "", 0, skipped} when empty.
const headLua = `
local function head_of(list, seenp, dttl)
  local skipped = 0
  while true do
    local h = redis.call('LINDEX', list, 0)
    if not h then return {false, '', 0, skipped} end
    local id = string.match(h, '^%s*{%s*"update_id"%s*:%s*(%d+)')
    if not id then
      local ok, t = pcall(cjson.decode, h)
      if ok and type(t) == 'table' and type(t['update_id']) == 'number' then
        id = string.format('%d', t['update_id'])
      end
    end
    if not id then return {h, '', 0, skipped} end
    local k = seenp .. id
    local v = redis.call('GET', k)
    if v == 'done' then
      redis.call('LPOP', list)
      skipped = skipped + 1
    else
      if not v then redis.call('SET', k, 'run', 'EX', dttl) end
      return {h, id, v and 1 or 0, skipped}
    end
  end
end
`

// acquireLua is the acquire step, shared by acquireScript and pushScript: it
// takes the chat if its lock is free and returns its head.
//
// Returns {0} lock held by another holder (it will drain what was pushed);
// {1, skipped} list empty (key left the pending set; the lock is not taken);
// {2, skipped, head, id, was_running} the lock is now held by token.
const acquireLua = `
local function acquire_chat(list, lock, pending, token, lttl, seenp, dttl, chat)
  if redis.call('EXISTS', lock) == 1 then return {0} end
  local r = head_of(list, seenp, dttl)
  if not r[1] then
    redis.call('SREM', pending, chat)
    return {1, r[4]}
  end
  redis.call('SET', lock, token, 'PX', lttl)
  return {2, r[4], r[1], r[2], r[3]}
end
`

// acquireScript: a worker takes a chat (after a sweep, or when pushScript found
// it busy or did not run).
//
// KEYS: list, lock, pending. ARGV: token, lock TTL ms, seen prefix, dedup TTL s,
// chat key. Returns as acquireLua.
var acquireScript = redis.NewScript(headLua + acquireLua + `
return acquire_chat(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
`)

// pushScript appends a batch of updates (a getUpdates batch or one webhook
// update) to their chats' lists, refreshes the lists' TTL, marks the chats
// pending and, for each chat, runs the acquire step: one round trip and atomic.
// A chat it acquires goes to a worker with the lock held and the head in hand,
// so an update of an idle chat costs push + complete.
//
// KEYS: pending, then list and lock of each chat. ARGV: lock TTL ms, seen
// prefix, dedup TTL s, inbox TTL s, then per chat: chat key, token, n, n raw
// updates in arrival order. Returns one acquireLua answer per chat.
var pushScript = redis.NewScript(headLua + acquireLua + `
local pos = 5
local out = {}
for c = 1, (#KEYS - 1) / 2 do
  local list, lock = KEYS[2 * c], KEYS[2 * c + 1]
  local chat, token, n = ARGV[pos], ARGV[pos + 1], tonumber(ARGV[pos + 2])
  pos = pos + 3
  for i = 1, n do
    redis.call('RPUSH', list, ARGV[pos])
    pos = pos + 1
  end
  redis.call('EXPIRE', list, ARGV[4])
  redis.call('SADD', KEYS[1], chat)
  out[c] = acquire_chat(list, lock, KEYS[1], token, ARGV[1], ARGV[2], ARGV[3], chat)
end
return out
`)

// completeScript finishes the handled head and returns the next one, keeping
// the lock (renewed), or releases the lock when the list is empty.
//
// KEYS: list, lock, pending. ARGV: token, lock TTL ms, seen prefix, dedup TTL s,
// chat key, handled update_id ("" when unknown).
// Returns {3} the lock was lost (the id is still marked done; nothing popped);
// {1, skipped} list empty: key left the pending set and the lock is released;
// {2, skipped, head, id, was_running} the next head, lock held and renewed.
var completeScript = redis.NewScript(headLua + `
if ARGV[6] ~= '' then redis.call('SET', ARGV[3] .. ARGV[6], 'done', 'EX', ARGV[4]) end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {3} end
redis.call('LPOP', KEYS[1])
local r = head_of(KEYS[1], ARGV[3], ARGV[4])
if not r[1] then
  redis.call('SREM', KEYS[3], ARGV[5])
  redis.call('DEL', KEYS[2])
  return {1, r[4]}
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {2, r[4], r[1], r[2], r[3]}
`)

// renewScript extends the lock if the caller still holds it (compare-and-expire);
// used on a timer only while one update's handling takes long.
//
// KEYS: lock. ARGV: token, lock TTL ms. Returns 1 renewed, 0 lost.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)
