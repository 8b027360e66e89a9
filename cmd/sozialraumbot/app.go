package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/metrics"
	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/ops"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/rueckruf"
)

// app is one running bot process: every concrete part, wired from a Config.
// serve runs it against Telegram; loadtest runs the same wiring against a fake Bot API.
type app struct {
	cfg       config.Config
	log       *slog.Logger
	rdb       redis.UniversalClient
	store     *redisstore.Store
	metrics   *metrics.Metrics
	data      *metrics.Data
	live      *liveConversation // the conversation; a reload swaps its data
	reloader  *reloader
	menu      *bot.MenuSync // nil: the command menu and descriptions are left alone
	nameMu    sync.Mutex
	username  string // the bot's @username: appOptions.username, then getMe's
	bot       *bot.Bot
	broadcast *broadcast.Service
	desk      *rueckruf.Desk     // callback requests
	callbacks *metrics.Callbacks // their metrics
	ops       *ops.Server
	telegram  *ops.Once
	opts      appOptions
}

// appOptions are the knobs that are not configuration (tests and the load tool).
type appOptions struct {
	httpClient *http.Client // Bot API client; nil: the bot's default
	noOps      bool         // do not start the ops listener even when OPS_LISTEN is set
	username   string       // bot username when getMe is skipped
	// loadConfig loads the configuration again for a reload (serve: the same
	// environment and flags, the file read anew); nil: reloads re-read only the
	// directory file.
	loadConfig func() (config.Config, error)
	// reloadSignals, when set, makes run reload on every value (serve: SIGHUP).
	reloadSignals <-chan os.Signal
	// noMenu leaves Telegram's command menu and descriptions alone (the load tool).
	noMenu   bool
	chatPace bot.ChatPace // per-chat reply pace; zero: Telegram's limits (the load tool turns it off)
	// redis is a client of the caller's (drills: fail-fast timeouts); nil: from the configuration.
	redis redis.UniversalClient
}

// newApp loads the directory, connects Redis (lazily: an outage at start is not
// fatal, the bot answers place questions without memory) and wires the parts.
func newApp(cfg config.Config, log *slog.Logger, o appOptions) (*app, error) {
	a := &app{cfg: cfg, log: log, metrics: metrics.New(), telegram: ops.NewOnce("telegram"), username: o.username, opts: o}
	quiet, err := broadcast.ParseQuietHours(cfg.Broadcast.QuietHours, nil)
	if err != nil {
		return nil, fmt.Errorf("BROADCAST_QUIET_HOURS: %w", err)
	}
	a.rdb = o.redis
	if a.rdb == nil {
		a.rdb = newRedisClient(cfg)
	}
	a.store = redisstore.New(a.rdb, cfg.Redis.KeyPrefix(), redisstore.WithStateTTL(cfg.StateTTL), redisstore.WithLogger(log))
	a.desk = rueckruf.New(a.rdb, cfg.Redis.KeyPrefix())
	a.callbacks = metrics.NewCallbacks(a.metrics)
	a.broadcast = broadcast.New(a.rdb, cfg.Redis.KeyPrefix(), a.store, broadcast.Options{
		Rate:            cfg.Broadcast.Rate,
		PerChatInterval: cfg.Broadcast.PerChatInterval,
		MaxAttempts:     cfg.Broadcast.MaxAttempts,
		Quiet:           quiet,
		ClaimIdle:       cfg.Broadcast.ClaimIdle,
		Logger:          log,
		Counted:         a.metrics.Broadcast,
		RedisFailed:     a.metrics.RedisError,
		// The callback requests' due steps ride on the broadcasts' ticker: one
		// scheduler per replica.
		AlsoDue: []func(context.Context) error{a.callbacksDue},
	})
	now := time.Now()
	d, err := loadData(cfg, a.newHandler, now)
	if err != nil {
		_ = a.rdb.Close()
		return nil, err
	}
	a.live = &liveConversation{}
	a.live.cur.Store(d)
	a.data = metrics.NewData(a.metrics)
	a.data.Loaded(d.shortSHA(), d.dir.SourceDate(), d.source, len(cfg.Staff), now)
	load := o.loadConfig
	if load == nil {
		load = func() (config.Config, error) { return cfg, nil }
	}
	a.reloader = &reloader{live: a.live, load: load, build: a.newHandler, log: log, metrics: a.data, now: time.Now}
	a.bot, err = bot.New(bot.Options{
		Token:        cfg.Telegram.Token.Reveal(),
		APIURL:       cfg.Telegram.APIURL,
		Conversation: a.live,
		Redis:        a.rdb,
		KeyPrefix:    cfg.Redis.KeyPrefix(),
		StateKey:     a.store.StateKey,
		Mode:         botMode(cfg.Telegram.Mode),
		Webhook: bot.WebhookOptions{
			Listen:      cfg.Telegram.WebhookListen,
			PublicURL:   cfg.Telegram.WebhookURL,
			SecretToken: cfg.Telegram.WebhookSecret.Reveal(),
		},
		MaxConcurrency: cfg.MaxConcurrency,
		LockLease:      cfg.LockLease,
		ReplyMaxAge:    cfg.ReplyMaxAge,
		ChatPace:       o.chatPace,
		Metrics:        a.metrics,
		Logger:         log,
		HTTPClient:     o.httpClient,
	})
	if err != nil {
		_ = a.rdb.Close()
		return nil, err
	}
	if !o.noMenu {
		a.menu = a.bot.NewMenuSync(bot.MenuSyncOptions{})
		a.setMenu(d)
		a.reloader.changed = a.setMenu
	}
	if cfg.OpsListen != "" && !o.noOps {
		a.ops = ops.New(ops.Options{
			Addr:    cfg.OpsListen,
			Checks:  []ops.Check{ops.Redis(a.rdb), a.telegram.Check()},
			Details: []ops.Detail{{Name: "data", Value: a.reloader.detail}},
			Metrics: a.metrics.Handler(),
			Redact:  cfg.Redact,
			Logger:  log,
		})
	}
	return a, nil
}

