package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/heidekreis/sozialraumbot/config"
)

// runHealthcheck asks a running bot's /healthz (OPS_LISTEN) whether it is alive
// and exits 0 only on 200. It is the HEALTHCHECK of the container image, which
// has no shell, curl or wget.
func runHealthcheck(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	url := fs.String("url", "", "URL to check (default: /healthz on OPS_LISTEN, or /readyz with -ready)")
	ready := fs.Bool("ready", false, "check /readyz (Redis and Telegram) instead of /healthz")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	flags := config.AddFlags(fs)
	if help, err := parseFlags(fs, args, 0); help || err != nil {
		return err
	}
	target := *url
	if target == "" {
		// Other settings may be invalid; only OPS_LISTEN matters here.
		cfg, _ := config.LoadFlags(e.getenv, flags)
		if cfg.OpsListen == "" {
			return errors.New("OPS_LISTEN is off: no health endpoint to check (pass -url)")
		}
		path := "/healthz"
		if *ready {
			path = "/readyz"
		}
		target = "http://" + localAddr(cfg.OpsListen) + path
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("%w: -url: %v", errUsage, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s: %s", target, resp.Status, body)
	}
	fmt.Fprintf(e.stdout, "ok: %s\n", body)
	return nil
}

// localAddr turns a listen address into one to dial on this host: ":9090" and
// "0.0.0.0:9090" become "127.0.0.1:9090", "[::]:9090" becomes "[::1]:9090".
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
