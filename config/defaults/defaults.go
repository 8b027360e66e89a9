// Package defaults is the one place of every default that is both a setting
// (package config reads and prints it) and an option of the package that uses
// it (bot, handlers, handlers/redisstore, handlers/broadcast). config starts
// from these values, and each package falls back to the same value for an
// option left zero, so a caller that leaves an option unset (a test, the
// terminal chat) gets exactly what serve gets by default.
//
// It imports only time, so every package may depend on it. A default that
// only one package knows stays in that package (e.g. bot's long-poll timeout,
// the broadcast's backoff).
package defaults

import "time"

// The Bot API.
const (
	// APIURL is Telegram's Bot API (TELEGRAM_API_URL, bot.Options.APIURL).
	APIURL = "https://api.telegram.org"
)

// Redis.
const (
	// RedisPrefix starts every Redis key (REDIS_PREFIX, bot.Options.KeyPrefix).
	RedisPrefix = "srb"
)

// Handling updates.
const (
	// MaxConcurrency is the number of chats one process handles at the same
	// time (MAX_CONCURRENCY, bot.Options.MaxConcurrency).
	MaxConcurrency = 16
	// LockLease is how long a chat's lock lives without renewal: short, because
	// the holder renews it every third; it bounds how long a crashed replica's
	// chats wait (LOCK_LEASE, bot.Options.LockLease).
	LockLease = 5 * time.Second
	// ReplyMaxAge is how long a reply to a parent may wait for Telegram before it
	// is given up (REPLY_MAX_AGE, bot.Options.ReplyMaxAge).
	ReplyMaxAge = 6 * time.Hour
)

// The conversation.
const (
	// StateTTL is how long dialogue state is kept after a chat's last message
	// (STATE_TTL, handlers.Config.StateTTL, redisstore.WithStateTTL).
	StateTTL = 30 * 24 * time.Hour
)

// Callback requests.
const (
	// CallbackRemindAfter is the working time a request may wait unclaimed
	// before the team is reminded (CALLBACK_REMIND_AFTER,
	// handlers.CallbackConfig.RemindAfter).
	CallbackRemindAfter = 2 * time.Hour
	// CallbackEscalateAfter is the working time after which an unclaimed
	// request goes to the staff with all districts (CALLBACK_ESCALATE_AFTER,
	// handlers.CallbackConfig.EscalateAfter).
	CallbackEscalateAfter = 4 * time.Hour
	// CallbackKeepDays is how many days a closed request is kept
	// (CALLBACK_KEEP_DAYS, handlers.CallbackConfig.Keep).
	CallbackKeepDays = 7
	// CallbackMaxAge is the longest life of any request (CALLBACK_MAX_AGE,
	// handlers.CallbackConfig.MaxAge).
	CallbackMaxAge = 30 * 24 * time.Hour
	// CallbackDailyCap is how many requests one chat may send per day
	// (CALLBACK_DAILY_CAP, handlers.CallbackConfig.DailyCap).
	CallbackDailyCap = 3
)

// Announcements.
const (
	// BroadcastRate is messages per second over all chats and replicas; Telegram
	// allows about 30 (BROADCAST_RATE, broadcast.Options.Rate).
	BroadcastRate = 25.0
	// BroadcastPerChatInterval is the least time between two messages into one
	// chat (BROADCAST_PER_CHAT_INTERVAL, broadcast.Options.PerChatInterval).
	BroadcastPerChatInterval = time.Second
	// BroadcastMaxAttempts is how often a message is tried on temporary errors
	// (BROADCAST_MAX_ATTEMPTS, broadcast.Options.MaxAttempts).
	BroadcastMaxAttempts = 5
	// BroadcastClaimIdle is how soon another worker takes over a delivery whose
	// worker died (BROADCAST_CLAIM_IDLE, broadcast.Options.ClaimIdle).
	BroadcastClaimIdle = 5 * time.Second
)
