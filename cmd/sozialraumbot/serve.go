package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // event dates in Europe/Berlin also in a minimal container

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config"
)

// runServe runs the Telegram bot until SIGINT/SIGTERM: long polling by default,
// webhook mode with BOT_MODE=webhook. Settings come from the environment, the
// optional YAML file and the flags (see `sozialraumbot config`). SIGHUP reloads
// the directory file and the staff list without a restart.
func runServe(ctx context.Context, args []string, e env) error {
	cfg, err := config.Load(e.getenv, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stderr, "Usage: sozialraumbot serve [flags]\n\nRuns the Telegram bot until SIGINT/SIGTERM. Flags override the environment:")
			config.PrintFlags(e.stderr)
			return nil
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if err := cfg.CheckServe(); err != nil {
		return err
	}
	logger := newLogger(cfg, e.stderr)
	// go-redis logs dial failures through the standard logger; route them through
	// slog so they are structured and redacted like everything else.
	redis.SetLogger(slogRedisLogger{logger})
	// SIGHUP reloads the directory file and the staff list (see reload.go).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	a, err := newApp(cfg, logger, appOptions{
		loadConfig:    func() (config.Config, error) { return config.Load(e.getenv, args) },
		reloadSignals: hup,
	})
	if err != nil {
		return err
	}
	logger.Info("starting", "version", readBuildInfo().String(), "mode", cfg.Telegram.Mode,
		"redis", cfg.Redis.String(), "ops_listen", cfg.OpsListen)
	err = a.run(ctx)
	logger.Info("stopped")
	return err
}
