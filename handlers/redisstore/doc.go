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
//
// Any other key of the form <prefix>:chat:<chat_id>:<anything> (for example written by
// another package about the same chat) is listed by Export and removed by DeleteAll.
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
