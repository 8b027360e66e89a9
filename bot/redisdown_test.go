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
	"github.com/heidekreis/sozialraumbot/bot/metrics"
)

// ownRedis runs a redis-server of this test on port (0: a free one) and returns
// its address and a function that stops it.
func ownRedis(t *testing.T, port int) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is needed for the outage test (apt-get install redis-server)")
	}
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(waitLong)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("own redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	return addr, stop
}

func TestRedisOutageKeepsAnsweringAndRecovers(t *testing.T) {
	addr, stop := ownRedis(t, 0)
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	api := fakeapi.Start(t)
	m := metrics.New()
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
	stop() // Redis goes away
	send(1, "b1", "b2", "b3")
	if _, err := api.WaitChat("sendMessage", 1, 5, waitLong); err != nil {
		t.Fatalf("no answers while Redis is down: %v", err)
	}
	if got := texts(api, 1); !slices.Equal(got, []string{"echo: a1", "echo: a2", "echo: b1", "echo: b2", "echo: b3"}) {
		t.Errorf("answers %q", got)
	}
	port, _ := strconv.Atoi(strings.Split(addr, ":")[1])
	ownRedis(t, port) // Redis is back on the same address
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
	if got := counterSum(t, m, "sozialraumbot_redis_errors_total"); got < 1 {
		t.Errorf("redis errors not counted")
	}
	if n := c.Exists(context.Background(), "outage:inbox:c1").Val(); n != 0 {
		t.Errorf("inbox left behind after recovery")
	}
	if got := len(conv.handled()); got != 6 {
		t.Errorf("handled %d updates, want 6", got)
	}
}
