package main

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// redisMonitor reads a Redis server's MONITOR stream: every command it runs,
// those inside Lua scripts included ("[0 lua]").
type redisMonitor struct {
	conn  net.Conn
	lines *bufio.Reader
}

// startRedisMonitor opens a MONITOR connection; it is closed with the test.
func startRedisMonitor(t *testing.T, port int) *redisMonitor {
	t.Helper()
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	m := &redisMonitor{conn: conn, lines: bufio.NewReader(conn)}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	if l := m.next(t); l != "+OK" {
		t.Fatalf("MONITOR answered %q", l)
	}
	return m
}

func (m *redisMonitor) next(t *testing.T) string {
	t.Helper()
	_ = m.conn.SetReadDeadline(time.Now().Add(drillWait))
	l, err := m.lines.ReadString('\n')
	if err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	return strings.TrimRight(l, "\r\n")
}

// until returns the lines up to the one containing marker (excluded).
func (m *redisMonitor) until(t *testing.T, marker string) []string {
	t.Helper()
	var out []string
	for {
		l := m.next(t)
		if strings.Contains(l, marker) {
			return out
		}
		out = append(out, l)
	}
}

// monitorCall is one command a client sent, with the commands its script ran.
type monitorCall struct {
	from  string   // the client's address
	cmd   string   // e.g. `"evalsha" "…" "4" "drill:inbox:pending" …`
	inner []string // the script's commands, in order
}

// monitorCalls groups MONITOR lines into client commands and the commands of
// their scripts (a script's lines follow its EVALSHA: Redis runs it atomically).
func monitorCalls(lines []string) []monitorCall {
	var out []monitorCall
	for _, l := range lines {
		_, rest, ok := strings.Cut(l, " [")
		if !ok {
			continue
		}
		src, cmd, _ := strings.Cut(rest, "] ")
		if strings.HasSuffix(src, " lua") {
			if len(out) > 0 {
				out[len(out)-1].inner = append(out[len(out)-1].inner, cmd)
			}
			continue
		}
		_, from, _ := strings.Cut(src, " ")
		out = append(out, monitorCall{from: from, cmd: cmd})
	}
	return out
}

// cmdName is a MONITOR command's name in upper case.
func cmdName(cmd string) string {
	name, _, _ := strings.Cut(cmd, " ")
	return strings.ToUpper(strings.Trim(name, `"`))
}

// TestRedisCommandsPerPlaceQuestion pins what a plain place question of a chat
// with a stored state costs in Redis, counted by the server itself (MONITOR):
// three round trips (push, the state's save, complete) and 16 commands, the
// scripts' included. The state is read by the push (no GET of its own); the
// update_id is marked queued (SET NX) and then running (one SET ... GET); the
// push onto an empty list knows its head. Counting is deterministic, unlike time: a change that adds a Redis
// command to the hot path fails here, with the list of commands.
func TestRedisCommandsPerPlaceQuestion(t *testing.T) {
	rs := startDrillRedis(t)
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(), "REDIS_URL": rs.url(),
		"REDIS_PREFIX": "cost", "LOCK_LEASE": "5m"}) // no lease renewal during the test
	places := drillPlaces(t, 2)
	const chat = 4242
	ctx := t.Context()
	check := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", rs.port), PoolSize: 1})
	t.Cleanup(func() { check.Close() })
	me, err := check.ClientInfo(ctx).Result() // the test's own commands are not counted
	if err != nil {
		t.Fatal(err)
	}
	waitIdle := func(n int) {
		t.Helper()
		waitSent(t, api, chat, n, app.log)
		deadline := time.Now().Add(drillWait)
		for check.Exists(ctx, "cost:lock:c4242", "cost:inbox:c4242").Val() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the chat's lock or inbox is still there")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// The first question stores the chat's state; the second is the one counted.
	api.Push(fakeapi.TextUpdate(chat, "de", places[0]))
	waitIdle(1)
	mon := startRedisMonitor(t, rs.port)
	u := fakeapi.TextUpdate(chat, "de", places[1])
	api.Push(u)
	waitIdle(2)
	marker := "cost-marker-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := check.Echo(ctx, marker).Err(); err != nil {
		t.Fatal(err)
	}
	var trips []string // the chat's round trips: name and the script's commands
	commands := 0
	for _, c := range monitorCalls(mon.until(t, marker)) {
		all := append([]string{c.cmd}, c.inner...)
		mine := slices.ContainsFunc(all, func(s string) bool {
			return strings.Contains(s, `c4242"`) || strings.Contains(s, ":chat:4242") ||
				strings.Contains(s, fmt.Sprintf(`:seen:%d"`, u.ID))
		})
		if !mine || c.from == me.Addr || (len(c.inner) > 0 && strings.HasPrefix(c.inner[0], `"SMEMBERS" "cost:inbox:pending"`)) {
			continue // another chat's, or the sweep's (it looks at every pending chat)
		}
		names := []string{cmdName(c.cmd)}
		for _, s := range c.inner {
			names = append(names, cmdName(s))
		}
		trips = append(trips, strings.Join(names, " "))
		commands += len(names)
	}
	want := []string{
		"EVALSHA SET RPUSH EXPIRE SADD SET SET GET", // push: id queued, list, lock, id running, the state read
		"SET",                                  // the conversation saves the changed state
		"EVALSHA SET GET LPOP LINDEX SREM DEL", // complete: done, lock checked, popped, empty: released
	}
	if !slices.Equal(trips, want) {
		t.Errorf("Redis per place question:\n got %q\nwant %q", trips, want)
	}
	t.Logf("%d round trips, %d commands: %q", len(trips), commands, trips)
}
