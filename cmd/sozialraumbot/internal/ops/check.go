package ops

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Check is one named readiness check. It must return within the context's deadline.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Pinger is the part of a Redis client the Redis check needs; every go-redis
// client (single node, Sentinel, Cluster) has it.
type Pinger interface {
	Ping(ctx context.Context) *redis.StatusCmd
}

// Redis is the check "redis": PING answers.
func Redis(p Pinger) Check {
	return Check{Name: "redis", Check: func(ctx context.Context) error {
		if err := p.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("ping: %w", err)
		}
		return nil
	}}
}

// ErrNotYet is the error of a Once check before Done was called.
var ErrNotYet = errors.New("not checked yet")

// Once is a check whose outcome is set once by the program, e.g. "telegram":
// getMe succeeded at start. It fails with ErrNotYet until Done is called.
type Once struct {
	name string
	mu   sync.Mutex
	err  error
	done bool
}

// NewOnce returns a Once check with the given name.
func NewOnce(name string) *Once { return &Once{name: name} }

// Done records the outcome; nil makes the check pass. Later calls overwrite it.
func (o *Once) Done(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.err, o.done = err, true
}

// Check returns the check for Options.Checks.
func (o *Once) Check() Check {
	return Check{Name: o.name, Check: func(context.Context) error {
		o.mu.Lock()
		defer o.mu.Unlock()
		if !o.done {
			return ErrNotYet
		}
		return o.err
	}}
}
