// Package bot is the Telegram side of Sozialraumbot: it receives updates (long
// polling or webhook), maps them to handlers.Update, keeps each chat's updates in
// order and answers each update_id once, and sends the conversation's replies
// over the Bot API.
//
// The parts:
//
//   - Bot (New, Run): the runtime of "sozialraumbot serve". Polling confirms an
//     update to Telegram only after it is safe (in the Redis inbox, or handled);
//     the webhook handler checks the secret token in constant time and answers 200
//     only for accepted updates. Shutdown finishes the updates in hand.
//   - the dispatcher: per-chat FIFO order with a fixed pool of workers across
//     chats. With Redis, updates pass through a durable per-chat inbox
//     (<prefix>:inbox:<key>), are handled under a per-chat lock
//     (<prefix>:lock:<key>) and deduplicated by update_id (<prefix>:seen:<id>),
//     so several replicas keep each chat's order. Inbox, lock and deduplication
//     are one protocol of Lua scripts (inboxscripts.go): an update costs three
//     Redis round trips (push, one per getUpdates batch; acquire; complete), and
//     each further update of a chat drained in one go one more. Without Redis,
//     or while it is down, ordering is in-process (under redisstore.Locker when
//     Redis answers again) and deduplication in memory (redisstore.Dedup); the
//     bot keeps answering and recovers by itself.
//   - Sender: a handlers.Replier over the Bot API (parse mode HTML, the bot's own
//     reply_markup types), mapping errors to handlers.ErrBlocked,
//     *handlers.RetryAfterError, handlers.ErrBadRequest and handlers.ErrTemporary,
//     without retries; Retrier adds the conversation's retries.
//
// Nothing here logs message texts, phone numbers or the bot token.
package bot
