package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config/defaults"
)

// Mode is how updates arrive from Telegram.
type Mode int

// Modes of receiving updates.
const (
	ModePolling Mode = iota // long polling with getUpdates (the zero value)
	ModeWebhook             // Telegram POSTs updates to Webhook.PublicURL
)

func (m Mode) String() string {
	switch m {
	case ModePolling:
		return "polling"
	case ModeWebhook:
		return "webhook"
	default:
		return fmt.Sprintf("Mode(%d)", int(m))
	}
}

// Defaults of the delivery options that are not settings (those are in
// config/defaults).
const (
	// DefaultMaxPendingPerChat is the per-chat bound of waiting updates.
	DefaultMaxPendingPerChat = 10
	// DefaultDedupTTL is how long handled update ids are remembered: Telegram
	// keeps undelivered updates for 24 hours, so a redelivery can come that late.
	DefaultDedupTTL = 25 * time.Hour
)

// Options configure a Bot. Token and Conversation are required.
type Options struct {
	Token        string
	APIURL       string // Bot API base URL, e.g. a self-hosted telegram-bot-api; default defaults.APIURL
	Conversation Conversation

	// Redis enables the durable per-chat inbox, update_id deduplication and the
	// per-chat lock across replicas. nil: in-process ordering and in-memory
	// deduplication only.
	Redis     redis.UniversalClient
	KeyPrefix string // prefix of every Redis key (default defaults.RedisPrefix)
	// StateKey, when set, names the Redis key of a chat's conversation state
	// (on the same Redis node as the inbox: with Cluster, under the same hash
	// tag). The inbox scripts read it along with each update they hand out, and
	// the conversation gets it through handlers.WithPrefetched: the state costs
	// no round trip of its own.
	StateKey func(chatID int64) string

	Mode    Mode // ModePolling (the zero value) or ModeWebhook
	Webhook WebhookOptions

	MaxConcurrency  int           // workers: chats handled at the same time (default defaults.MaxConcurrency)
	MaxQueued       int           // in-memory updates waiting (without Redis), default 10000
	PollTimeout     time.Duration // long-poll timeout (default 50 s)
	HandleTimeout   time.Duration // longest conversation call for one update (default 60 s)
	ShutdownTimeout time.Duration // grace to finish updates in hand at shutdown (default 30 s)
	DedupTTL        time.Duration // how long update ids are remembered (default 25 h)
	// LockLease is how long a chat's lock lives without renewal (default
	// defaults.LockLease). The holder renews it every third of the lease; a
	// crashed replica's chats are taken over after at most one lease plus
	// SweepInterval.
	LockLease     time.Duration
	SweepInterval time.Duration // how often the inbox is checked for chats nobody holds (default 1 s)
	// MaxPendingPerChat bounds the updates waiting in one chat (default
	// DefaultMaxPendingPerChat, at least 2). A chat that sends faster than anyone
	// types keeps the update in hand and the newest ones; those in between are
	// skipped, and the conversation is told with the next update (Update.Skipped).
	MaxPendingPerChat int
	// ReplyMaxAge is how long a reply may wait for Telegram (429s, outages)
	// before it is given up, logged and counted (default defaults.ReplyMaxAge).
	ReplyMaxAge time.Duration
	// ChatPace paces the replies into each chat (zero value: Telegram's limits).
	ChatPace       ChatPace
	AllowedUpdates []string // update types requested (default message, edited_message, callback_query, inline_query, my_chat_member)

	Metrics    Metrics      // may be nil: nothing is counted
	Logger     *slog.Logger // default slog.Default()
	HTTPClient *http.Client // for Bot API calls (default: 70 s timeout, MaxConcurrency+2 idle connections)
}

