// Package bot is the Telegram side of Sozialraumbot: it receives updates (long
// polling or webhook), maps them to handlers.Update, keeps each chat's updates in
// order and answers each update_id once, and delivers the conversation's replies
// over the Bot API.
//
// The parts:
//
//   - Bot (New, Run): the runtime of "sozialraumbot serve". Polling confirms an
//     update to Telegram only after it is safe (in the Redis inbox, or answered);
//     the webhook handler checks the secret token in constant time and answers 200
//     only for accepted updates. Shutdown finishes the updates in hand.
//   - the dispatcher (dispatcher.go names its files): a fixed pool of workers
//     runs chats fairly, a slice of updates at a time (sched.go). The
//     conversation replies into the chat's outbox (outbox.go); the worker
//     delivers the replies afterwards at the chat's pace (pace.go), and a reply
//     that has to wait (a 429's retry_after, a backoff, the pace) parks the chat
//     instead of holding a worker (deliver.go). An update is done (popped from
//     the inbox, or accepted without Redis) only when its replies are delivered,
//     and a chat's next update comes only then, so replies keep their order. A
//     chat that floods keeps at most MaxPendingPerChat updates; the ones skipped
//     are told to the conversation (Update.Skipped).
//   - the Redis side: updates pass through a durable per-chat inbox
//     (<prefix>:inbox:<key>), are handled under a per-chat lock
//     (<prefix>:lock:<key>, a short lease renewed for all held chats in one call,
//     lease.go) and deduplicated by update_id (<prefix>:seen:<id>), so several
//     replicas keep each chat's order. Inbox, lock and deduplication are one
//     protocol of Lua scripts (inboxscripts.go): an update of an idle chat costs
//     two round trips, push (one per getUpdates batch) and complete (shared by
//     the chats that finish at the same time, complete.go), and the one that
//     hands out an update also reads the chat's state (Options.StateKey), so the
//     conversation needs no round trip of its own to load it. When Redis fails, the
//     bot answers from memory without it and probes until it is back, then gives
//     back the locks it held and marks what it answered meanwhile done
//     (redishealth.go).
//   - Sender: a handlers.Replier over the Bot API (parse mode HTML, the bot's own
//     reply_markup types), mapping errors to handlers.ErrBlocked,
//     *handlers.RetryAfterError, handlers.ErrBadRequest and handlers.ErrTemporary,
//     without retries; the dispatcher's delivery (and the broadcast worker) retry.
//
// Nothing here logs message texts, phone numbers or the bot token.
package bot
