package config

import (
	"strings"
	"testing"
	"time"
)

// TestDeliverySettings: LOCK_LEASE and REPLY_MAX_AGE have defaults, are read
// from the environment and the file, and are checked against their limits.
func TestDeliverySettings(t *testing.T) {
	cfg, err := Load(mapenv(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LockLease != 5*time.Second || cfg.ReplyMaxAge != 6*time.Hour {
		t.Errorf("defaults: lease %s, max age %s", cfg.LockLease, cfg.ReplyMaxAge)
	}
	cfg, err = Load(mapenv(map[string]string{"LOCK_LEASE": "2s", "REPLY_MAX_AGE": "12h"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LockLease != 2*time.Second || cfg.ReplyMaxAge != 12*time.Hour || cfg.Source("LOCK_LEASE") != SourceEnv {
		t.Errorf("from env: lease %s, max age %s, source %s", cfg.LockLease, cfg.ReplyMaxAge, cfg.Source("LOCK_LEASE"))
	}
	if m := cfg.Masked(); !strings.Contains(m, "LOCK_LEASE") || !strings.Contains(m, "REPLY_MAX_AGE") {
		t.Errorf("sozialraumbot config does not show the settings:\n%s", m)
	}
	for _, tc := range []struct{ key, value, want string }{
		{"LOCK_LEASE", "100ms", "1s to 5m0s"},
		{"LOCK_LEASE", "1h", "1s to 5m0s"},
		{"REPLY_MAX_AGE", "30s", "1h0m0s to 24h0m0s"},
		{"REPLY_MAX_AGE", "48h", "1h0m0s to 24h0m0s"},
	} {
		_, err := Load(mapenv(map[string]string{tc.key: tc.value}), nil)
		if err == nil || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: err %v, want it to name the setting and %q", tc.key, tc.value, err, tc.want)
		}
	}
}