// WebhookOptions configure webhook mode.
type WebhookOptions struct {
	// Listen is the address to serve the webhook on, e.g. ":8443". Empty: Run
	// serves nothing itself; mount WebhookHandler in your own server.
	Listen string
	// PublicURL is the HTTPS URL Telegram posts to (given to setWebhook), path included.
	PublicURL string
	// Path is the path served on Listen (default: the path of PublicURL, else "/telegram").
	Path string
	// SecretToken is sent back by Telegram in X-Telegram-Bot-Api-Secret-Token:
	// 1-256 characters of A-Z, a-z, 0-9, _ and -. Required.
	SecretToken string
	// MaxConnections is setWebhook's max_connections (default 40).
	MaxConnections int
}

// Bot receives Telegram updates and hands them to the conversation.
type Bot struct {
	opts       Options
	apiURL     string
	api        *tgbot.Bot
	sender     *Sender
	log        *slog.Logger
	metrics    Metrics
	httpClient *http.Client
	inbox      *inbox // nil without Redis

	me      atomic.Pointer[identity] // from getMe, once known
	refused *refusedLog              // webhook requests with a wrong secret

	mu      sync.Mutex
	disp    *dispatcher // set while Run runs
	running bool
}

// New checks the options and prepares a Bot; nothing is contacted yet.
func New(opts Options) (*Bot, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("bot: no token")
	}
	if opts.Conversation == nil {
		return nil, errors.New("bot: no conversation")
	}
	setDefaults(&opts)
	switch opts.Mode {
	case ModePolling:
	case ModeWebhook:
		if !validSecret(opts.Webhook.SecretToken) {
			return nil, errors.New("bot: webhook mode needs a secret token of 1-256 characters A-Z a-z 0-9 _ -")
		}
		if opts.Webhook.PublicURL == "" {
			return nil, errors.New("bot: webhook mode needs the public URL")
		}
	default:
		return nil, fmt.Errorf("bot: unknown mode %s (want %s or %s)", opts.Mode, ModePolling, ModeWebhook)
	}
	b := &Bot{opts: opts, apiURL: strings.TrimRight(opts.APIURL, "/"), log: opts.Logger,
		metrics: orNop(opts.Metrics), httpClient: opts.HTTPClient, refused: newRefusedLog(opts.Logger, opts.Metrics)}
	api, err := NewAPI(opts.Token, b.apiURL, opts.HTTPClient, opts.Logger)
	if err != nil {
		return nil, err
	}
	b.api = api
	b.sender = NewSender(api, b.apiURL, opts.HTTPClient, opts.Metrics)
	if opts.Redis != nil {
		b.inbox = &inbox{c: opts.Redis, prefix: opts.KeyPrefix, lease: opts.LockLease,
			dedupTTL: opts.DedupTTL, cap: opts.MaxPendingPerChat, stateKey: chatStateKey(opts.StateKey)}
	}
	return b, nil
}

func setDefaults(o *Options) {
	if o.APIURL == "" {
		o.APIURL = defaults.APIURL
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = defaults.RedisPrefix
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollTimeout, 50*time.Second)
	def(&o.HandleTimeout, 60*time.Second)
	def(&o.ShutdownTimeout, 30*time.Second)
	def(&o.SweepInterval, time.Second)
	def(&o.LockLease, defaults.LockLease)
	def(&o.DedupTTL, DefaultDedupTTL)
	def(&o.ReplyMaxAge, defaults.ReplyMaxAge)
	if o.MaxPendingPerChat <= 0 {
		o.MaxPendingPerChat = DefaultMaxPendingPerChat
	}
	o.MaxPendingPerChat = max(o.MaxPendingPerChat, 2)
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = defaults.MaxConcurrency
	}
	if o.MaxQueued <= 0 {
		o.MaxQueued = 10000
	}
	if o.AllowedUpdates == nil {
		o.AllowedUpdates = []string{"message", "edited_message", "callback_query", "inline_query", "my_chat_member"}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.HTTPClient == nil {
		// Keep a connection per worker plus the long poll: with the default of 2
		// idle connections per host most replies under load would dial (a TLS
		// handshake with Telegram) and leave a closed connection behind.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.MaxConcurrency + 2
		o.HTTPClient = &http.Client{Timeout: o.PollTimeout + 20*time.Second, Transport: t}
	}
	if o.Webhook.MaxConnections <= 0 {
		o.Webhook.MaxConnections = 40
	}
}

