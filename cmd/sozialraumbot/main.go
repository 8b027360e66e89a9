// Command sozialraumbot is the Telegram bot of the Sozialraumarbeit of Landkreis
// Heidekreis: it tells parents which Sozialraumbezirk and provider are theirs.
//
// Usage:
//
//	sozialraumbot serve              run the Telegram bot (long polling, or webhook)
//	sozialraumbot chat               the same conversation in the terminal, no token, no Redis
//	sozialraumbot lookup [--json]    resolve place names from arguments or stdin
//	sozialraumbot check-directory    validate a directory data file
//	sozialraumbot config             print the effective configuration, secrets masked
//	sozialraumbot loadtest           load and soak runs against a fake Bot API (build tag loadtest)
//	sozialraumbot version            print version and build information
//	sozialraumbot healthcheck        check a running bot's /healthz (container HEALTHCHECK)
//
// This is the only place that wires concrete parts together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// env is what a subcommand may touch of the process: no globals below main.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

func commands() []command {
	return []command{
		{"serve", "run the Telegram bot (long polling by default, or webhook)", runServe},
		{"chat", "talk to the bot in the terminal (no token, no Redis needed)", runChat},
		{"lookup", "resolve place names to districts ([--json] [TEXT...], else stdin lines)", runLookup},
		{"check-directory", "validate a directory data file and print a summary ([FILE])", runCheckDirectory},
		{"config", "print the effective configuration with secrets masked", runConfig},
		{"loadtest", loadtestSummary(), runLoadtest},
		{"version", "print the version and build information", runVersion},
		{"healthcheck", "check a running bot's /healthz (the container's HEALTHCHECK)", runHealthcheck},
	}
}

func loadtestSummary() string {
	if loadtestBuilt {
		return "load, soak and fault drills against an in-process fake Bot API"
	}
	return "load and soak runs (only in a build with -tags loadtest)"
}

// errUsage marks an error in how the command was called (exit code 2).
var errUsage = errors.New("usage")

// parseFlags parses a subcommand's flags and allows at most maxArgs positional
// arguments (-1: any number). help is true after -h printed the usage (the
// command then does nothing); every other problem is an errUsage.
func parseFlags(fs *flag.FlagSet, args []string, maxArgs int) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, fmt.Errorf("%w: %w", errUsage, err)
	}
	if maxArgs >= 0 && fs.NArg() > maxArgs {
		return false, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(maxArgs))
	}
	return false, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], e)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(e.stderr, "sozialraumbot %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(e.stderr, "sozialraumbot %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "sozialraumbot: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sozialraumbot <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Try it without a token or Redis:  go run ./cmd/sozialraumbot chat")
}
