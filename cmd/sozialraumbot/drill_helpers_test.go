package main

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

// The drills run the serve code path (newApp + run) against bot/fakeapi and a
// real Redis, inject one kind of fault each and assert on counts and order,
// never on time: the waits below are generous upper bounds for a loaded machine.
const (
	drillToken = "4242:drill-token-0123456789abcdefXYZ"
	drillWait  = 60 * time.Second
)

// drillRedis is a throwaway redis-server owned by one drill, on its own port.
type drillRedis struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
	aof  string   // with AOF persistence: its directory (a restart replays it)
	args []string // more redis-server arguments (e.g. --replicaof)
}

// startDrillRedis starts redis-server on a free port; the test fails (never
// skips) when redis-server is not installed.
func startDrillRedis(t *testing.T) *drillRedis {
	t.Helper()
	return newDrillRedis(t, "")
}

// startDrillRedisAOF is startDrillRedis with AOF persistence (every write
// fsynced, as a careful production setup): a restart after SIGKILL replays it.
func startDrillRedisAOF(t *testing.T) *drillRedis {
	t.Helper()
	return newDrillRedis(t, t.TempDir())
}

func newDrillRedis(t *testing.T, aof string, args ...string) *drillRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("the drill needs redis-server in PATH (apt-get install redis-server): %v", err)
	}
	r := &drillRedis{t: t, port: freePort(t), aof: aof, args: args}
	r.start()
	t.Cleanup(r.kill)
	return r
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (r *drillRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// start runs redis-server and waits until it answers. Without AOF a restart
// loses everything; with it, the restart replays the AOF.
func (r *drillRedis) start() {
	r.t.Helper()
	args := []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", ""}
	if r.aof != "" {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always", "--dir", r.aof)
	} else {
		args = append(args, "--appendonly", "no", "--dir", r.t.TempDir())
	}
	args = append(args, r.args...)
	r.cmd = exec.Command("redis-server", args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("starting redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(drillWait)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on port %d does not answer", r.port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops redis-server hard (SIGKILL), as a crash would.
func (r *drillRedis) kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// client is a client of this Redis for the drill's own checks.
func (r *drillRedis) client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
	r.t.Cleanup(func() { c.Close() })
	return c
}

// drillEnv is the environment of an app under drill: vars over safe defaults.
func drillEnv(vars map[string]string) func(string) string {
	base := map[string]string{
		"TELEGRAM_BOT_TOKEN": drillToken, "OPS_LISTEN": "off", "OPERATOR": "Landkreis Heidekreis (Drill)",
		"LOG_LEVEL": "debug", "LOG_FORMAT": "text",
	}
	for k, v := range vars {
		base[k] = v
	}
	return func(k string) string { return base[k] }
}

// drillApp is one running app (the serve code path) in this process.
type drillApp struct {
	log    *handlerstest.Log
	cancel context.CancelFunc
	done   chan error
}

// startDrillApp runs newApp + run with the given environment until the test
// ends; at the end it checks a clean shutdown, no panic and no token in the log.
func startDrillApp(t *testing.T, vars map[string]string) *drillApp {
	t.Helper()
	return startDrillAppWith(t, vars, appOptions{})
}

// startDrillAppWith is startDrillApp with app options (e.g. a Redis client of the drill's own).
func startDrillAppWith(t *testing.T, vars map[string]string, o appOptions) *drillApp {
	t.Helper()
	cfg, err := config.LoadFlags(drillEnv(vars), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &drillApp{log: &handlerstest.Log{}, done: make(chan error, 1)}
	o.noOps = true
	a, err := newApp(cfg, newLogger(cfg, d.log), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go func() { d.done <- a.run(ctx) }()
	t.Cleanup(func() {
		if err := d.stop(); err != nil {
			t.Errorf("app: %v", err)
		}
		logs := d.log.String()
		for _, bad := range []string{"panic", "goroutine ", drillToken} {
			if strings.Contains(logs, bad) {
				t.Errorf("the log contains %q:\n%s", bad, logs)
			}
		}
	})
	return d
}

// stop ends the app gracefully and returns run's error.
func (d *drillApp) stop() error {
	d.cancel()
	select {
	case err := <-d.done:
		d.done <- err // stop may be called again
		return err
	case <-time.After(drillWait):
		return fmt.Errorf("run did not return within %s", drillWait)
	}
}

// drillPlaces returns n places whose exact name the directory resolves to
// themselves, each in a different spelling-free form, to tell replies apart.
func drillPlaces(t *testing.T, n int) []string {
	t.Helper()
	dir, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range dir.Places() {
		if seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		r := dir.Resolve(p.Name)
		if r.Status == directory.StatusMatch && r.Place != nil && r.Place.Name == p.Name {
			out = append(out, p.Name)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("only %d places resolve to themselves", len(out))
	return nil
}

// cardPlace is the place a card names ("📍 <b>Dorfmark</b> gehört zum ..."), unescaped; "" for other texts.
func cardPlace(text string) string {
	_, rest, ok := strings.Cut(text, "📍 <b>")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "</b>")
	return html.UnescapeString(name)
}

// sentTexts returns the texts of the successful sendMessage calls into chat, in order.
func sentTexts(api *fakeapi.Server, chat int64) []string {
	var out []string
	for _, r := range api.Sent("sendMessage", chat) {
		out = append(out, r.Params["text"])
	}
	return out
}

// waitSent waits until chat got n successful messages and returns their texts.
func waitSent(t *testing.T, api *fakeapi.Server, chat int64, n int, logs fmt.Stringer) []string {
	t.Helper()
	_, err := api.WaitFunc(n, drillWait, func(r fakeapi.Request) bool {
		return r.Method == "sendMessage" && r.ChatID == chat && r.Status == http.StatusOK
	})
	if err != nil {
		t.Fatalf("chat %d: %v; sent %q\nlogs:\n%s", chat, err, sentTexts(api, chat), logs)
	}
	return sentTexts(api, chat)
}
