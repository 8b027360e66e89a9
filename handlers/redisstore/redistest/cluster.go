package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a real Redis Cluster: redis-server processes with cluster-enabled
// yes on free loopback ports, each with a directory of its own, joined by
// redis-cli --cluster create. Its processes die with the test binary at the
// latest (SIGKILL on the parent's death); Stop ends them earlier.
type Cluster struct {
	// Addrs are host:port of every node, for REDIS_CLUSTER_ADDRS.
	Addrs []string
	// Masters and Replicas (per master) are the cluster's shape.
	Masters, Replicas int
	// StartUp is how long starting and joining the nodes took, until every node
	// reported cluster_state:ok.
	StartUp time.Duration

	dir   string
	procs []*exec.Cmd
	stop  sync.Once
}

// clusterWait bounds the start-up: a generous upper bound for a loaded machine.
const clusterWait = 60 * time.Second

// StartCluster starts a Redis Cluster of masters masters with replicas replicas
// each and stops it when the test ends. Every redis-server gets the extra
// arguments after its own (e.g. "--cluster-node-timeout", "1000" for a quick
// failover). The test fails (never skips) when redis-server or redis-cli is
// missing or the cluster does not come up.
func StartCluster(tb testing.TB, masters, replicas int, extra ...string) *Cluster {
	tb.Helper()
	c, err := startCluster(masters, replicas, extra...)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(c.Stop)
	return c
}

var (
	sharedOnce    sync.Once
	sharedCluster *Cluster
	sharedErr     error
)

// SharedCluster returns the test binary's one Redis Cluster of three masters
// with one replica each, started on first use, so that the tests of a package
// share its start-up. Tests keep apart by key prefix (Prefix's shape, without
// braces: the bot adds the hash tag). The package's TestMain stops it with
// StopSharedCluster after m.Run; the test binary's exit kills it otherwise.
func SharedCluster(tb testing.TB) *Cluster {
	tb.Helper()
	sharedOnce.Do(func() { sharedCluster, sharedErr = startCluster(3, 1) })
	if sharedErr != nil {
		tb.Fatalf("redistest: %v", sharedErr)
	}
	return sharedCluster
}

// StopSharedCluster stops the shared cluster if one was started.
func StopSharedCluster() {
	if sharedCluster != nil {
		sharedCluster.Stop()
	}
}

// Client returns a cluster client of c; it is closed when the test ends.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	tb.Cleanup(func() { _ = cc.Close() })
	return cc
}

// Keys returns every key matching pattern on every master of the cluster
// (KEYS per master: for tests only), sorted.
func (c *Cluster) Keys(tb testing.TB, pattern string) []string {
	tb.Helper()
	cc := c.Client(tb)
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	var mu sync.Mutex
	var out []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		keys, err := m.Keys(ctx, pattern).Result()
		mu.Lock()
		out = append(out, keys...)
		mu.Unlock()
		return err
	})
	if err != nil {
		tb.Fatalf("redistest: KEYS %s on the cluster: %v", pattern, err)
	}
	slices.Sort(out)
	return out
}

// Kill stops the node at addr hard (SIGKILL), as a crash would; the cluster's
// other nodes notice after cluster-node-timeout and promote its replica.
func (c *Cluster) Kill(tb testing.TB, addr string) {
	tb.Helper()
	i := slices.Index(c.Addrs, addr)
	if i < 0 {
		tb.Fatalf("redistest: %s is no node of the cluster %v", addr, c.Addrs)
	}
	if err := c.procs[i].Process.Kill(); err != nil {
		tb.Fatalf("redistest: killing %s: %v", addr, err)
	}
}

// Stop kills every node and removes their directories.
func (c *Cluster) Stop() {
	c.stop.Do(func() {
		for _, p := range c.procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
		_ = os.RemoveAll(c.dir)
	})
}

func startCluster(masters, replicas int, extra ...string) (*Cluster, error) {
	began := time.Now()
	server, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("a Redis Cluster needs redis-server, which is not installed: " +
			"install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)")
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return nil, fmt.Errorf("a Redis Cluster needs redis-cli (redis-cli --cluster create), which is not installed: " +
			"install it (Debian/Ubuntu: apt-get install redis-tools)")
	}
	n := masters * (1 + replicas)
	ports, err := freePorts(2 * n) // a client port and a cluster bus port per node
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-cluster-")
	if err != nil {
		return nil, fmt.Errorf("a directory for the cluster: %w", err)
	}
	c := &Cluster{Masters: masters, Replicas: replicas, dir: dir}
	for i := range n {
		port, bus := ports[2*i], ports[2*i+1]
		nodeDir := filepath.Join(dir, strconv.Itoa(port))
		if err := os.Mkdir(nodeDir, 0o700); err != nil {
			c.Stop()
			return nil, fmt.Errorf("a directory for a cluster node: %w", err)
		}
		args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
			// A replica shows in CLUSTER SLOTS once its replication offset moved: sync at
			// once and let the master ping every second (the defaults: 5 s and 10 s).
			"--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "1",
			"--dir", nodeDir, "--save", "", "--appendonly", "no", "--daemonize", "no",
			"--logfile", filepath.Join(nodeDir, "redis.log")}
		cmd := exec.Command(server, append(args, extra...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			c.Stop()
			return nil, fmt.Errorf("starting %s: %w", server, err)
		}
		c.procs = append(c.procs, cmd)
		c.Addrs = append(c.Addrs, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	for _, a := range c.Addrs {
		if err := waitNode(ctx, a, func(r *redis.Client) error { return r.Ping(ctx).Err() }); err != nil {
			c.Stop()
			return nil, fmt.Errorf("cluster node %s does not answer: %w", a, err)
		}
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		c.Stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %w\n%s", err, out)
	}
	// Every node must know every other and serve all slots before a client starts.
	want := []string{"cluster_state:ok", "cluster_slots_ok:16384", "cluster_known_nodes:" + strconv.Itoa(n),
		"cluster_size:" + strconv.Itoa(masters)}
	for _, a := range c.Addrs {
		err := waitNode(ctx, a, func(r *redis.Client) error {
			info, err := r.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			for _, w := range want {
				if !strings.Contains(info, w+"\r\n") {
					return fmt.Errorf("CLUSTER INFO lacks %s:\n%s", w, info)
				}
			}
			// Each node also sees every master's replicas online (in sync): only
			// then CLUSTER SLOTS, where clients learn the nodes, lists them.
			shards, err := r.ClusterShards(ctx).Result()
			if err != nil {
				return err
			}
			if len(shards) != masters {
				return fmt.Errorf("%d shards, want %d", len(shards), masters)
			}
			for _, sh := range shards {
				online := 0
				for _, nd := range sh.Nodes {
					if nd.Health == "online" {
						online++
					}
				}
				if online != 1+replicas {
					return fmt.Errorf("a shard has %d nodes online, want %d: %+v", online, 1+replicas, sh.Nodes)
				}
			}
			return nil
		})
		if err != nil {
			c.Stop()
			return nil, fmt.Errorf("cluster node %s not ready: %w", a, err)
		}
	}
	c.StartUp = time.Since(began)
	return c, nil
}

// waitNode retries ready against the node at addr until it succeeds or ctx ends.
func waitNode(ctx context.Context, addr string, ready func(*redis.Client) error) error {
	r := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer r.Close()
	for {
		err := ready(r)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct free loopback ports (all held open until all are found).
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
