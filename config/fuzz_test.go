package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary values to a setting and arbitrary YAML to the file:
// Load must never panic, must return either a valid configuration or a
// *SettingError, and must never reveal the token, even when it is malformed.
func FuzzLoad(f *testing.F) {
	full, err := os.ReadFile(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), "redis://:pw@h:1/0", string(full))
	f.Add(uint8(3), "1s", "staff:\n  - {user_id: 1, all: true}\n")
	f.Add(uint8(7), "NaN", "broadcast: {rate: 1e400}\n")
	f.Add(uint8(9), "de,,xx", "languages: [\"\"]\n")
	f.Add(uint8(2), "webhook", "telegram: {webhook_url: 'https://a:b@x/'}\n")
	keys := []string{}
	for _, s := range settingsOf(&Config{}) {
		if s.Env != "SOZIALRAUMBOT_CONFIG" && s.Env != "TELEGRAM_BOT_TOKEN" {
			keys = append(keys, s.Env)
		}
	}
	f.Fuzz(func(t *testing.T, key uint8, value, yaml string) {
		path := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{
			"SOZIALRAUMBOT_CONFIG":   path,
			"TELEGRAM_BOT_TOKEN":     "987654321:" + strings.Repeat("Zq", 18) + value,
			keys[int(key)%len(keys)]: value,
		}
		cfg, err := Load(mapenv(env), nil)
		out := cfg.Masked()
		if err != nil {
			if !strings.Contains(err.Error(), ":") {
				t.Errorf("error names no setting: %v", err)
			}
			out += err.Error()
		}
		if strings.Contains(out, strings.Repeat("Zq", 18)) {
			t.Errorf("token revealed:\n%s", out)
		}
	})
}
