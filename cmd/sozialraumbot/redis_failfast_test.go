package main

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/config"
)

// The Redis client fails fast by default: timeouts of hundreds of milliseconds,
// one retry, a bounded wait for a connection; each is configurable.
func TestRedisOptionsFailFast(t *testing.T) {
	cfg, err := config.Load(mapenv(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := redisOptions(cfg)
	if o.DialTimeout != 500*time.Millisecond || o.ReadTimeout != 500*time.Millisecond ||
		o.WriteTimeout != 500*time.Millisecond || o.PoolTimeout != time.Second || o.MaxRetries != 1 ||
		o.PoolSize != cfg.MaxConcurrency+16 || o.MaxRetryBackoff > 100*time.Millisecond {
		t.Errorf("defaults: dial %v read %v write %v pool %d/%v retries %d backoff ≤%v",
			o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolSize, o.PoolTimeout, o.MaxRetries, o.MaxRetryBackoff)
	}
	cfg, err = config.Load(mapenv(map[string]string{
		"REDIS_DIAL_TIMEOUT": "100ms", "REDIS_READ_TIMEOUT": "200ms", "REDIS_WRITE_TIMEOUT": "300ms",
		"REDIS_POOL_SIZE": "7", "REDIS_POOL_TIMEOUT": "400ms", "REDIS_MAX_RETRIES": "0",
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	o = redisOptions(cfg)
	if o.DialTimeout != 100*time.Millisecond || o.ReadTimeout != 200*time.Millisecond ||
		o.WriteTimeout != 300*time.Millisecond || o.PoolSize != 7 || o.PoolTimeout != 400*time.Millisecond ||
		o.MaxRetries != -1 { // go-redis: -1 is "no retry", 0 would be its default of 3
		t.Errorf("from env: %+v", o)
	}
	if cfg.Source("REDIS_READ_TIMEOUT") != config.SourceEnv {
		t.Errorf("source %s", cfg.Source("REDIS_READ_TIMEOUT"))
	}
}

// A Redis that accepts connections but never answers (hung, or a black hole):
// a command gives up with the client's own read timeout, well inside the
// caller's deadline, instead of holding the parent's answer until it expires.
func TestRedisClientGivesUpOnAHungServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // read nothing, answer nothing
		}
	}()
	cfg, err := config.Load(mapenv(map[string]string{"REDIS_URL": "redis://" + ln.Addr().String() + "/0"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := newRedisClient(cfg)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	err = c.Get(ctx, "k").Err()
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("GET against a hung server: %v; want the client's own timeout, not the caller's deadline", err)
	}
}
