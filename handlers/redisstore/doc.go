// Package redisstore keeps the conversation's memory in Redis: dialogue state,
// subscriptions to district announcements, and the privacy operations (export,
// erase) over them. It implements handlers.Store over any redis.UniversalClient,
// so a single server, Sentinel, Cluster or an in-process miniredis all work.
//
// # Key schema
//
// Every key starts with the prefix given to New (e.g. "srb"):
//
//	<prefix>:chat:<chat_id>         string, JSON {"v":1,"state":{...}}: the dialogue state
//	                                (step, last district and place, language, pending
//	                                candidates, staff draft, button nonce). Expires after
//	                                the state TTL (default 30 days) since the last save.
//	<prefix>:chat:<chat_id>:subs    set of district ids the chat subscribed to. No TTL: a
//	                                subscription lasts until /abbestellen or /loeschen.
//	<prefix>:subs:<district_id>     set of chat ids subscribed to the district (the
//	                                broadcast's recipient list). No TTL.
//	<prefix>:districts              set of district ids that have (or had) subscribers:
//	                                the registry DeleteAll works from. District ids only,
//	                                nothing about a chat. No TTL.
//
// These are all the keys the store writes about a chat, and Export and DeleteAll
// address them by name: they never SCAN, so their cost (one round trip each; DeleteAll
// is one Lua script) does not grow with the keyspace (dedup, broadcast keys). No other
// package writes under <prefix>:chat:<chat_id>; a new per-chat key must be added to
// Export and DeleteAll. The broadcast package's per-chat data (<prefix>:bc:...) is
// erased by its own Broadcaster.ForgetChat, which the /loeschen handler also calls.
//
// DeleteAll removes the chat from every district set in the registry and in the
// chat's own set, so also from a district set the per-chat set lost track of, and
// drops districts left without subscribers from the registry: after the last chat is
// deleted nothing is left under the prefix. With Redis Cluster the prefix must hold a
// hash tag (e.g. "{srb}"), because the transactions and the script touch several keys;
// serve passes config's Redis.KeyPrefix, which adds the braces when REDIS_PREFIX has none.
//
// # Versioned state
//
// The state is stored with an encoding version. A value of an unknown version, or one
// that is not valid JSON, is discarded (deleted) and read as the zero State without an
// error, so that an upgrade or a corrupt key never blocks a chat.
//
// # Errors
//
// Every failure of the Redis backend is returned wrapped with
// handlers.ErrStoreUnavailable (test with errors.Is), so the conversation can degrade
// to answering without memory.
package redisstore
