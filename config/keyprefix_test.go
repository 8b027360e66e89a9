package config

import "testing"

// TestKeyPrefix: with Redis Cluster a prefix without braces becomes the hash
// tag itself (the default srb works unchanged); a prefix with a hash tag and
// every prefix of a single node or Sentinel are kept as they are.
func TestKeyPrefix(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"single node default", nil, "srb"},
		{"single node with braces", map[string]string{"REDIS_PREFIX": "{srb}"}, "{srb}"},
		{"sentinel", map[string]string{"REDIS_SENTINEL_ADDRS": "s1:26379", "REDIS_SENTINEL_MASTER": "m", "REDIS_PREFIX": "heide"}, "heide"},
		{"cluster default", map[string]string{"REDIS_CLUSTER_ADDRS": "c1:6379"}, "{srb}"},
		{"cluster without hash tag", map[string]string{"REDIS_CLUSTER_ADDRS": "c1:6379", "REDIS_PREFIX": "heide:srb"}, "{heide:srb}"},
		{"cluster with hash tag", map[string]string{"REDIS_CLUSTER_ADDRS": "c1:6379", "REDIS_PREFIX": "{srb}"}, "{srb}"},
		{"cluster with inner hash tag", map[string]string{"REDIS_CLUSTER_ADDRS": "c1:6379", "REDIS_PREFIX": "heide:{srb}"}, "heide:{srb}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(mapenv(tt.env), nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := cfg.Redis.KeyPrefix(); got != tt.want {
				t.Errorf("KeyPrefix() = %q, want %q", got, tt.want)
			}
			if !hashTagRE.MatchString(cfg.Redis.KeyPrefix()) && len(cfg.Redis.ClusterAddrs) > 0 {
				t.Errorf("KeyPrefix() = %q has no hash tag", cfg.Redis.KeyPrefix())
			}
		})
	}
}
