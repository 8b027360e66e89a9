package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// drillSentinelMaster is the master name the drill's Sentinels monitor.
const drillSentinelMaster = "drill"

// drillSentinel is a Redis master, replicas of it and three Sentinels (quorum
// 2), all throwaway processes on free 127.0.0.1 ports, stopped when the test
// ends. The Sentinels detect a dead master after 1 s (down-after-milliseconds)
// and fail over to a replica.
type drillSentinel struct {
	t         *testing.T
	master    *drillRedis // the master at the start
	replicas  []*drillRedis
	sentinels []*exec.Cmd
	ports     []int // of the Sentinels
	dir       string

	mu     sync.Mutex
	events []sentinelEvent // what the Sentinels published
}

// sentinelEvent is one message a Sentinel published (+sdown, +switch-master, ...).
type sentinelEvent struct {
	at       time.Time
	sentinel int // which one
	name     string
	payload  string
}

// startDrillSentinel starts a master with n replicas (args: more
// redis-server arguments for all of them) and three Sentinels, and waits until
// the replicas are in sync and every Sentinel knows them and the other two.
func startDrillSentinel(t *testing.T, n int, args ...string) *drillSentinel {
	t.Helper()
	s := &drillSentinel{t: t, dir: t.TempDir()}
	s.master = newDrillRedis(t, "", args...)
	for range n {
		r := newDrillRedis(t, "", append([]string{"--replicaof", "127.0.0.1", strconv.Itoa(s.master.port)}, args...)...)
		rc := r.client()
		s.waitFor("the replica in sync", func(ctx context.Context) bool {
			info, err := rc.Info(ctx, "replication").Result()
			return err == nil && strings.Contains(info, "master_link_status:up")
		})
		s.replicas = append(s.replicas, r)
	}
	for i := range 3 {
		s.startSentinel(i)
	}
	t.Cleanup(s.stop)
	for _, p := range s.ports {
		sc := redis.NewSentinelClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", p)})
		s.waitFor(fmt.Sprintf("Sentinel %d to know the replica and the other Sentinels", p), func(ctx context.Context) bool {
			m, err := sc.Master(ctx, drillSentinelMaster).Result()
			return err == nil && m["num-slaves"] == strconv.Itoa(n) && m["num-other-sentinels"] == "2"
		})
		sc.Close()
	}
	s.watch()
	return s
}

// startSentinel writes sentinel i's configuration (Sentinel rewrites it, so it
// is a file of its own) and starts it.
func (s *drillSentinel) startSentinel(i int) {
	s.t.Helper()
	port := freePort(s.t)
	dir := filepath.Join(s.dir, strconv.Itoa(i))
	if err := os.Mkdir(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	conf := fmt.Sprintf(`port %d
bind 127.0.0.1
dir %s
logfile %s
sentinel resolve-hostnames no
sentinel announce-ip 127.0.0.1
sentinel announce-port %d
sentinel monitor %s 127.0.0.1 %d 2
sentinel down-after-milliseconds %[5]s 1000
sentinel failover-timeout %[5]s 2000
sentinel parallel-syncs %[5]s 1
`, port, dir, filepath.Join(dir, "sentinel.log"), port, drillSentinelMaster, s.master.port)
	file := filepath.Join(dir, "sentinel.conf")
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command("redis-server", file, "--sentinel")
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting redis-sentinel: %v", err)
	}
	s.sentinels = append(s.sentinels, cmd)
	s.ports = append(s.ports, port)
}

// stop kills the Sentinels (master and replica stop by their own cleanup).
func (s *drillSentinel) stop() {
	for _, c := range s.sentinels {
		_ = c.Process.Kill()
		_ = c.Wait()
	}
	s.sentinels = nil
}

// addrs is REDIS_SENTINEL_ADDRS.
func (s *drillSentinel) addrs() string {
	var out []string
	for _, p := range s.ports {
		out = append(out, fmt.Sprintf("127.0.0.1:%d", p))
	}
	return strings.Join(out, ",")
}

// masterPort is the port of the master the first Sentinel names now.
func (s *drillSentinel) masterPort(ctx context.Context) (int, error) {
	sc := redis.NewSentinelClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.ports[0])})
	defer sc.Close()
	a, err := sc.GetMasterAddrByName(ctx, drillSentinelMaster).Result()
	if err != nil {
		return 0, fmt.Errorf("get-master-addr-by-name: %w", err)
	}
	return strconv.Atoi(a[1])
}

// watch records what the Sentinels publish, with the time it arrived (only the
// leader publishes some events, e.g. +failover-end).
func (s *drillSentinel) watch() {
	for i, port := range s.ports {
		c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
		ps := c.PSubscribe(context.Background(), "+*", "-*")
		if _, err := ps.Receive(context.Background()); err != nil {
			s.t.Fatalf("subscribing to the Sentinel's events: %v", err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for m := range ps.Channel() {
				s.mu.Lock()
				s.events = append(s.events, sentinelEvent{at: time.Now(), sentinel: i, name: m.Channel, payload: m.Payload})
				s.mu.Unlock()
			}
		}()
		s.t.Cleanup(func() {
			ps.Close()
			c.Close()
			<-done
		})
	}
}

// event returns when the first event called name (e.g. "+switch-master")
// arrived after since; false when none did.
func (s *drillSentinel) event(name string, since time.Time) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.name == name && e.at.After(since) {
			return e.at, true
		}
	}
	return time.Time{}, false
}

// timeline lists the events relative to t0, for the log.
func (s *drillSentinel) timeline(t0 time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, e := range s.events {
		fmt.Fprintf(&b, "  %+8dms sentinel %d: %s %s\n", e.at.Sub(t0).Milliseconds(), e.sentinel, e.name, e.payload)
	}
	return b.String()
}

// waitFor polls ok until it holds (drillWait at most; then the test fails).
func (s *drillSentinel) waitFor(what string, ok func(context.Context) bool) {
	s.t.Helper()
	deadline := time.Now().Add(drillWait)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		done := ok(ctx)
		cancel()
		if done {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s: not within %s", what, drillWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncReplica waits until replica has applied everything master had written
// when it was called: every write acknowledged before the call survives a
// failover to replica.
func (s *drillSentinel) syncReplica(master, replica *drillRedis) {
	s.t.Helper()
	mc, rc := master.client(), replica.client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	want, err := replOffset(ctx, mc, "master_repl_offset")
	if err != nil {
		s.t.Fatal(err)
	}
	s.waitFor("the replica to catch up", func(ctx context.Context) bool {
		got, err := replOffset(ctx, rc, "slave_repl_offset")
		return err == nil && got >= want
	})
}

// replOffset reads one offset field of INFO replication.
func replOffset(ctx context.Context, c *redis.Client, field string) (int64, error) {
	info, err := c.Info(ctx, "replication").Result()
	if err != nil {
		return 0, fmt.Errorf("info replication: %w", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("info replication has no %s", field)
}
