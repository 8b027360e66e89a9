// Package redistest gives tests a real Redis server: REDIS_URL when set, else the
// server at 127.0.0.1:6379, else a throwaway redis-server started for the test
// binary. When none of these is possible the test fails (never skips) and says
// exactly what to install. Down gives a client of a Redis that is not there.
package redistest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultAddr is the Redis server the development and CI machines run.
const DefaultAddr = "127.0.0.1:6379"

var (
	once    sync.Once
	opts    *redis.Options
	initErr error
)

// URL returns the redis:// URL of the server the tests use, starting one if needed.
func URL(tb testing.TB) string {
	tb.Helper()
	o := options(tb)
	return fmt.Sprintf("redis://%s/%d", o.Addr, o.DB)
}

// Client returns a client for the test server; it is closed when the test ends.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(options(tb))
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a key prefix unique to this test, and deletes every key under it
// when the test ends, so tests (and packages tested in parallel) never collide.
func Prefix(tb testing.TB) string {
	tb.Helper()
	p := "test:" + rand.Text()
	tb.Cleanup(func() {
		c := redis.NewClient(options(tb))
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, p+":*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return p
}

// Down returns a client of a Redis that is not there: it points at a loopback
// port where nothing listens, so every command fails at once (connection
// refused, no retries). It is closed when the test ends.
func Down(tb testing.TB) *redis.Client {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("redistest: finding a free port: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

func options(tb testing.TB) *redis.Options {
	tb.Helper()
	once.Do(func() { opts, initErr = find() })
	if initErr != nil {
		tb.Fatalf("redistest: no Redis server for the tests: %v", initErr)
	}
	o := *opts
	return &o
}

func find() (*redis.Options, error) {
	if u := os.Getenv("REDIS_URL"); u != "" {
		o, err := redis.ParseURL(u)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL %q is not a valid redis:// URL: %w", u, err)
		}
		if err := ping(o); err != nil {
			return nil, fmt.Errorf("REDIS_URL is set but its server does not answer: %w", err)
		}
		return o, nil
	}
	o := &redis.Options{Addr: DefaultAddr}
	if ping(o) == nil {
		return o, nil
	}
	return start()
}

func ping(o *redis.Options) error {
	c := redis.NewClient(o)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// start runs a throwaway redis-server on a free port; it dies with the test binary.
func start() (*redis.Options, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL is not set, nothing answers at %s, and redis-server is not installed: "+
			"install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL", DefaultAddr)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("finding a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	o := &redis.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := ping(o); err == nil {
			return o, nil
		} else if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("started %s on port %d but it did not answer: %w", bin, port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
