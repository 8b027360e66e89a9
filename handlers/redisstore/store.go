package redisstore

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// Store is the Redis implementation of handlers.Store. It is safe for concurrent use.
type Store struct {
	c      redis.UniversalClient
	prefix string
	ttl    time.Duration
	log    *slog.Logger
}

var _ handlers.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithStateTTL sets how long dialogue state lives after its last save (default
// defaults.StateTTL). Values <= 0 keep the default.
func WithStateTTL(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.ttl = d
		}
	}
}

// WithLogger sets the logger for discarded state values (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.log = l
		}
	}
}

// New returns a Store over c whose keys all start with prefix + ":".
func New(c redis.UniversalClient, prefix string, opts ...Option) *Store {
	s := &Store{c: c, prefix: prefix, ttl: defaults.StateTTL, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Store) chatKey(chatID int64) string {
	return s.prefix + ":chat:" + strconv.FormatInt(chatID, 10)
}

func (s *Store) chatSubsKey(chatID int64) string {
	return s.chatKey(chatID) + ":subs"
}

func (s *Store) subsKey(district string) string {
	return s.prefix + ":subs:" + district
}

// registryKey names the set of district ids that (may) have subscribers.
func (s *Store) registryKey() string {
	return s.prefix + ":districts"
}

// unavailable wraps a backend error so that errors.Is(err, handlers.ErrStoreUnavailable) holds.
func unavailable(op string, err error) error {
	return fmt.Errorf("redisstore: %s: %w: %w", op, handlers.ErrStoreUnavailable, err)
}
