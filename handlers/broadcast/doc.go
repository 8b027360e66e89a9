// Package broadcast delivers staff announcements to the subscribers of districts:
// a durable job queue in Redis that several bot replicas share, paced below
// Telegram's limits, with exactly-once delivery per recipient as far as the Bot
// API allows.
//
// # Redis keys
//
// All keys start with the prefix given to New. With Redis Cluster it must hold a
// hash tag (e.g. "{srb}"), because the Lua scripts touch several keys; serve passes
// config's Redis.KeyPrefix, which adds the braces when REDIS_PREFIX has none.
//
//	<p>:bc:seq            counter for broadcast ids ("1", "2", ...)
//	<p>:bc:stream         stream of deliveries (fields bc, chat) and reports (bc, kind=report);
//	                      consumer group "deliver"; entries are deleted once acknowledged
//	<p>:bc:index          sorted set of broadcast ids by creation time (for List)
//	<p>:bc:active         set of unfinished broadcast ids (for ForgetChat)
//	<p>:bc:<id>           hash: the broadcast (text, html, districts, sender, counters, flags)
//	<p>:bc:<id>:res       hash chat id -> outcome (delivered, blocked, failed, skipped);
//	                      the per-recipient marker that makes delivery exactly-once
//	<p>:bc:<id>:lock:<c>  short-lived lock of the worker sending to chat c right now
//	<p>:bc:rate           GCRA state of the global send rate (shared by all replicas)
//	<p>:bc:pause          set after a 429: every replica waits until it expires
//	<p>:bc:chat:<c>       per-chat pacing marker (at most one message per chat and interval)
//	<p>:ev:<district>     sorted set of broadcast ids with an event, scored by the time
//	                      the event stops being listed
//	<p>:bc:<id>:msgs      hash chat id -> "<sent ms>|<lang>|m<id>,v<id>,i<id>": the message ids
//	                      of each part delivered (48 h: corrections and recalls)
//	<p>:bc:<id>:later     list of deliveries paused for quiet hours ("<chat>|<lang>|<part>")
//	<p>:bc:resume         sorted set of paused broadcast ids by the end of the quiet hours
//	<p>:bc:scheduled      sorted set of scheduled broadcast ids by start time
//	<p>:bc:starting       sorted set of claimed scheduled ids by the end of the claim's lease
//	<p>:bc:<id>:upload:<lang>  short lock: one worker uploads the calendar file
//	<p>:bc:<id>:remsent   hash chat id -> a reminder was sent (48 h)
//	<p>:rem:due           sorted set "<id>|<chat>|<lang>" of reminders by due time
//	<p>:rem:chat:<chat>   hash broadcast id -> "<due s>|<lang>": the chat's reminders
//
// # Rich announcements
//
// One delivery is up to four messages in order: the announcement (text, or the
// flyer/PDF by file_id with the text as caption), the text when it does not fit a
// caption, the venue, and the calendar file (uploaded once per language, then
// sent by file_id). Each is its own stream entry; the script that records part k
// (its message id in <p>:bc:<id>:msgs) queues part k+1, and a part is only sent
// while exactly k ids are recorded, so every part goes out at most once.
// Corrections and recalls are broadcast jobs of their own (kind edit/recall) over
// the recipients in msgs, paced and reported like a broadcast. Scheduled
// broadcasts are claimed with a lease by one replica (claimStartScript) and queued
// in a transaction that WATCHes the claim; Due starts them, resumes paused ones
// and queues due reminders, each exactly once, on any replica.
//
// # Delivery protocol
//
// Start snapshots the recipients (deduplicated over the chosen districts) and
// appends one stream entry per chat in one MULTI/EXEC transaction. Workers read
// entries with XREADGROUP and take over entries of dead workers with XAUTOCLAIM
// after Options.ClaimIdle. For each entry a Lua script checks, atomically, that
// the broadcast is not cancelled or finished and that the chat has no outcome yet,
// and takes the per-recipient lock. After Telegram answers, a second script
// records the outcome (HSETNX, so a counter never counts twice), acknowledges and
// deletes the entry, and, for the last outcome, queues the report to the sender.
//
// The one remaining window for a duplicate is a crash (or a lost Redis
// connection) after Telegram accepted a message and before the outcome script
// ran. Every send in flight at that moment is such a window, so a crash can
// duplicate at most one message per worker that was inside a Bot API call: at
// most Options.Workers per process. A worker renews its recipient lock (three
// quarters of Options.ClaimIdle long) and its stream entry every quarter of
// ClaimIdle, also while it waits for Telegram, so a slow answer adds no
// duplicate and a dead worker's entries are taken over after ClaimIdle.
package broadcast
