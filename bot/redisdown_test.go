package bot

import (
	"context"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// redisProc is a redis-server of one test on a free port of its own. With AOF
// (fsync on every write, in its own directory) a restart replays what it had.
type redisProc struct {
	t    *testing.T
	port int
	dir  string
	aof  bool
	cmd  *exec.Cmd
}

// startRedis runs a redis-server of this test; it is killed when the test ends.
func startRedis(t *testing.T, aof bool) *redisProc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &redisProc{t: t, port: l.Addr().(*net.TCPAddr).Port, dir: t.TempDir(), aof: aof}
	l.Close()
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *redisProc) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port)) }

// start runs redis-server on the same port and directory and waits until it answers.
func (r *redisProc) start() {
	r.t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		r.t.Fatal("redis-server is needed (apt-get install redis-server)")
	}
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--dir", r.dir, "--save", ""}
	if r.aof {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	r.cmd = exec.Command(bin, args...)
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(waitLong)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			r.t.Fatal("own redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops redis-server with SIGKILL, as a crash would.
func (r *redisProc) kill() {
	if r.cmd != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

func TestRedisOutageKeepsAnsweringAndRecovers(t *testing.T) {
	rs := startRedis(t, false)
	c := redis.NewClient(&redis.Options{Addr: rs.addr(), DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	api := fakeapi.Start(t)
	m := &countMetrics{}
	conv := &echoConv{}
	r := startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: "outage", Metrics: m,
		SweepInterval: 100 * time.Millisecond})

	send := func(chat int64, texts ...string) {
		for _, s := range texts {
			api.Push(fakeapi.TextUpdate(chat, "de", s))
		}
	}
	send(1, "a1", "a2")
	if _, err := api.WaitChat("sendMessage", 1, 2, waitLong); err != nil {
		t.Fatal(err)
	}
	rs.kill() // Redis goes away
	send(1, "b1", "b2", "b3")
	if _, err := api.WaitChat("sendMessage", 1, 5, waitLong); err != nil {
		t.Fatalf("no answers while Redis is down: %v", err)
	}
	if got := texts(api, 1); !slices.Equal(got, []string{"echo: a1", "echo: a2", "echo: b1", "echo: b2", "echo: b3"}) {
		t.Errorf("answers %q", got)
	}
	rs.start() // Redis is back on the same address (empty)
	deadline := time.Now().Add(waitLong)
	for !strings.Contains(r.logs.String(), "redis available again") {
		if time.Now().After(deadline) {
			t.Fatalf("recovery not noticed; logs:\n%s", r.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	send(1, "c1")
	if _, err := api.WaitChat("sendMessage", 1, 6, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	logs := r.logs.String()
	if n := strings.Count(logs, "redis unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs)
	}
	if got := m.sum("rediserror"); got < 1 {
		t.Errorf("redis errors not counted")
	}
	if n := c.Exists(context.Background(), "outage:inbox:c1").Val(); n != 0 {
		t.Errorf("inbox left behind after recovery")
	}
	if got := len(conv.handled()); got != 6 {
		t.Errorf("handled %d updates, want 6", got)
	}
}
