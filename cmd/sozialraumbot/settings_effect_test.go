package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/htmltext"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// probeReplier records the conversation's output; everybody administers.
type probeReplier struct{ handlerstest.Recorder }

func (*probeReplier) IsChatAdmin(context.Context, int64, int64) (bool, error) { return true, nil }

// say hands a private message of user 4242 to the app's conversation and
// returns the plain text of its answers and the data of their buttons.
func say(t *testing.T, a *app, text string) string {
	t.Helper()
	r := &probeReplier{}
	u := handlers.Update{ID: 1, ChatID: 4242, Private: true, User: handlers.User{ID: 4242, LanguageCode: "uk"}, Text: text}
	if err := a.live.cur.Load().handler.Handle(context.Background(), r, u); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range r.Messages(4242) {
		b.WriteString(htmltext.Plain(m.Text))
		for _, row := range m.Buttons {
			for _, btn := range row {
				b.WriteString(" [" + btn.Data + "]")
			}
		}
	}
	return b.String()
}

// redisClient describes the Redis client the app wired.
func redisClient(a *app) string {
	switch c := a.rdb.(type) {
	case *redis.Client:
		o := c.Options()
		return fmt.Sprintf("single %s db %d user %q pw %q dial %v read %v write %v pool %d/%v retries %d",
			o.Addr, o.DB, o.Username, o.Password, o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolSize, o.PoolTimeout, o.MaxRetries)
	case *redis.ClusterClient:
		return fmt.Sprintf("cluster %v", c.Options().Addrs)
	}
	return fmt.Sprintf("%T", a.rdb)
}

// setting is one documented setting: values that differ from the base and what
// of the wired process shows it.
type settingEffect struct {
	base, changed map[string]string
	probe         func(t *testing.T, cfg config.Config, a *app) string
}

