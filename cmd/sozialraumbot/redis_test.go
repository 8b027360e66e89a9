package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func TestRedisOptions(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		client string // type of client newRedisClient makes
		check  func(t *testing.T, o *redis.UniversalOptions)
	}{
		{"single", map[string]string{"REDIS_URL": "rediss://bob:pw@db.example:6380/3"}, "*redis.Client",
			func(t *testing.T, o *redis.UniversalOptions) {
				if !slices.Equal(o.Addrs, []string{"db.example:6380"}) || o.DB != 3 || o.Username != "bob" ||
					o.Password != "pw" || o.TLSConfig == nil {
					t.Errorf("%+v", o)
				}
			}},
		{"password override", map[string]string{"REDIS_URL": "redis://:old@h:1/0", "REDIS_PASSWORD": "new"}, "*redis.Client",
			func(t *testing.T, o *redis.UniversalOptions) {
				if o.Password != "new" {
					t.Errorf("password %q", o.Password)
				}
			}},
		{"sentinel", map[string]string{"REDIS_SENTINEL_ADDRS": "s1:26379,s2:26379", "REDIS_SENTINEL_MASTER": "heide",
			"REDIS_URL": "redis://:pw@ignored:6379/1"}, "*redis.Client",
			func(t *testing.T, o *redis.UniversalOptions) {
				if !slices.Equal(o.Addrs, []string{"s1:26379", "s2:26379"}) || o.MasterName != "heide" || o.DB != 1 ||
					o.Password != "pw" || o.SentinelPassword != "pw" {
					t.Errorf("%+v", o)
				}
			}},
		{"cluster with one seed", map[string]string{"REDIS_CLUSTER_ADDRS": "c1:7000", "REDIS_PREFIX": "heide:{srb}"}, "*redis.ClusterClient",
			func(t *testing.T, o *redis.UniversalOptions) {
				if !slices.Equal(o.Addrs, []string{"c1:7000"}) || !o.IsClusterMode || o.DB != 0 {
					t.Errorf("%+v", o)
				}
			}},
		{"unix socket", map[string]string{"REDIS_URL": "unix:///run/redis.sock?db=2"}, "*redis.Client",
			func(t *testing.T, o *redis.UniversalOptions) {
				if o.Dialer == nil || o.DB != 2 || o.Addrs[0] != "/run/redis.sock" {
					t.Errorf("%+v", o)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(mapenv(tt.env), nil)
			if err != nil {
				t.Fatal(err)
			}
			o := redisOptions(cfg)
			tt.check(t, o)
			c := newRedisClient(cfg)
			defer c.Close()
			if got := typeName(c); got != tt.client {
				t.Errorf("newRedisClient made %s, want %s", got, tt.client)
			}
			if cc, ok := c.(*redis.ClusterClient); ok && cc.Options().ClusterStateReloadInterval != clusterStateReload {
				t.Errorf("the cluster client re-reads the slot map every %s, want %s",
					cc.Options().ClusterStateReloadInterval, clusterStateReload)
			}
		})
	}
}

func mapenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func typeName(v any) string {
	switch v.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	default:
		return "other"
	}
}

// TestRedisClientReal connects to the test Redis through the configuration path.
func TestRedisClientReal(t *testing.T) {
	cfg, err := config.Load(mapenv(map[string]string{"REDIS_URL": redistest.URL(t)}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := newRedisClient(cfg)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := redistest.Prefix(t) + ":config"
	if err := c.Set(ctx, key, "ok", time.Minute).Err(); err != nil {
		t.Fatalf("SET through the configured client: %v", err)
	}
	if v, err := c.Get(ctx, key).Result(); err != nil || v != "ok" {
		t.Fatalf("GET = %q, %v", v, err)
	}
}
