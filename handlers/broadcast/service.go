package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// Subscribers is what the Service needs of the subscription store.
type Subscribers interface {
	// Subscribers lists the chats subscribed to a district.
	Subscribers(ctx context.Context, district string) ([]int64, error)
	// Unsubscribe removes a chat from a district (after Telegram answered 403).
	Unsubscribe(ctx context.Context, chatID int64, district string) error
}

// Service queues announcements in Redis and delivers them (Run). It implements
// handlers.Broadcaster. It is safe for concurrent use.
type Service struct {
	rdb    redis.UniversalClient
	prefix string
	subs   Subscribers
	opts   Options

	groupOnce sync.Mutex
	groupOK   bool

	cacheMu sync.Mutex
	cache   map[string]*job // immutable parts of running broadcasts, by id

	beforeQueue hookFunc // tests: simulate a crash between claiming and queueing
}

var _ handlers.Broadcaster = (*Service)(nil)

// group is the consumer group every worker of every replica joins.
const group = "deliver"

// New returns a Service over the Redis client c with keys under prefix.
func New(c redis.UniversalClient, prefix string, subs Subscribers, opts Options) *Service {
	return &Service{rdb: c, prefix: prefix, subs: subs, opts: opts.withDefaults(), cache: map[string]*job{}}
}

// Options returns the effective options: as given to New, defaults filled in.
func (s *Service) Options() Options { return s.opts }

func (s *Service) key(parts ...string) string {
	return s.prefix + ":" + strings.Join(parts, ":")
}

func (s *Service) streamKey() string               { return s.key("bc", "stream") }
func (s *Service) metaKey(id string) string        { return s.key("bc", id) }
func (s *Service) resKey(id string) string         { return s.key("bc", id, "res") }
func (s *Service) eventKey(district string) string { return s.key("ev", district) }
func (s *Service) lockKey(id, chat string) string  { return s.key("bc", id, "lock", chat) }

// ensureGroup creates the stream and its consumer group once per Service.
func (s *Service) ensureGroup(ctx context.Context) error {
	s.groupOnce.Lock()
	defer s.groupOnce.Unlock()
	if s.groupOK {
		return nil
	}
	err := s.rdb.XGroupCreateMkStream(ctx, s.streamKey(), group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("broadcast: creating consumer group: %w", err)
	}
	s.groupOK = true
	return nil
}

// isNoGroup reports whether Redis lost the stream or group (e.g. after a flush).
func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

func (s *Service) resetGroup() {
	s.groupOnce.Lock()
	s.groupOK = false
	s.groupOnce.Unlock()
}

func defaultConsumer() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + rand.Text()[:8]
}

// ErrTooLong is returned by Start for a message over Telegram's length limit.
var ErrTooLong = errors.New("broadcast: message longer than Telegram allows")

// ErrInvalid is returned by Start for an announcement without districts or text.
var ErrInvalid = errors.New("broadcast: announcement needs districts and text")

// CountRecipients counts the distinct chats a broadcast to these districts would
// reach now (a chat subscribed to several of them counts once), for the preview.
func (s *Service) CountRecipients(ctx context.Context, districts []string) (int64, error) {
	seen := map[int64]struct{}{}
	for _, d := range districts {
		ids, err := s.subs.Subscribers(ctx, d)
		if err != nil {
			return 0, fmt.Errorf("broadcast: subscribers of %s: %w", d, err)
		}
		for _, id := range ids {
			seen[id] = struct{}{}
		}
	}
	return int64(len(seen)), nil
}
