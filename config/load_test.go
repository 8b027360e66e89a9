package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testToken has the shape of a real bot token; it is not one.
const testToken = "123456789:AAExampleExampleExampleExample_-xyz"

func mapenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	cfg, err := Load(mapenv(nil), nil)
	if err != nil {
		t.Fatalf("Load with no settings: %v", err)
	}
	want := Defaults()
	want.sources = cfg.sources
	if cfg.Masked() != want.Masked() {
		t.Errorf("defaults changed by Load:\n%s\nwant\n%s", cfg.Masked(), want.Masked())
	}
	if cfg.Telegram.APIURL != "https://api.telegram.org" || cfg.Redis.URL != "redis://127.0.0.1:6379/0" ||
		cfg.Redis.Prefix != "srb" || cfg.OpsListen != "127.0.0.1:9090" || cfg.StateTTL != 720*time.Hour ||
		cfg.MaxConcurrency != 16 || cfg.Broadcast.Rate != 25 || cfg.Broadcast.PerChatInterval != time.Second ||
		cfg.Broadcast.MaxAttempts != 5 || cfg.Telegram.Mode != ModePolling || cfg.Log.Level != "info" {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
	if got := cfg.Source("REDIS_URL"); got != SourceDefault {
		t.Errorf("Source(REDIS_URL) = %q, want default", got)
	}
	// Without token and operator, serve must refuse, naming both.
	err = cfg.CheckServe()
	for _, name := range []string{"TELEGRAM_BOT_TOKEN", "OPERATOR"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("CheckServe() = %v, want a problem naming %s", err, name)
		}
	}
}