func settingEffects(t *testing.T) map[string]settingEffect {
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	botOpt := func(f func(a *app) any) func(*testing.T, config.Config, *app) string {
		return func(_ *testing.T, _ config.Config, a *app) string { return fmt.Sprint(f(a)) }
	}
	client := func(_ *testing.T, _ config.Config, a *app) string { return redisClient(a) }
	redisOpts := func(_ *testing.T, cfg config.Config, _ *app) string {
		// Sentinel: the client hides its master behind its dialer; the app builds
		// it from exactly these options (newRedisClient).
		o := redisOptions(cfg)
		return fmt.Sprintf("%v %q", o.Addrs, o.MasterName)
	}
	logged := func(_ *testing.T, cfg config.Config, _ *app) string {
		var buf bytes.Buffer
		l := newLogger(cfg, &buf) // what serve logs through
		l.Debug("probe")
		return buf.String()
	}
	callbacks := func(_ *testing.T, _ config.Config, a *app) string {
		c := a.live.cur.Load().handler.CallbackConfig()
		return fmt.Sprint(c.RemindAfter, c.EscalateAfter, c.Hours, c.DailyCap)
	}
	sentinel := map[string]string{"REDIS_SENTINEL_ADDRS": "127.0.0.1:26379", "REDIS_SENTINEL_MASTER": "heide"}
	webhook := map[string]string{"BOT_MODE": "webhook", "WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "s3cret"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	return map[string]settingEffect{
		"TELEGRAM_BOT_TOKEN": {changed: map[string]string{"TELEGRAM_BOT_TOKEN": "654321:ZZyyXXwwVVuuTTssRRqqPPoo"},
			probe: botOpt(func(a *app) any { return a.bot.Options().Token })},
		"TELEGRAM_API_URL": {changed: map[string]string{"TELEGRAM_API_URL": "http://127.0.0.1:8081"},
			probe: botOpt(func(a *app) any { return a.bot.Options().APIURL })},
		"BOT_MODE": {changed: webhook, probe: botOpt(func(a *app) any { return a.bot.Options().Mode })},
		"WEBHOOK_LISTEN": {base: webhook, changed: with(webhook, "WEBHOOK_LISTEN", ":8444"),
			probe: botOpt(func(a *app) any { return a.bot.Options().Webhook.Listen })},
		"WEBHOOK_URL": {base: webhook, changed: with(webhook, "WEBHOOK_URL", "https://other.example.org/tg"),
			probe: botOpt(func(a *app) any { return a.bot.Options().Webhook.PublicURL })},
		"WEBHOOK_SECRET": {base: webhook, changed: with(webhook, "WEBHOOK_SECRET", "other_secret"),
			probe: botOpt(func(a *app) any { return a.bot.Options().Webhook.SecretToken })},
		"REDIS_URL":      {changed: map[string]string{"REDIS_URL": "redis://user:pw@127.0.0.1:6390/3"}, probe: client},
		"REDIS_PASSWORD": {changed: map[string]string{"REDIS_PASSWORD": "geheim"}, probe: client},
		"REDIS_PREFIX": {changed: map[string]string{"REDIS_PREFIX": redistest.Prefix(t) + "x"},
			probe: func(t *testing.T, cfg config.Config, a *app) string {
				say(t, a, "Dorfmark")
				n := a.rdb.Exists(context.Background(), cfg.Redis.Prefix+":chat:4242").Val()
				return fmt.Sprintf("%s: %d", cfg.Redis.Prefix, n)
			}},
		"REDIS_SENTINEL_ADDRS":  {base: with(sentinel, "REDIS_SENTINEL_ADDRS", "127.0.0.1:26380"), changed: sentinel, probe: redisOpts},
		"REDIS_SENTINEL_MASTER": {base: sentinel, changed: with(sentinel, "REDIS_SENTINEL_MASTER", "other"), probe: redisOpts},
		"REDIS_CLUSTER_ADDRS": {changed: map[string]string{"REDIS_CLUSTER_ADDRS": "127.0.0.1:7000", "REDIS_PREFIX": "{srb}"},
			probe: client},
		"REDIS_DIAL_TIMEOUT":  {changed: map[string]string{"REDIS_DIAL_TIMEOUT": "123ms"}, probe: client},
		"REDIS_READ_TIMEOUT":  {changed: map[string]string{"REDIS_READ_TIMEOUT": "234ms"}, probe: client},
		"REDIS_WRITE_TIMEOUT": {changed: map[string]string{"REDIS_WRITE_TIMEOUT": "345ms"}, probe: client},
		"REDIS_POOL_SIZE":     {changed: map[string]string{"REDIS_POOL_SIZE": "3"}, probe: client},
		"REDIS_POOL_TIMEOUT":  {changed: map[string]string{"REDIS_POOL_TIMEOUT": "456ms"}, probe: client},
		"REDIS_MAX_RETRIES":   {changed: map[string]string{"REDIS_MAX_RETRIES": "4"}, probe: client},
		"OPS_LISTEN": {changed: map[string]string{"OPS_LISTEN": "off"},
			probe: botOpt(func(a *app) any { return a.ops != nil })},
		"LOG_LEVEL":  {changed: map[string]string{"LOG_LEVEL": "debug"}, probe: logged},
		"LOG_FORMAT": {changed: map[string]string{"LOG_FORMAT": "text", "LOG_LEVEL": "debug"}, base: map[string]string{"LOG_LEVEL": "debug"}, probe: logged},
		"OPERATOR": {changed: map[string]string{"OPERATOR": "Stadt Walsrode, Jugendamt"},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/datenschutz") }},
		"LANGUAGES": {changed: map[string]string{"LANGUAGES": "de,en"},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/sprache") }},
		"DIRECTORY_FILE": {changed: map[string]string{"DIRECTORY_FILE": filepath.Join("..", "..", "directory", "testdata", "small.yaml")},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/bezirke") }},
		"STATE_TTL": {changed: map[string]string{"STATE_TTL": "48h"},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/datenschutz") }},
		"MAX_CONCURRENCY": {changed: map[string]string{"MAX_CONCURRENCY": "3"},
			probe: botOpt(func(a *app) any { return a.bot.Options().MaxConcurrency })},
		"LOCK_LEASE": {changed: map[string]string{"LOCK_LEASE": "9s"},
			probe: botOpt(func(a *app) any { return a.bot.Options().LockLease })},
		"REPLY_MAX_AGE": {changed: map[string]string{"REPLY_MAX_AGE": "2h"},
			probe: botOpt(func(a *app) any { return a.bot.Options().ReplyMaxAge })},
		"BROADCAST_RATE": {changed: map[string]string{"BROADCAST_RATE": "5"},
			probe: botOpt(func(a *app) any { return a.broadcast.Options().Rate })},
		"BROADCAST_PER_CHAT_INTERVAL": {changed: map[string]string{"BROADCAST_PER_CHAT_INTERVAL": "3s"},
			probe: botOpt(func(a *app) any { return a.broadcast.Options().PerChatInterval })},
		"BROADCAST_MAX_ATTEMPTS": {changed: map[string]string{"BROADCAST_MAX_ATTEMPTS": "9"},
			probe: botOpt(func(a *app) any { return a.broadcast.Options().MaxAttempts })},
		"BROADCAST_QUIET_HOURS": {changed: map[string]string{"BROADCAST_QUIET_HOURS": "off"},
			probe: botOpt(func(a *app) any { return fmt.Sprintf("%+v", a.broadcast.Options().Quiet) })},
		"BROADCAST_CLAIM_IDLE": {changed: map[string]string{"BROADCAST_CLAIM_IDLE": "11s"},
			probe: botOpt(func(a *app) any { return a.broadcast.Options().ClaimIdle })},
		"SOZIALRAUMBOT_CONFIG": {changed: map[string]string{"SOZIALRAUMBOT_CONFIG": file("ttl.yaml", "state_ttl: 48h\n")},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/datenschutz") }},
		"staff": {changed: map[string]string{"SOZIALRAUMBOT_CONFIG": file("staff.yaml", "staff:\n  - {user_id: 4242, all: true}\n")},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/ankuendigung") }},
		"CALLBACK_REMIND_AFTER":   {changed: map[string]string{"CALLBACK_REMIND_AFTER": "90m"}, probe: callbacks},
		"CALLBACK_ESCALATE_AFTER": {changed: map[string]string{"CALLBACK_ESCALATE_AFTER": "5h"}, probe: callbacks},
		"CALLBACK_WORKING_HOURS":  {changed: map[string]string{"CALLBACK_WORKING_HOURS": "Mo-Do 08:00-12:00"}, probe: callbacks},
		"CALLBACK_KEEP_DAYS": {changed: map[string]string{"CALLBACK_KEEP_DAYS": "3"},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/datenschutz") }},
		"CALLBACK_MAX_AGE": {changed: map[string]string{"CALLBACK_MAX_AGE": "336h"},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "/datenschutz") }},
		"CALLBACK_DAILY_CAP": {changed: map[string]string{"CALLBACK_DAILY_CAP": "1"}, probe: callbacks},
		"callbacks.routes": {changed: map[string]string{"SOZIALRAUMBOT_CONFIG": file("routes.yaml",
			"callbacks:\n  routes:\n    - {district: bad-fallingbostel-osterheide, chat_id: -100123}\n")},
			probe: func(t *testing.T, _ config.Config, a *app) string { return say(t, a, "Dorfmark") }},
	}
}

// documentedSettings lists the settings of README.md's configuration table:
// environment variables, or the YAML key for file-only settings.
func documentedSettings(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "| variable | YAML key | default | meaning |")
	if !ok {
		t.Fatal("README.md has no configuration table")
	}
	row := regexp.MustCompile("^\\| (?:`([A-Z0-9_]+)`[^|]*|– )\\| (?:`([a-z_.]+)`|–) \\|")
	var out []string
	for _, line := range strings.Split(table, "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		m := row.FindStringSubmatch(line)
		switch {
		case m == nil:
			t.Errorf("unreadable row of the configuration table: %s", line)
		case m[1] != "":
			out = append(out, m[1])
		default:
			out = append(out, m[2])
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d settings found in the README table", len(out))
	}
	return out
}

// TestEveryDocumentedSettingHasAnEffect: a setting must change behaviour or not
// exist. For each setting of the README's configuration table, the process
// serve wires (newApp, the logger) is built with the default and with another
// value, and something observable differs: an answer of the conversation, a key
// in Redis, an option of the bot, the Redis client or the broadcast worker.
func TestEveryDocumentedSettingHasAnEffect(t *testing.T) {
	effects := settingEffects(t)
	documented := documentedSettings(t)
	for name := range effects {
		if !strings.Contains(strings.Join(documented, " ")+" ", name+" ") {
			t.Errorf("%s has an effect test but is not in the README's configuration table", name)
		}
	}
	common := map[string]string{
		"TELEGRAM_BOT_TOKEN": "123456:AAbbCCddEEffGGhhIIjjKKll",
		"OPERATOR":           "Landkreis Heidekreis",
		"REDIS_URL":          redistest.URL(t),
	}
	build := func(t *testing.T, envs map[string]string) (config.Config, *app) {
		t.Helper()
		all := map[string]string{"REDIS_PREFIX": redistest.Prefix(t)}
		for _, m := range []map[string]string{common, envs} {
			for k, v := range m {
				all[k] = v
			}
		}
		cfg, err := config.Load(func(k string) string { return all[k] }, nil)
		if err != nil {
			t.Fatalf("%v", err)
		}
		a, err := newApp(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.rdb.Close() })
		return cfg, a
	}
	for _, name := range documented {
		t.Run(name, func(t *testing.T) {
			e, ok := effects[name]
			if !ok {
				t.Fatalf("%s is documented but has no test of its effect: a setting must change behaviour or not exist", name)
			}
			cfgA, a := build(t, e.base)
			changed := map[string]string{}
			for k, v := range e.base {
				changed[k] = v
			}
			for k, v := range e.changed {
				changed[k] = v
			}
			cfgB, b := build(t, changed)
			pa, pb := e.probe(t, cfgA, a), e.probe(t, cfgB, b)
			if pa == pb {
				t.Errorf("%s=%v changes nothing observable: %q", name, e.changed, pa)
			}
		})
	}
}
