// Package rueckruf keeps callback requests ("Rückrufbitten") in Redis: the
// handlers.CallbackDesk the conversation asks parents for, hands to the
// district's team and scrubs when it ends.
//
// Keys (all under the prefix):
//
//	<p>:rr:seq           the last request id (INCR)
//	<p>:rr:req:<id>      one request: a hash with its details, status, times and
//	                     the team messages showing it ("msgs": chat:message,…);
//	                     expires at the request's maximum age plus an hour at the
//	                     latest; once deleted only id, district, status "deleted",
//	                     outcome and the messages still to scrub remain (7 days)
//	<p>:rr:chat:<chat>   the chat's requests (id -> district) and today's count
//	                     ("day" -> "2006-01-02|n"); expires with the newest request
//	<p>:rr:draft:<chat>  a request being written (JSON), for CallbackConfig.DraftTTL
//	<p>:rr:due           every request that is not gone, by the time its next step
//	                     is due (reminder, escalation, deletion, scrubbing)
//
// Atomicity and Redis Cluster: every Lua script touches exactly one key (the
// request's hash, or the due set), so claiming ("the first Übernehmen wins"),
// closing, marking a reminder and deleting are atomic in any deployment and
// slot-safe whatever the prefix. The writes that span keys (Create, ForgetChat)
// are MULTI transactions; Create WATCHes the chat's key so that its checks
// (one live request per district, the daily cap) and its write are one step.
// With Cluster, the prefix's hash tag (config's Redis.KeyPrefix makes one when
// REDIS_PREFIX has none) keeps those keys in one slot, as for the rest of the bot.
//
// Due work follows the scheduled broadcasts' approach: a sorted set by due
// time, claimed by a Lua script that moves each due entry a lease ahead (so
// one replica at a time works on it, and another takes over when it died),
// driven by the same per-replica ticker (broadcast.Options.AlsoDue).
package rueckruf