func TestEnvironment(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":          testToken,
		"TELEGRAM_API_URL":            "http://127.0.0.1:8081/",
		"REDIS_URL":                   "redis://:pw@redis:6379/3",
		"REDIS_PREFIX":                "kreis",
		"OPS_LISTEN":                  "off",
		"LOG_LEVEL":                   "WARN",
		"LOG_FORMAT":                  "text",
		"OPERATOR":                    "Landkreis Heidekreis",
		"LANGUAGES":                   "de, en ,uk",
		"STATE_TTL":                   "24h",
		"MAX_CONCURRENCY":             "4",
		"BROADCAST_RATE":              "12.5",
		"BROADCAST_PER_CHAT_INTERVAL": "3s",
		"BROADCAST_MAX_ATTEMPTS":      "2",
		"BROADCAST_QUIET_HOURS":       "21:30-07:00",
	}
	cfg, err := Load(mapenv(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckServe(); err != nil {
		t.Errorf("CheckServe: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"token", cfg.Telegram.Token.Reveal(), testToken},
		{"api url trailing slash trimmed", cfg.Telegram.APIURL, "http://127.0.0.1:8081"},
		{"redis url", cfg.Redis.URL, "redis://:pw@redis:6379/3"},
		{"prefix", cfg.Redis.Prefix, "kreis"},
		{"ops off", cfg.OpsListen, ""},
		{"level lowercased", cfg.Log.Level, "warn"},
		{"format", cfg.Log.Format, "text"},
		{"languages trimmed", strings.Join(cfg.Languages, "|"), "de|en|uk"},
		{"ttl", cfg.StateTTL, 24 * time.Hour},
		{"concurrency", cfg.MaxConcurrency, 4},
		{"rate", cfg.Broadcast.Rate, 12.5},
		{"interval", cfg.Broadcast.PerChatInterval, 3 * time.Second},
		{"attempts", cfg.Broadcast.MaxAttempts, 2},
		{"quiet hours", cfg.Broadcast.QuietHours, "21:30-07:00"},
		{"source", cfg.Source("STATE_TTL"), SourceEnv},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestFileThenEnvThenFlags(t *testing.T) {
	env := map[string]string{
		"SOZIALRAUMBOT_CONFIG": filepath.Join("testdata", "full.yaml"),
		"WEBHOOK_SECRET":       "s3cr3t_-X",
		"LOG_LEVEL":            "error", // env wins over the file's debug
		"MAX_CONCURRENCY":      "32",
	}
	cfg, err := Load(mapenv(env), []string{"-log-level", "warn"}) // the flag wins over env
	if err != nil {
		t.Fatal(err)
	}
	if cfg.File != env["SOZIALRAUMBOT_CONFIG"] {
		t.Errorf("File = %q", cfg.File)
	}
	if cfg.Log.Level != "warn" || cfg.Source("LOG_LEVEL") != SourceFlag {
		t.Errorf("log level = %q from %s, want warn from flag", cfg.Log.Level, cfg.Source("LOG_LEVEL"))
	}
	if cfg.MaxConcurrency != 32 || cfg.Source("MAX_CONCURRENCY") != SourceEnv {
		t.Errorf("max concurrency = %d from %s, want 32 from env", cfg.MaxConcurrency, cfg.Source("MAX_CONCURRENCY"))
	}
	if cfg.Log.Format != "text" || cfg.Source("LOG_FORMAT") != SourceFile {
		t.Errorf("log format = %q from %s, want text from file", cfg.Log.Format, cfg.Source("LOG_FORMAT"))
	}
	if cfg.Telegram.Mode != ModeWebhook || cfg.Telegram.WebhookURL != "https://bot.example.org/telegram" ||
		cfg.Telegram.WebhookListen != ":8443" || cfg.OpsListen != ":9091" {
		t.Errorf("telegram from file: %+v, ops %q", cfg.Telegram, cfg.OpsListen)
	}
	if cfg.Redis.URL != "redis://10.0.0.5:6379/2" || cfg.Redis.Prefix != "heide" ||
		cfg.Redis.DialTimeout != 250*time.Millisecond || cfg.Redis.ReadTimeout != 300*time.Millisecond ||
		cfg.Redis.WriteTimeout != 350*time.Millisecond || cfg.Redis.PoolSize != 40 ||
		cfg.Redis.PoolTimeout != 2*time.Second || cfg.Redis.MaxRetries != 2 {
		t.Errorf("redis from file: %+v", cfg.Redis)
	}
	if cfg.Broadcast.Rate != 20 || cfg.Broadcast.PerChatInterval != 2*time.Second || cfg.Broadcast.MaxAttempts != 3 ||
		cfg.Broadcast.ClaimIdle != 3*time.Second {
		t.Errorf("broadcast from file: %+v", cfg.Broadcast)
	}
	if cfg.StateTTL != 168*time.Hour || !slices.Equal(cfg.Languages, []string{"de", "en", "uk"}) {
		t.Errorf("ttl %s, languages %v", cfg.StateTTL, cfg.Languages)
	}
	if cfg.Redis.SentinelMaster != "" || cfg.Telegram.APIURL != "https://api.telegram.org" {
		t.Errorf("defaults not kept for settings absent from the file: %+v", cfg)
	}
	staff := cfg.Staff
	if len(staff) != 2 || staff[0].UserID != 111 || !slices.Equal(staff[0].Districts, []string{"walsrode", "munster-bispingen"}) ||
		staff[0].All || staff[1].UserID != 222 || !staff[1].All {
		t.Errorf("staff = %+v", staff)
	}
	if err := cfg.CheckDistricts([]string{"walsrode", "munster-bispingen"}); err != nil {
		t.Errorf("CheckDistricts: %v", err)
	}
	err = cfg.CheckDistricts([]string{"walsrode"})
	if err == nil || !strings.Contains(err.Error(), "staff[0].districts") || !strings.Contains(err.Error(), "munster-bispingen") {
		t.Errorf("CheckDistricts with a missing district = %v", err)
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN_FILE": write("token", testToken+"\n"),
		"REDIS_PASSWORD_FILE":     write("redis", "  redispw\n"),
		"WEBHOOK_SECRET_FILE":     write("hook", "abc_DEF-123"),
	}
	cfg, err := Load(mapenv(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.Token.Reveal() != testToken || cfg.Redis.Password.Reveal() != "redispw" ||
		cfg.Telegram.WebhookSecret.Reveal() != "abc_DEF-123" {
		t.Errorf("secrets from files not read and trimmed: %q %q %q", cfg.Telegram.Token.Reveal(),
			cfg.Redis.Password.Reveal(), cfg.Telegram.WebhookSecret.Reveal())
	}
	if got := cfg.Source("TELEGRAM_BOT_TOKEN"); got != "env (TELEGRAM_BOT_TOKEN_FILE)" {
		t.Errorf("Source = %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	webhook := map[string]string{"BOT_MODE": "webhook", "WEBHOOK_URL": "https://x.example/hook", "WEBHOOK_SECRET": "abc"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		setting string // must appear in the error
		problem string // must appear in the error too
	}{
		{"token shape", with(nil, "TELEGRAM_BOT_TOKEN", "not-a-token"), nil, "TELEGRAM_BOT_TOKEN", "does not look like a bot token"},
		{"token and file", with(nil, "TELEGRAM_BOT_TOKEN", testToken, "TELEGRAM_BOT_TOKEN_FILE", empty), nil, "TELEGRAM_BOT_TOKEN_FILE", "set only one"},
		{"token file missing", with(nil, "TELEGRAM_BOT_TOKEN_FILE", filepath.Join(dir, "nope")), nil, "TELEGRAM_BOT_TOKEN_FILE", "cannot read"},
		{"token file empty", with(nil, "TELEGRAM_BOT_TOKEN_FILE", empty), nil, "TELEGRAM_BOT_TOKEN_FILE", "empty file"},
		{"api url scheme", with(nil, "TELEGRAM_API_URL", "ftp://api"), nil, "TELEGRAM_API_URL", "scheme"},
		{"api url host", with(nil, "TELEGRAM_API_URL", "https://"), nil, "TELEGRAM_API_URL", "no host"},
		{"mode", with(nil, "BOT_MODE", "push"), nil, "BOT_MODE", "polling or webhook"},
		{"mode flag", nil, []string{"-mode", "push"}, "BOT_MODE", "polling or webhook"},
		{"webhook url missing", with(webhook, "WEBHOOK_URL", ""), nil, "WEBHOOK_URL", "required"},
		{"webhook url http", with(webhook, "WEBHOOK_URL", "http://x.example/hook"), nil, "WEBHOOK_URL", "https"},
		{"webhook secret missing", with(webhook, "WEBHOOK_SECRET", ""), nil, "WEBHOOK_SECRET", "required"},
		{"webhook secret chars", with(webhook, "WEBHOOK_SECRET", "no spaces"), nil, "WEBHOOK_SECRET", "A-Z a-z 0-9 _ -"},
		{"webhook secret long", with(webhook, "WEBHOOK_SECRET", strings.Repeat("a", 257)), nil, "WEBHOOK_SECRET", "1-256"},
		{"webhook listen", with(webhook, "WEBHOOK_LISTEN", "8080"), nil, "WEBHOOK_LISTEN", "listen address"},
		{"webhook port clash", with(webhook, "WEBHOOK_LISTEN", ":9090", "OPS_LISTEN", "127.0.0.1:9090"), nil, "WEBHOOK_LISTEN", "same port"},
		{"redis url", with(nil, "REDIS_URL", "http://:hunter2@x"), nil, "REDIS_URL", "redis://"},
		{"redis url unparsable", with(nil, "REDIS_URL", "redis://u:hunter2@x:port/0"), nil, "REDIS_URL", "redis://"},
		{"redis prefix", with(nil, "REDIS_PREFIX", "a b"), nil, "REDIS_PREFIX", "1-64"},
		{"sentinel without master", with(nil, "REDIS_SENTINEL_ADDRS", "s1:26379"), nil, "REDIS_SENTINEL_MASTER", "required"},
		{"master without sentinels", with(nil, "REDIS_SENTINEL_MASTER", "mymaster"), nil, "REDIS_SENTINEL_ADDRS", "required"},
		{"sentinel addr", with(nil, "REDIS_SENTINEL_ADDRS", "s1", "REDIS_SENTINEL_MASTER", "m"), nil, "REDIS_SENTINEL_ADDRS", "host:port"},
		{"cluster addr port", with(nil, "REDIS_CLUSTER_ADDRS", "c1:0", "REDIS_PREFIX", "{srb}"), nil, "REDIS_CLUSTER_ADDRS", "port"},
		{"cluster prefix with unclosed brace", with(nil, "REDIS_CLUSTER_ADDRS", "c1:6379", "REDIS_PREFIX", "{srb"), nil, "REDIS_PREFIX", "hash tag"},
		{"cluster prefix with empty hash tag", with(nil, "REDIS_CLUSTER_ADDRS", "c1:6379", "REDIS_PREFIX", "{}srb"), nil, "REDIS_PREFIX", "hash tag"},
		{"sentinel and cluster", with(nil, "REDIS_CLUSTER_ADDRS", "c1:6379", "REDIS_SENTINEL_ADDRS", "s1:26379", "REDIS_SENTINEL_MASTER", "m"), nil, "REDIS_CLUSTER_ADDRS", "not both"},
		{"cluster db", with(nil, "REDIS_CLUSTER_ADDRS", "c1:6379", "REDIS_PREFIX", "{srb}", "REDIS_URL", "redis://x:6379/4"), nil, "REDIS_URL", "database 0"},
		{"ops listen", with(nil, "OPS_LISTEN", "localhost"), nil, "OPS_LISTEN", "listen address"},
		{"log level", with(nil, "LOG_LEVEL", "verbose"), nil, "LOG_LEVEL", "debug, info, warn or error"},
		{"log format", with(nil, "LOG_FORMAT", "xml"), nil, "LOG_FORMAT", "json or text"},
		{"operator long", with(nil, "OPERATOR", strings.Repeat("x", 501)), nil, "OPERATOR", "at most 500"},
		{"languages bad tag", with(nil, "LANGUAGES", "de,xx-!!"), nil, "LANGUAGES", "not a language tag"},
		{"languages without de", with(nil, "LANGUAGES", "en,uk"), nil, "LANGUAGES", "must include de"},
		{"language without catalogue", with(nil, "LANGUAGES", "de,fr"), nil, "LANGUAGES", `"fr" has no message catalogue`},
		{"redis dial timeout", with(nil, "REDIS_DIAL_TIMEOUT", "1ms"), nil, "REDIS_DIAL_TIMEOUT", "10ms to 30s"},
		{"redis read timeout", with(nil, "REDIS_READ_TIMEOUT", "1m"), nil, "REDIS_READ_TIMEOUT", "10ms to 30s"},
		{"redis write timeout", with(nil, "REDIS_WRITE_TIMEOUT", "0s"), nil, "REDIS_WRITE_TIMEOUT", "10ms to 30s"},
		{"redis pool timeout", with(nil, "REDIS_POOL_TIMEOUT", "2m"), nil, "REDIS_POOL_TIMEOUT", "10ms to 1m0s"},
		{"redis pool size", with(nil, "REDIS_POOL_SIZE", "-1"), nil, "REDIS_POOL_SIZE", "1 to 10000"},
		{"redis retries", with(nil, "REDIS_MAX_RETRIES", "11"), nil, "REDIS_MAX_RETRIES", "0 (no retry) to 10"},
		{"claim idle", with(nil, "BROADCAST_CLAIM_IDLE", "100ms"), nil, "BROADCAST_CLAIM_IDLE", "1s to 5m"},
		{"directory file", with(nil, "DIRECTORY_FILE", filepath.Join(dir, "missing.yaml")), nil, "DIRECTORY_FILE", "cannot be read"},
		{"directory is dir", with(nil, "DIRECTORY_FILE", dir), nil, "DIRECTORY_FILE", "not a regular file"},
		{"state ttl syntax", with(nil, "STATE_TTL", "30 days"), nil, "STATE_TTL", "duration"},
		{"state ttl short", with(nil, "STATE_TTL", "1m"), nil, "STATE_TTL", "between"},
		{"state ttl long", with(nil, "STATE_TTL", "9000h"), nil, "STATE_TTL", "between"},
		{"concurrency syntax", with(nil, "MAX_CONCURRENCY", "many"), nil, "MAX_CONCURRENCY", "whole number"},
		{"concurrency zero", with(nil, "MAX_CONCURRENCY", "0"), nil, "MAX_CONCURRENCY", "1 to 1000"},
		{"rate high", with(nil, "BROADCAST_RATE", "31"), nil, "BROADCAST_RATE", "at most 30"},
		{"rate zero", with(nil, "BROADCAST_RATE", "0"), nil, "BROADCAST_RATE", "more than 0"},
		{"rate nan", with(nil, "BROADCAST_RATE", "NaN"), nil, "BROADCAST_RATE", "more than 0"},
		{"rate syntax", with(nil, "BROADCAST_RATE", "fast"), nil, "BROADCAST_RATE", "number"},
		{"per chat interval", with(nil, "BROADCAST_PER_CHAT_INTERVAL", "100ms"), nil, "BROADCAST_PER_CHAT_INTERVAL", "1s to 1h"},
		{"attempts", with(nil, "BROADCAST_MAX_ATTEMPTS", "0"), nil, "BROADCAST_MAX_ATTEMPTS", "1 to 20"},
		{"quiet hours syntax", with(nil, "BROADCAST_QUIET_HOURS", "abends"), nil, "BROADCAST_QUIET_HOURS", "20:00-08:00, or off"},
		{"quiet hours hour", with(nil, "BROADCAST_QUIET_HOURS", "24:00-08:00"), nil, "BROADCAST_QUIET_HOURS", "24-hour"},
		{"quiet hours empty window", with(nil, "BROADCAST_QUIET_HOURS", "08:00-08:00"), nil, "BROADCAST_QUIET_HOURS", "the same"},
		{"config file missing", with(nil, "SOZIALRAUMBOT_CONFIG", filepath.Join(dir, "none.yaml")), nil, "SOZIALRAUMBOT_CONFIG", "cannot read"},
		{"config unknown key", nil, []string{"-config", "testdata/unknown-key.yaml"}, "SOZIALRAUMBOT_CONFIG", `[4:3] unknown field "prefx"`},
		{"config bad type", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-type.yaml"), nil, "SOZIALRAUMBOT_CONFIG", "[2:9]"},
		{"staff user id", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-staff.yaml"), nil, "staff[0].user_id", "positive"},
		{"staff no scope", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-staff.yaml"), nil, "staff[1]", "neither all"},
		{"staff both scopes", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-staff.yaml"), nil, "staff[2]", "both all"},
		{"staff duplicate", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-staff.yaml"), nil, "staff[3].user_id", "listed twice"},
		{"staff district shape", with(nil, "SOZIALRAUMBOT_CONFIG", "testdata/bad-staff.yaml"), nil, "staff[3].districts", "not a district id"},
		{"unknown flag", nil, []string{"-nope"}, "command line", "-nope"},
		{"positional", nil, []string{"extra"}, "command line", "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(mapenv(tt.env), tt.args)
			if err == nil {
				t.Fatal("Load accepted the configuration")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.setting) || !strings.Contains(msg, tt.problem) {
				t.Errorf("error %q\nwant it to name %q and say %q", msg, tt.setting, tt.problem)
			}
			if !strings.HasPrefix(tt.setting, "command line") {
				var se *SettingError
				if !errors.As(err, &se) || !errors.Is(err, ErrInvalid) {
					t.Errorf("error is not a *SettingError wrapping ErrInvalid: %#v", err)
				}
			}
			for _, secret := range []string{testToken, "hunter2"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error reveals a secret: %q", msg)
				}
			}
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	_, err := Load(mapenv(map[string]string{"LOG_LEVEL": "loud", "BROADCAST_RATE": "99", "MAX_CONCURRENCY": "x"}), nil)
	for _, name := range []string{"LOG_LEVEL", "BROADCAST_RATE", "MAX_CONCURRENCY"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

func TestHelpFlag(t *testing.T) {
	_, err := Load(mapenv(nil), []string{"-h"})
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("Load(-h) = %v, want flag.ErrHelp", err)
	}
}

func TestAddFlagsBesideOwnFlags(t *testing.T) {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	own := fs.Bool("json", false, "")
	f := AddFlags(fs)
	if err := fs.Parse([]string{"-json", "-ops-listen", "off", "-redis-url", "redis://h:1/0"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadFlags(mapenv(map[string]string{"REDIS_URL": "redis://env:2/0"}), f)
	if err != nil {
		t.Fatal(err)
	}
	if !*own || cfg.OpsListen != "" || cfg.Redis.URL != "redis://h:1/0" {
		t.Errorf("own %v, ops %q, redis %q", *own, cfg.OpsListen, cfg.Redis.URL)
	}
}

// TestExampleFile keeps the documented example loadable and its districts real.
func TestExampleFile(t *testing.T) {
	cfg, err := Load(mapenv(map[string]string{"SOZIALRAUMBOT_CONFIG": "example.yaml"}), nil)
	if err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	if len(cfg.Staff) != 2 || cfg.Operator == "" || cfg.Source("OPERATOR") != SourceFile {
		t.Errorf("example.yaml not read fully: %+v", cfg)
	}
	districts := []string{"schneverdingen-neuenkirchen", "munster-bispingen", "soltau-wietzendorf",
		"bad-fallingbostel-osterheide", "walsrode", "ahlden-rethem-schwarmstedt"}
	if err := cfg.CheckDistricts(districts); err != nil {
		t.Error(err)
	}
}

func TestPrintFlags(t *testing.T) {
	var b strings.Builder
	PrintFlags(&b)
	for _, d := range flagDefs {
		if !strings.Contains(b.String(), "-"+d.name) || !strings.Contains(b.String(), d.env) {
			t.Errorf("PrintFlags lacks -%s (%s):\n%s", d.name, d.env, b.String())
		}
	}
}