// botMode is the bot's mode for BOT_MODE (config accepts only its two values).
func botMode(mode string) bot.Mode {
	if mode == config.ModeWebhook {
		return bot.ModeWebhook
	}
	return bot.ModePolling
}

// newHandler builds the conversation for a configuration and a directory; a
// reload calls it again with the new ones.
func (a *app) newHandler(cfg config.Config, dir *directory.Directory) (*handlers.Handler, error) {
	return handlers.New(handlers.Config{
		Directory:      dir,
		Store:          a.store,
		Broadcaster:    a.broadcast,
		Staff:          staffMembers(cfg.Staff),
		Callbacks:      a.callbackConfig(cfg),
		Operator:       a.cfg.Operator,
		StateTTL:       a.cfg.StateTTL,
		Languages:      a.cfg.Languages,
		BotUsername:    a.botUsername(),
		Logger:         a.log,
		Observe:        func(s directory.Status) { a.metrics.Resolved(string(s)) },
		StoreFailed:    func(op string) { a.metrics.RedisError("store: " + op) },
		CrisisAnswered: func(lang string) { a.metrics.Crisis(lang) },
	})
}

// run runs the bot, the broadcast worker and the ops listener until ctx ends,
// then shuts down gracefully: updates in hand are finished, none is lost.
func (a *app) run(ctx context.Context) error {
	defer a.rdb.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Who the bot is (getMe): its @username goes into the conversation's hints
	// and the bot needs it to tell what in a group is meant for it. Telegram
	// unreachable at start is not fatal (/readyz says so): getMe is retried in the
	// background, and the bot itself waits for it before taking updates.
	checkCtx, checkCancel := context.WithTimeout(ctx, 10*time.Second)
	name, err := a.bot.Username(checkCtx)
	checkCancel()
	a.telegram.Done(err)
	var identified sync.WaitGroup
	if err != nil {
		a.log.Warn("Bot API not reachable at start; retrying in the background", "err", err)
		identified.Go(func() { a.identify(ctx) })
	} else {
		a.setUsername(name)
		a.log.Info("connected to the Bot API", "bot", name)
	}
	defer identified.Wait()

	var wg sync.WaitGroup
	errs := make(chan error, 3)
	if a.ops != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.ops.ListenAndServe(ctx); err != nil {
				errs <- fmt.Errorf("ops listener: %w", err)
				cancel()
			}
		}()
	}
	if a.menu != nil {
		// Telegram's command menu and descriptions, in the background: serving never waits for them.
		wg.Go(func() { a.menu.Run(ctx) })
	}
	if a.opts.reloadSignals != nil {
		wg.Go(func() { a.reloader.run(ctx, a.opts.reloadSignals) })
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := a.broadcast.Run(ctx, a.bot.Sender()); err != nil && !errors.Is(err, context.Canceled) {
			errs <- fmt.Errorf("broadcast worker: %w", err)
			cancel()
		}
	}()
	err = a.bot.Run(ctx)
	if a.ops != nil {
		a.ops.Drain()
	}
	cancel()
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// identify retries getMe with backoff until it works or ctx ends, then gives
// the conversation the bot's @username and marks Telegram reachable.
func (a *app) identify(ctx context.Context) {
	backoff := time.Second
	for {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		name, err := a.bot.Username(cctx)
		cancel()
		if err == nil {
			a.setUsername(name)
			a.telegram.Done(nil)
			a.log.Info("connected to the Bot API", "bot", name)
			return
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// setUsername records the bot's @username (from getMe) and gives it to the
// conversation now; a reload builds the next one with it (newHandler).
func (a *app) setUsername(name string) {
	a.nameMu.Lock()
	defer a.nameMu.Unlock()
	a.username = name
	a.live.cur.Load().handler.SetBotUsername(name)
}

// botUsername is the bot's @username as far as known.
func (a *app) botUsername() string {
	a.nameMu.Lock()
	defer a.nameMu.Unlock()
	return a.username
}
