package config

import (
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
)

// Bot modes: how updates arrive from Telegram.
const (
	ModePolling = "polling" // long polling with getUpdates; no public URL needed
	ModeWebhook = "webhook" // Telegram POSTs updates to WebhookURL
)

// Log formats.
const (
	FormatJSON = "json" // one JSON object per line, for production
	FormatText = "text" // key=value, for the terminal
)

// Config is the complete, validated configuration of one process.
//
// The struct tags are the contract: `env` names the environment variable, `yaml`
// the key in the configuration file ("-": not settable in the file, e.g. secrets).
type Config struct {
	// File is the YAML file the configuration was read from ("" when none).
	File string `env:"SOZIALRAUMBOT_CONFIG" yaml:"-"`

	Telegram  Telegram  `yaml:"telegram"`
	Redis     Redis     `yaml:"redis"`
	Log       Log       `yaml:"log"`
	Broadcast Broadcast `yaml:"broadcast"`
	Callbacks Callbacks `yaml:"callbacks"`

	// OpsListen is the address of the health, readiness and metrics listener;
	// "" (set as "off") disables it.
	OpsListen string `env:"OPS_LISTEN" yaml:"ops_listen"`
	// Operator names who runs the bot (the controller in the sense of the DSGVO),
	// shown by /datenschutz. Required by serve.
	Operator string `env:"OPERATOR" yaml:"operator"`
	// Languages are the conversation languages offered (BCP 47 tags); "de" is the fallback.
	Languages []string `env:"LANGUAGES" envSeparator:"," yaml:"languages"`
	// DirectoryFile replaces the embedded directory data file when set.
	DirectoryFile string `env:"DIRECTORY_FILE" yaml:"directory_file"`
	// StateTTL is how long dialogue state is kept after a chat's last message.
	StateTTL time.Duration `env:"STATE_TTL" yaml:"state_ttl"`
	// MaxConcurrency bounds the updates handled at the same time by one process.
	MaxConcurrency int `env:"MAX_CONCURRENCY" yaml:"max_concurrency"`
	// LockLease is how long a chat's lock in Redis lives without renewal; the
	// holder renews it every third of the lease. It bounds how long a crashed
	// replica's chats wait before another replica takes them over.
	LockLease time.Duration `env:"LOCK_LEASE" yaml:"lock_lease"`
	// ReplyMaxAge is how long a reply to a parent may wait for Telegram (429s,
	// outages) before it is given up, logged and counted.
	ReplyMaxAge time.Duration `env:"REPLY_MAX_AGE" yaml:"reply_max_age"`
	// Staff may send announcements; file only.
	Staff []Staff `env:"-" yaml:"staff"`

	sources map[string]string // env key (or "staff") -> Source*
}

// Source says where the effective value of a setting came from: SourceDefault,
// SourceFile, SourceEnv or SourceFlag (for secrets read from a *_FILE variable,
// e.g. "env (TELEGRAM_BOT_TOKEN_FILE)"). key is the environment variable name, or
// "staff".
func (c Config) Source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return SourceDefault
}

// Telegram is how the bot talks to the Bot API.
type Telegram struct {
	// Token is the bot token from @BotFather (TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE).
	Token Secret `env:"TELEGRAM_BOT_TOKEN" yaml:"-"`
	// APIURL is the base URL of the Bot API (a self-hosted telegram-bot-api, or a fake in tests).
	APIURL string `env:"TELEGRAM_API_URL" yaml:"api_url"`
	// Mode is ModePolling or ModeWebhook.
	Mode string `env:"BOT_MODE" yaml:"mode"`
	// WebhookListen is the local address the webhook HTTP server listens on.
	WebhookListen string `env:"WEBHOOK_LISTEN" yaml:"webhook_listen"`
	// WebhookURL is the public https URL Telegram posts updates to (webhook mode).
	WebhookURL string `env:"WEBHOOK_URL" yaml:"webhook_url"`
	// WebhookSecret is sent back by Telegram in X-Telegram-Bot-Api-Secret-Token
	// (WEBHOOK_SECRET or WEBHOOK_SECRET_FILE); required in webhook mode.
	WebhookSecret Secret `env:"WEBHOOK_SECRET" yaml:"-"`
}