func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Options returns the effective options: as given to New, defaults filled in.
func (b *Bot) Options() Options { return b.opts }

// Sender is the Bot API replier without retries (for the broadcast worker).
func (b *Bot) Sender() *Sender { return b.sender }

// WebhookHandler receives webhook updates; see Run. It answers 503 unless Run is running.
func (b *Bot) WebhookHandler() http.Handler { return webhookHandler{b} }

func (b *Bot) dispatcher() *dispatcher {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.disp
}

// Run receives updates until ctx ends, then shuts down gracefully: it stops
// taking updates, finishes the ones in hand (within ShutdownTimeout), confirms
// them to Telegram (polling) and returns. In polling mode it first deletes any
// webhook; in webhook mode it registers the webhook with the secret token and,
// when Webhook.Listen is set, serves it.
func (b *Bot) Run(ctx context.Context) error {
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return errors.New("bot: Run called twice")
	}
	b.running = true
	b.mu.Unlock()
	// Who the bot is decides what in a group is meant for it: known before the
	// first update is taken.
	me, err := b.identify(ctx)
	if err != nil {
		return err
	}
	cfg := dispatcherConfig{
		conv: b.opts.Conversation, me: me, api: b.sender, log: b.log, metrics: b.metrics,
		workers: b.opts.MaxConcurrency, maxQueued: b.opts.MaxQueued, maxPending: b.opts.MaxPendingPerChat,
		timeout: b.opts.HandleTimeout, maxAge: b.opts.ReplyMaxAge, pace: b.opts.ChatPace,
		sweepEvery: b.opts.SweepInterval, probeEvery: redisProbeEvery,
	}
	if b.inbox != nil {
		cfg.inbox = b.inbox
		cfg.ping = b.inbox.probe
	}
	d := newDispatcher(cfg)
	if d.inbox != nil {
		// Updates left in the inbox by a previous run (or a crashed replica) are
		// scheduled before any new update is taken.
		d.sweep(ctx)
	}
	d.start()
	b.mu.Lock()
	b.disp = d
	b.mu.Unlock()

	switch b.opts.Mode {
	case ModeWebhook:
		return b.runWebhook(ctx, d)
	default:
		return b.runPolling(ctx, d)
	}
}

// redisProbeEvery is how often Redis is pinged while it is down.
const redisProbeEvery = 200 * time.Millisecond

func (b *Bot) runPolling(ctx context.Context, d *dispatcher) error {
	if err := b.retryStartup(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := b.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
		return err
	}); err != nil {
		return startupFailed(err, d.close(b.opts.ShutdownTimeout))
	}
	b.log.Info("receiving updates by long polling", "api", b.apiURL)
	p := &poller{b: b}
	p.run(ctx)
	closeErr := d.close(b.opts.ShutdownTimeout)
	p.confirm()
	b.log.Info("stopped polling", "confirmed_offset", p.offset)
	return closeErr
}

func (b *Bot) runWebhook(ctx context.Context, d *dispatcher) error {
	w := b.opts.Webhook
	if err := b.retryStartup(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := b.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
			URL: w.PublicURL, SecretToken: w.SecretToken, MaxConnections: w.MaxConnections,
			AllowedUpdates: b.opts.AllowedUpdates,
		})
		return err
	}); err != nil {
		return startupFailed(err, d.close(b.opts.ShutdownTimeout))
	}
	if w.Listen == "" {
		b.log.Info("receiving updates by webhook (handler mounted by the caller)")
		<-ctx.Done()
		return b.stopWebhook(d, nil)
	}
	path := w.Path
	if path == "" {
		path = webhookPath(w.PublicURL)
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.WebhookHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	ln, err := net.Listen("tcp", w.Listen)
	if err != nil {
		return errors.Join(fmt.Errorf("bot: webhook listen: %w", err), d.close(b.opts.ShutdownTimeout))
	}
	b.log.Info("receiving updates by webhook", "listen", ln.Addr().String(), "path", path)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return errors.Join(fmt.Errorf("bot: webhook server: %w", err), d.close(b.opts.ShutdownTimeout))
	}
	return b.stopWebhook(d, srv)
}

