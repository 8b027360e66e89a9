package main

import (
	"context"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config"
)

// redisOptions returns go-redis options for the configured topology: Sentinel
// (REDIS_SENTINEL_ADDRS + REDIS_SENTINEL_MASTER), Cluster (REDIS_CLUSTER_ADDRS,
// IsClusterMode set so even one seed address makes a cluster client) or the
// single node of REDIS_URL. Username, password, database and TLS come from
// REDIS_URL in every topology; REDIS_PASSWORD overrides the URL's password.
// Pass the result to redis.NewUniversalClient. It must only be called on a
// Config that config.Load accepted.
func redisOptions(c config.Config) *redis.UniversalOptions {
	o, err := redis.ParseURL(c.Redis.URL)
	if err != nil { // Load rejects such a URL; keep the defaults rather than panic
		o = &redis.Options{Addr: "127.0.0.1:6379"}
	}
	u := &redis.UniversalOptions{
		Addrs:      []string{o.Addr},
		DB:         o.DB,
		Username:   o.Username,
		Password:   o.Password,
		TLSConfig:  o.TLSConfig,
		ClientName: "sozialraumbot",
		// A few more connections than handlers, for broadcast workers and dedup.
		PoolSize: c.MaxConcurrency + 16,
		// Fail fast (REDIS_*_TIMEOUT, REDIS_MAX_RETRIES): a parent waits for the
		// answer, and the conversation answers without memory when Redis is gone.
		DialTimeout:     c.Redis.DialTimeout,
		ReadTimeout:     c.Redis.ReadTimeout,
		WriteTimeout:    c.Redis.WriteTimeout,
		PoolTimeout:     c.Redis.PoolTimeout,
		MaxRetries:      c.Redis.MaxRetries,
		MinRetryBackoff: 8 * time.Millisecond,
		MaxRetryBackoff: 64 * time.Millisecond,
	}
	if c.Redis.PoolSize > 0 {
		u.PoolSize = c.Redis.PoolSize
	}
	if u.MaxRetries == 0 {
		u.MaxRetries = -1 // go-redis reads 0 as its default (3); -1 is none
	}
	if o.Network == "unix" { // unix:///run/redis.sock: UniversalOptions has no Network
		u.Dialer = func(ctx context.Context, _, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", addr)
		}
	}
	if c.Redis.Password.IsSet() {
		u.Password = c.Redis.Password.Reveal()
	}
	switch {
	case len(c.Redis.SentinelAddrs) > 0:
		u.Addrs = append([]string(nil), c.Redis.SentinelAddrs...)
		u.MasterName = c.Redis.SentinelMaster
		// Sentinels usually share the data nodes' password.
		u.SentinelPassword = u.Password
	case len(c.Redis.ClusterAddrs) > 0:
		u.Addrs = append([]string(nil), c.Redis.ClusterAddrs...)
		u.IsClusterMode = true
		u.DB = 0
	}
	return u
}

// clusterStateReload is how often a Cluster client re-reads the slot map.
// go-redis re-reads it at once on MOVED, but a master that crashed answers
// nothing, so until the next periodic re-read the client keeps sending the
// bot's slot to it, even after its replica took over. go-redis' default is 60 s:
// the failover drill measured the bot answering from Redis again 59 s after a
// failover that took 3 s. Re-reading every second costs one CLUSTER SLOTS a
// second per replica, and only while commands are sent.
const clusterStateReload = time.Second

// newRedisClient connects to the configured Redis (single node, Sentinel or
// Cluster). The caller closes it.
func newRedisClient(c config.Config) redis.UniversalClient {
	o := redisOptions(c)
	if o.IsClusterMode {
		co := o.Cluster()
		co.ClusterStateReloadInterval = clusterStateReload
		return redis.NewClusterClient(co)
	}
	return redis.NewUniversalClient(o)
}