// Redis is where state, subscriptions, broadcasts and update dedup live.
type Redis struct {
	// URL is redis://[user:password@]host:port/db (rediss:// for TLS). With Sentinel
	// or Cluster its user, password, database and TLS apply; its host is not used.
	URL string `env:"REDIS_URL" yaml:"url"`
	// Password overrides the URL's password (REDIS_PASSWORD or REDIS_PASSWORD_FILE).
	Password Secret `env:"REDIS_PASSWORD" yaml:"-"`
	// Prefix starts every key, so several bots can share one Redis.
	Prefix string `env:"REDIS_PREFIX" yaml:"prefix"`
	// SentinelAddrs are host:port of Redis Sentinels; needs SentinelMaster.
	SentinelAddrs []string `env:"REDIS_SENTINEL_ADDRS" envSeparator:"," yaml:"sentinel_addrs"`
	// SentinelMaster is the master name the Sentinels monitor.
	SentinelMaster string `env:"REDIS_SENTINEL_MASTER" yaml:"sentinel_master"`
	// ClusterAddrs are host:port of some Redis Cluster nodes (seeds).
	ClusterAddrs []string `env:"REDIS_CLUSTER_ADDRS" envSeparator:"," yaml:"cluster_addrs"`

	// A chat bot fails fast when Redis is slow or gone: the conversation then
	// answers without memory instead of making parents wait.

	// DialTimeout bounds opening a connection.
	DialTimeout time.Duration `env:"REDIS_DIAL_TIMEOUT" yaml:"dial_timeout"`
	// ReadTimeout bounds waiting for a reply (blocking commands add their block time).
	ReadTimeout time.Duration `env:"REDIS_READ_TIMEOUT" yaml:"read_timeout"`
	// WriteTimeout bounds sending a command.
	WriteTimeout time.Duration `env:"REDIS_WRITE_TIMEOUT" yaml:"write_timeout"`
	// PoolSize is the number of connections per node; 0: MAX_CONCURRENCY + 16.
	PoolSize int `env:"REDIS_POOL_SIZE" yaml:"pool_size"`
	// PoolTimeout bounds waiting for a free connection when all are busy.
	PoolTimeout time.Duration `env:"REDIS_POOL_TIMEOUT" yaml:"pool_timeout"`
	// MaxRetries is how often a failed command is retried (network errors); 0: never.
	MaxRetries int `env:"REDIS_MAX_RETRIES" yaml:"max_retries"`
}

// Log configures log/slog.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `env:"LOG_LEVEL" yaml:"level"`
	// Format is json or text; "" lets the subcommand choose (json for serve, text for chat).
	Format string `env:"LOG_FORMAT" yaml:"format"`
}

// Broadcast paces announcement delivery.
type Broadcast struct {
	// Rate is messages per second over all chats and replicas (Telegram allows about 30).
	Rate float64 `env:"BROADCAST_RATE" yaml:"rate"`
	// PerChatInterval is the minimum time between two messages into one chat.
	PerChatInterval time.Duration `env:"BROADCAST_PER_CHAT_INTERVAL" yaml:"per_chat_interval"`
	// MaxAttempts is how often a message is tried on temporary errors.
	MaxAttempts int `env:"BROADCAST_MAX_ATTEMPTS" yaml:"max_attempts"`
	// QuietHours is the daily window (Europe/Berlin) without deliveries, e.g.
	// "20:00-08:00", or "off"; urgent announcements are delivered anyway.
	QuietHours string `env:"BROADCAST_QUIET_HOURS" yaml:"quiet_hours"`
	// ClaimIdle is how soon another worker takes over a delivery whose worker
	// died (a live worker renews its claim while it sends).
	ClaimIdle time.Duration `env:"BROADCAST_CLAIM_IDLE" yaml:"claim_idle"`
}

// Staff is one staff member in the YAML file:
//
//	staff:
//	  - {user_id: 123456789, name: "Anna (Walsrode)", districts: [walsrode]}
//	  - {user_id: 987654321, name: "Jugendamt", all: true}
type Staff struct {
	// UserID is the Telegram user id (not the @username, which can change).
	UserID int64 `yaml:"user_id"`
	// Name is for operators only (logs, `sozialraumbot config`).
	Name string `yaml:"name"`
	// All allows announcements to every district.
	All bool `yaml:"all"`
	// Districts are the district ids the member may announce to, when All is false.
	Districts []string `yaml:"districts"`
}

// Defaults returns the built-in configuration before file, environment and flags.
func Defaults() Config {
	return Config{
		Telegram: Telegram{
			APIURL:        defaults.APIURL,
			Mode:          ModePolling,
			WebhookListen: ":8080",
		},
		Redis: Redis{
			URL:          "redis://127.0.0.1:6379/0",
			Prefix:       defaults.RedisPrefix,
			DialTimeout:  500 * time.Millisecond,
			ReadTimeout:  500 * time.Millisecond,
			WriteTimeout: 500 * time.Millisecond,
			PoolTimeout:  time.Second,
			MaxRetries:   1,
		},
		Log: Log{Level: "info"},
		Broadcast: Broadcast{
			Rate:            defaults.BroadcastRate,
			PerChatInterval: defaults.BroadcastPerChatInterval,
			MaxAttempts:     defaults.BroadcastMaxAttempts,
			QuietHours:      "20:00-08:00",
			ClaimIdle:       defaults.BroadcastClaimIdle,
		},
		OpsListen:      "127.0.0.1:9090",
		Languages:      []string{"de", "en", "uk", "ar", "tr"},
		StateTTL:       defaults.StateTTL,
		MaxConcurrency: defaults.MaxConcurrency,
		LockLease:      defaults.LockLease,
		ReplyMaxAge:    defaults.ReplyMaxAge,
		Callbacks:      defaultCallbacks(),
	}
}
