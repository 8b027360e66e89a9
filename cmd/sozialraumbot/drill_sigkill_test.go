package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestDrillHelperProcess is not a test: re-executed by the SIGKILL drill with
// SRB_DRILL_SERVE=1, it is `sozialraumbot serve` in a process of its own.
func TestDrillHelperProcess(t *testing.T) {
	if os.Getenv("SRB_DRILL_SERVE") != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, []string{"serve"}, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// drillServe starts `serve` in a child process with vars added to its environment.
func drillServe(t *testing.T, vars map[string]string, logName string) *exec.Cmd {
	t.Helper()
	cmd, _ := drillServeLogged(t, vars, logName)
	return cmd
}

// drillServeLogged is drillServe, also returning the path of the process's log
// (its stdout and stderr).
func drillServeLogged(t *testing.T, vars map[string]string, logName string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDrillHelperProcess$")
	cmd.Env = append(os.Environ(), "SRB_DRILL_SERVE=1")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logf, err := os.Create(filepath.Join(t.TempDir(), logName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("%s:\n%s", logName, b)
		}
	})
	return cmd, logf.Name()
}

// TestDrillSIGKILL: `serve` runs in its own process under load, with a broadcast
// to 300 subscribers in progress, and is killed with SIGKILL; a new process takes
// over the same Redis. Every update is answered (none lost: the polling offset
// confirms only updates safe in the Redis inbox), each chat's answers keep their
// order, and every subscriber gets the announcement. Duplicates can only come
// from the crash window (a reply sent, its "done" mark not yet written); they are
// counted, reported and bounded by the updates and deliveries in flight.
func TestDrillSIGKILL(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	ctx := context.Background()
	const (
		parents, perParent = 20, 10
		subscribers        = 150
		maxConcurrency     = 16
	)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": drillToken, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix, "OPS_LISTEN": "off",
		"OPERATOR": "Drill", "LOG_LEVEL": "info", "LOG_FORMAT": "text", "BOT_MODE": "polling",
		"MAX_CONCURRENCY": fmt.Sprint(maxConcurrency), "BROADCAST_RATE": "30",
		"BROADCAST_QUIET_HOURS": "off", // the drill runs at any hour
		"SOZIALRAUMBOT_CONFIG":  "",
	}

	// Parents who subscribed earlier, and a broadcast to them queued by staff.
	store := redisstore.New(rdb, prefix)
	const district = "walsrode"
	for i := range int64(subscribers) {
		if err := store.Subscribe(ctx, 10_000+i, district); err != nil {
			t.Fatal(err)
		}
	}
	began := time.Now()
	first := drillServe(t, vars, "first.log")
	if _, err := api.Wait("deleteWebhook", 1, drillWait); err != nil { // polling starts next
		t.Fatal(err)
	}
	bc := broadcast.New(rdb, prefix, store, broadcast.Options{})
	id, n, err := bc.Start(ctx, handlers.Announcement{Districts: []string{district},
		Text: "Drill", HTML: "📣 <b>Elterncafé</b> am Freitag", SenderID: 1, SenderChat: 99_999})
	if err != nil || n != subscribers {
		t.Fatalf("broadcast: %v, %d recipients", err, n)
	}

	// Parents write; the process is killed when a third of them were answered
	// and the broadcast is under way.
	places := drillPlaces(t, perParent+parents)
	want := map[int64][]string{}
	pushRound := func(m int) {
		for c := int64(1); c <= parents; c++ {
			p := places[(int(c)+m)%len(places)]
			api.Push(fakeapi.TextUpdate(c, "de", p))
			want[c] = append(want[c], p)
		}
	}
	isParent := func(r fakeapi.Request) bool {
		return r.Method == "sendMessage" && r.Status == http.StatusOK && r.ChatID >= 1 && r.ChatID <= parents
	}
	isDelivery := func(r fakeapi.Request) bool {
		return r.Method == "sendMessage" && r.Status == http.StatusOK && r.ChatID >= 10_000 && r.ChatID < 10_000+subscribers
	}
	for m := range perParent * 2 / 3 {
		pushRound(m)
	}
	if _, err := api.WaitFunc(parents*perParent/3, drillWait, isParent); err != nil {
		t.Fatal(err)
	}
	t.Logf("parents a third answered after %s", time.Since(began).Round(time.Millisecond))
	if _, err := api.WaitFunc(20, drillWait, isDelivery); err != nil {
		t.Fatal(err)
	}
	t.Logf("killing after %s", time.Since(began).Round(time.Millisecond))
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	atKill := len(api.Requests(""))
	answeredAtKill := countReqs(api, isParent)
	deliveredAtKill := countReqs(api, isDelivery)
	for m := perParent * 2 / 3; m < perParent; m++ {
		pushRound(m) // while no bot runs
	}

	// A new process takes over.
	drillServe(t, vars, "second.log")
	restarted := time.Now()
	for c := int64(1); c <= parents; c++ {
		// Wait for perParent different answers in a row: a duplicate from the
		// crash window must not count as the chat's last answer.
		if _, err := api.WaitFunc(perParent, drillWait, func(r fakeapi.Request) bool { return isParent(r) && r.ChatID == c }); err != nil {
			t.Fatalf("chat %d: %v (answers lost)", c, err)
		}
		for n := perParent; ; n++ {
			var got []string
			for _, txt := range sentTexts(api, c) {
				got = append(got, cardPlace(txt))
			}
			if len(compactRepeats(got)) >= perParent {
				break
			}
			if _, err := api.WaitFunc(n+1, drillWait, func(r fakeapi.Request) bool { return isParent(r) && r.ChatID == c }); err != nil {
				t.Fatalf("chat %d: %v (answers lost)", c, err)
			}
		}
	}
	parentsDone := time.Since(restarted)
	deadline := time.Now().Add(drillWait)
	for {
		st, err := bc.Status(ctx, id)
		if err == nil && st.Done {
			if st.Delivered != subscribers || st.Failed != 0 || st.Blocked != 0 {
				t.Errorf("broadcast status %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast not done: %+v %v", st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	t.Logf("after the restart: parents answered in %s (their chats' locks are taken over after LOCK_LEASE, 5 s; "+
		"then each chat's queue at Telegram's pace), broadcast done in %s (its entries after BROADCAST_CLAIM_IDLE)",
		parentsDone.Round(time.Second), time.Since(restarted).Round(time.Second))

	// Parents: nothing lost, order kept, duplicates counted.
	dupUpdates := 0
	for c := int64(1); c <= parents; c++ {
		var got []string
		for _, txt := range sentTexts(api, c) {
			got = append(got, cardPlace(txt))
		}
		if dedup := compactRepeats(got); strings.Join(dedup, "|") != strings.Join(want[c], "|") {
			t.Errorf("chat %d answered\n  %q\nwant in order\n  %q", c, got, want[c])
		}
		dupUpdates += len(got) - len(want[c])
	}
	// Subscribers: each reached, duplicates counted.
	dupDeliveries, missing := 0, 0
	for i := range int64(subscribers) {
		switch k := len(api.Sent("sendMessage", 10_000+i)); {
		case k == 0:
			missing++
		case k > 1:
			dupDeliveries += k - 1
		}
	}
	if missing > 0 {
		t.Errorf("%d subscribers never got the announcement", missing)
	}
	// The crash window holds at most the updates in hand (one per worker) and
	// the deliveries in flight; anything beyond is a bug, not the window.
	if dupUpdates > maxConcurrency {
		t.Errorf("%d updates answered twice, more than the %d that can be in hand", dupUpdates, maxConcurrency)
	}
	if dupDeliveries > maxConcurrency {
		t.Errorf("%d announcements delivered twice, more than can be in flight", dupDeliveries)
	}
	t.Logf("killed after %d requests (%d of %d answers, %d of %d deliveries); duplicates from the crash window: %d answers, %d deliveries",
		atKill, answeredAtKill, parents*perParent, deliveredAtKill, subscribers, dupUpdates, dupDeliveries)
}

func countReqs(api *fakeapi.Server, keep func(fakeapi.Request) bool) int {
	n := 0
	for _, r := range api.Requests("") {
		if keep(r) {
			n++
		}
	}
	return n
}

// compactRepeats drops immediate repeats: a duplicate from the crash window
// follows its original directly (the chat's later updates wait behind it).
func compactRepeats(s []string) []string {
	var out []string
	for i, v := range s {
		if i > 0 && s[i-1] == v {
			continue
		}
		out = append(out, v)
	}
	return out
}
