package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"
	_ "time/tzdata" // event times in Europe/Berlin also where the system has no zone data

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/terminal"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
)

// runChat runs the parents' conversation in the terminal: no token, no Redis.
// State lives in an in-process miniredis behind the same redisstore the bot uses.
func runChat(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dirFile := fs.String("directory", "", "directory data `file` (default: the built-in one)")
	lang := fs.String("lang", "", "app language of the terminal user: de, en, uk, ar, tr (default: from $LANG)")
	operator := fs.String("operator", "Terminal-Chat auf diesem Rechner (Daten nur im Arbeitsspeicher)", "operator named by /datenschutz")
	verbose := fs.Bool("v", false, "log at debug level to stderr")
	staff := fs.Bool("staff", false, "act as a staff member of every district, with three simulated parents (de, en, uk) subscribed; "+
		"\"foto TEXT\" sends a flyer, \"pdf NAME TEXT\" a document, \"loc LAT LON\" the venue")
	quiet := fs.String("quiet-hours", "20:00-08:00", "quiet hours of the simulated broadcasts (Europe/Berlin), or off")
	if help, err := parseFlags(fs, args, 0); help || err != nil {
		return err
	}

	var (
		d   *directory.Directory
		err error
	)
	if *dirFile != "" {
		d, err = directory.LoadFile(*dirFile)
	} else {
		d, err = directory.Default()
	}
	if err != nil {
		return fmt.Errorf("loading the directory: %w", err)
	}

	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return fmt.Errorf("starting the in-process Redis: %w", err)
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	store := redisstore.New(rdb, "chat", redisstore.WithLogger(logger))
	hc := handlers.Config{
		Directory: d,
		Store:     store,
		Operator:  *operator,
		Logger:    logger,
	}
	code := *lang
	if code == "" {
		code = langFromLocale(e.getenv("LANG"))
	}
	hc.Callbacks = terminalCallbacks(d, rdb, "chat")
	if !*staff {
		h, err := handlers.New(hc)
		if err != nil {
			return err
		}
		r := terminal.NewLabelledReplier(e.stdout, teamChatName(d))
		return terminal.Run(ctx, dueAfterEach{h}, e.stdin, e.stdout, terminal.WithLanguage(code), terminal.WithReplier(r))
	}
	// miniredis lets keys expire only when told time passed; the broadcast's
	// pacing keys must expire as they would in Redis.
	tick := time.NewTicker(50 * time.Millisecond)
	stopTick := make(chan struct{})
	defer func() { tick.Stop(); close(stopTick) }()
	go func() {
		for {
			select {
			case <-stopTick:
				return
			case <-tick.C:
				mr.FastForward(50 * time.Millisecond)
			}
		}
	}()
	return runStaffChat(ctx, hc, store, rdb, *quiet, code, e)
}

// langFromLocale turns a POSIX locale ("de_DE.UTF-8", "C") into a language code.
func langFromLocale(l string) string {
	l, _, _ = strings.Cut(l, ".")
	l, _, _ = strings.Cut(l, "@")
	if l == "" || l == "C" || l == "POSIX" {
		return "de"
	}
	return strings.ReplaceAll(l, "_", "-")
}
