package redistest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) {
	code := m.Run()
	StopSharedCluster()
	os.Exit(code)
}

// TestSharedCluster: the shared cluster has three masters with a replica each,
// spreads keys over the masters, and refuses a script over keys of different
// slots (CROSSSLOT) unless a hash tag puts them in one: the reason the bot's
// key prefix is a hash tag with Cluster.
func TestSharedCluster(t *testing.T) {
	c := SharedCluster(t)
	if len(c.Addrs) != 6 || c.Masters != 3 || c.Replicas != 1 {
		t.Fatalf("cluster %+v", c)
	}
	t.Logf("cluster of %d masters and %d replicas each started in %s", c.Masters, c.Replicas, c.StartUp)
	if again := SharedCluster(t); again != c {
		t.Error("SharedCluster started a second cluster")
	}
	ctx := context.Background()
	cc := c.Client(t)
	masters := map[string]bool{}
	for i := range 30 {
		k := "redistest:" + Prefix(t) + ":" + string(rune('a'+i%26)) + strings.Repeat("x", i)
		if err := cc.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
		m, err := cc.MasterForKey(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		masters[m.Options().Addr] = true
		cc.Del(ctx, k)
	}
	if len(masters) != 3 {
		t.Errorf("30 keys landed on %d masters, want 3", len(masters))
	}
	var mu sync.Mutex
	var nodes []string
	if err := cc.ForEachShard(ctx, func(ctx context.Context, n *redis.Client) error {
		role, err := n.Do(ctx, "ROLE").Slice()
		if err == nil {
			mu.Lock()
			nodes = append(nodes, role[0].(string))
			mu.Unlock()
		}
		return err
	}); err != nil || len(nodes) != 6 || strings.Count(strings.Join(nodes, " "), "slave") != 3 {
		t.Errorf("roles %v: %v", nodes, err)
	}

	script := redis.NewScript(`redis.call('SET', KEYS[1], 1); redis.call('SET', KEYS[2], 2); return redis.call('DEL', KEYS[1], KEYS[2])`)
	err := script.Run(ctx, cc, []string{"srb:inbox:1", "srb:inbox:pending"}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("script over two slots: %v, want CROSSSLOT", err)
	}
	if n, err := script.Run(ctx, cc, []string{"{srb}:inbox:1", "{srb}:inbox:pending"}).Int(); err != nil || n != 2 {
		t.Errorf("script over one hash tag: %d, %v", n, err)
	}
}

// TestClusterWithoutRedis: without redis-server the helper reports what to
// install (StartCluster and SharedCluster fail the test with it; they never skip).
func TestClusterWithoutRedis(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := startCluster(3, 1)
	if err == nil || !strings.Contains(err.Error(), "redis-server") || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("startCluster without redis-server: %v", err)
	}
}