// stopWebhook turns new webhook requests away (503: Telegram retries), lets the
// requests in flight finish, then finishes the updates in hand.
func (b *Bot) stopWebhook(d *dispatcher, srv *http.Server) error {
	d.stopIntake()
	var errs []error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), b.opts.ShutdownTimeout)
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("bot: webhook server shutdown: %w", err))
		}
		cancel()
	}
	errs = append(errs, d.close(b.opts.ShutdownTimeout))
	b.refused.flush()
	b.log.Info("stopped webhook")
	return errors.Join(errs...)
}

// startupFailed is Run's result when the start-up call did not succeed: the
// failure and closeErr, or only closeErr for a shutdown during start-up.
func startupFailed(err, closeErr error) error {
	if errors.Is(err, errStopped) {
		return closeErr
	}
	return errors.Join(err, closeErr)
}

func webhookPath(publicURL string) string {
	rest := publicURL
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 && len(rest) > i+1 {
		return rest[i:]
	}
	return "/telegram"
}

// errStopped: the shutdown came before a start-up call succeeded, and no attempt
// had failed; Run then shuts down cleanly.
var errStopped = errors.New("bot: stopped during start-up")

// retryStartup retries a start-up call with backoff until it works or ctx ends.
// When ctx ends first it returns the last failure, or errStopped when the only
// trouble was the shutdown itself: a call cut off by the cancel (even one
// Telegram had already answered) is no failure of the call.
func (b *Bot) retryStartup(ctx context.Context, what string, call func(context.Context) error) error {
	backoff := 500 * time.Millisecond
	var failed error
	for {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := call(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			if failed == nil {
				b.log.Info("shut down during start-up", "method", what)
				return errStopped
			}
			return fmt.Errorf("bot: %s did not succeed before shutdown: %w", what, failed)
		}
		e := classify(ctx, what, b.opts.Token, err)
		failed = e
		b.metrics.APIError(e.Code)
		b.log.Error("telegram start-up call failed", "method", what, "err", e, "retry_in", backoff)
		if sleepCtx(ctx, backoff) != nil {
			return fmt.Errorf("bot: %s did not succeed before shutdown: %w", what, e)
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// Username asks the Bot API for the bot's @username (without "@"), e.g. for
// handlers.Handler.SetBotUsername, and remembers who the bot is for Run. Once
// known, it answers without asking again.
func (b *Bot) Username(ctx context.Context) (string, error) {
	if me := b.me.Load(); me != nil {
		return me.username, nil
	}
	u, err := b.api.GetMe(ctx)
	if err != nil {
		return "", classify(ctx, "getMe", b.opts.Token, err)
	}
	b.me.Store(&identity{id: u.ID, username: u.Username})
	return u.Username, nil
}

// identify returns who the bot is, asking getMe (with retries, until ctx ends)
// unless Username already did.
func (b *Bot) identify(ctx context.Context) (identity, error) {
	if err := b.retryStartup(ctx, "getMe", func(ctx context.Context) error {
		if b.me.Load() != nil {
			return nil
		}
		u, err := b.api.GetMe(ctx)
		if err != nil {
			return err
		}
		b.me.Store(&identity{id: u.ID, username: u.Username})
		return nil
	}); err != nil {
		return identity{}, err
	}
	return *b.me.Load(), nil
}
