package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestDrillTwoReplicasWebhook: two `serve` processes in webhook mode share one
// Redis behind a round-robin reverse proxy (drillProxy); the fake Bot API
// delivers the updates of several chats to the proxy as Telegram does
// (fakeapi.WebhookSender: the secret token header, one update of a chat at a
// time, every failed delivery made again). The proxy turns some requests away
// and loses some acknowledgements on purpose, some updates are delivered twice
// on purpose, and one replica is killed with SIGKILL mid-run. Every update is
// answered, in each chat's order; an update is answered twice only when the
// killed replica had it in hand (the survivor logs that it handles it again);
// a request without the secret token is refused.
func TestDrillTwoReplicasWebhook(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	const (
		chats, perChat = 16, 10
		maxConcurrency = 8
		lease          = "1s" // LOCK_LEASE: the smallest allowed, so the killed replica's chats come back soon
		secret         = "drill-Replicas_secret-7"
		publicURL      = "https://bot.example.org/telegram"
	)
	ports := []string{freeAddr(t), freeAddr(t)}
	prefix := redistest.Prefix(t)
	rdb := redistest.Client(t)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": drillToken, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": prefix, "OPS_LISTEN": "off",
		"OPERATOR": "Drill", "LOG_LEVEL": "info", "LOG_FORMAT": "text",
		"BOT_MODE": "webhook", "WEBHOOK_URL": publicURL, "WEBHOOK_SECRET": secret,
		"MAX_CONCURRENCY": strconv.Itoa(maxConcurrency), "LOCK_LEASE": lease,
		"BROADCAST_QUIET_HOURS": "off", "SOZIALRAUMBOT_CONFIG": "",
	}
	type replica struct {
		cmd *exec.Cmd
		log string
	}
	var reps []replica
	for i, addr := range ports {
		v := withVar(vars, "WEBHOOK_LISTEN", addr)
		cmd, log := drillServeLogged(t, v, fmt.Sprintf("replica%d.log", i+1))
		reps = append(reps, replica{cmd, log})
	}
	// Both listen once they registered the webhook: a request without the
	// secret is refused by each of them.
	for _, addr := range ports {
		deadline := time.Now().Add(drillWait)
		for postUpdate(t, "http://"+addr+"/telegram", "", 999) != http.StatusUnauthorized {
			if time.Now().After(deadline) {
				t.Fatalf("replica on %s does not listen", addr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if u, s := api.Webhook(); u != publicURL || s != secret {
		t.Fatalf("setWebhook got %q with secret %q", u, s)
	}
	proxy := startDrillProxy(t, ports, 7, 11)
	hook := proxy.url("/telegram")
	// Through the proxy too: without or with a wrong secret, refused.
	for _, token := range []string{"", secret + "x"} {
		if got := postUpdate(t, hook, token, 999); got != http.StatusUnauthorized && got != http.StatusServiceUnavailable && got != http.StatusBadGateway {
			t.Errorf("update with secret %q through the proxy: status %d, want 401", token, got)
		}
	}

	ws := api.StartWebhook(fakeapi.WebhookOptions{Target: hook, Timeout: 5 * time.Second, Connections: 40})
	t.Cleanup(ws.Close)

	// Each chat types its places one after the other. Every fifth update is
	// delivered twice on purpose: right after itself, or after the chat's next one.
	places := drillPlaces(t, perChat+chats)
	want := map[int64][]string{}
	ids := map[int64][]int64{}
	for c := int64(1); c <= chats; c++ {
		for k := range perChat {
			want[c] = append(want[c], places[(int(c)+k)%len(places)])
		}
	}
	redelivered := 0
	var sending sync.WaitGroup
	var mu sync.Mutex
	began := time.Now()
	for c := int64(1); c <= chats; c++ {
		sending.Go(func() {
			time.Sleep(time.Duration(c*37%200) * time.Millisecond)
			var later *models.Update
			for k, p := range want[c] {
				u := fakeapi.TextUpdate(c, "de", p)
				u.ID = api.NextUpdateID()
				ws.Send(u)
				if later != nil {
					ws.Send(*later)
					later = nil
				}
				mu.Lock()
				ids[c] = append(ids[c], u.ID)
				switch n := int(c)*perChat + k; n % 10 {
				case 3:
					ws.Send(u)
					redelivered++
				case 8:
					later = &u
					redelivered++
				}
				mu.Unlock()
				time.Sleep(150 * time.Millisecond)
			}
			if later != nil {
				ws.Send(*later)
			}
		})
	}

	isAnswer := func(r fakeapi.Request) bool {
		return r.Method == "sendMessage" && r.Status == http.StatusOK && r.ChatID >= 1 && r.ChatID <= chats && cardPlace(r.Params["text"]) != ""
	}
	total := chats * perChat
	if _, err := api.WaitFunc(total*2/5, drillWait, isAnswer); err != nil {
		t.Fatal(err)
	}
	deliveredAtKill := ws.Stats().Acknowledged
	if err := reps[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = reps[0].cmd.Wait()
	killed := time.Now()
	answeredAtKill := countReqs(api, isAnswer)
	t.Logf("replica 1 killed after %s: %d of %d updates answered, %d deliveries acknowledged",
		killed.Sub(began).Round(time.Millisecond), answeredAtKill, total, deliveredAtKill)

	// Wait for each chat's answers: perChat different ones in a row (a
	// duplicate from the crash window follows its original).
	sending.Wait()
	for c := int64(1); c <= chats; c++ {
		for n := perChat; ; n++ {
			if _, err := api.WaitFunc(n, drillWait, func(r fakeapi.Request) bool { return isAnswer(r) && r.ChatID == c }); err != nil {
				mu.Lock()
				t.Fatalf("chat %d: %v (answers lost); got %q\nupdates %v\n%s", c, err, cards(api, c), ids[c], inboxState(rdb, prefix, c, ids[c], ws))
			}
			if len(compactRepeats(cards(api, c))) >= perChat {
				break
			}
		}
	}
	if err := ws.Wait(drillWait); err != nil {
		t.Fatal(err)
	}
	// The survivor stops cleanly.
	if err := reps[1].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := reps[1].cmd.Wait(); err != nil {
		t.Errorf("replica 2 after SIGTERM: %v", err)
	}

	// Nothing lost, order kept, duplicates only from the crash window.
	reran := rerunIDs(t, reps[1].log)
	duplicates, lost, disorder, outstanding := 0, 0, 0, 0
	var recovery time.Duration // from the kill until every update acknowledged before it was answered
	var last time.Duration     // from the kill until the last answer
	for c := int64(1); c <= chats; c++ {
		got := answers(api, c)
		var places []string
		for _, a := range got {
			places = append(places, a.place)
			last = max(last, a.at.Sub(killed))
		}
		if dedup := compactRepeats(places); !slices.Equal(dedup, want[c]) {
			t.Errorf("chat %d answered\n  %q\nwant in order\n  %q", c, places, want[c])
			disorder++
		}
		for k, p := range want[c] {
			var first time.Time
			n := 0
			for _, a := range got {
				if a.place == p {
					if n == 0 {
						first = a.at
					}
					n++
				}
			}
			switch {
			case n == 0:
				lost++
				continue
			case n > 1:
				duplicates += n - 1
				if !slices.Contains(reran, ids[c][k]) {
					t.Errorf("chat %d: update %d (%s) answered %d times, and the survivor did not take it over from the killed replica",
						c, ids[c][k], p, n)
				}
			}
			if acked, ok := ws.Acknowledged(ids[c][k]); ok && acked.Before(killed) && first.After(killed) {
				outstanding++
				recovery = max(recovery, first.Sub(killed))
			}
		}
	}
	if duplicates > maxConcurrency {
		t.Errorf("%d updates answered twice, more than the %d the killed replica can have had in hand", duplicates, maxConcurrency)
	}
	// A place gets its card and nothing else (a flood notice, "… ältere davon
	// habe ich übersprungen", would mean updates were dropped by the per-chat cap).
	for c := int64(1); c <= chats; c++ {
		for _, txt := range sentTexts(api, c) {
			if cardPlace(txt) == "" {
				t.Errorf("chat %d got a message that is no card: %q", c, txt)
			}
		}
	}
	// The update with a wrong secret was never answered.
	if n := len(api.Sent("sendMessage", 999)); n != 0 {
		t.Errorf("chat 999 (no secret) got %d answers", n)
	}
	for i, r := range reps {
		b, err := os.ReadFile(r.log)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"panic", "goroutine ", drillToken, secret, "DATA RACE"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("replica %d's log contains %q", i+1, bad)
			}
		}
	}
	st := ws.Stats()
	if st.Failed == 0 {
		t.Error("no delivery failed: Telegram's retries were not exercised")
	}
	t.Logf("updates sent %d (+%d delivered twice on purpose), deliveries %d (failed %d, by status %v), answered %d, duplicates %d, lost %d, order violations %d",
		total, redelivered, st.Attempts, st.Failed, st.ByStatus, countReqs(api, isAnswer), duplicates, lost, disorder)
	t.Logf("recovery (LOCK_LEASE %s): the %d updates accepted but not answered at the kill were all answered %s after it (the last answer of all: %s); the survivor took over %d updates in hand (%v)",
		lease, outstanding, recovery.Round(time.Millisecond), last.Round(time.Millisecond), len(reran), reran)
	t.Logf("proxy: %s", proxy.stats())
}

// withVar returns a copy of m with k set to v.
func withVar(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// postUpdate posts a text update of chat to url with the secret token (none
// when ""), returning the status (0: no answer).
func postUpdate(t *testing.T, url, token string, chat int64) int {
	t.Helper()
	body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%[2]d,"is_bot":false,"first_name":"X"},"text":"Walsrode"}}`,
		900_000_000+chat, chat)
	return fakeapi.PostWebhook(context.Background(), http.DefaultClient, url, token, []byte(body))
}

// cards are the places the chat's answers name, in order.
func cards(api *fakeapi.Server, chat int64) []string {
	var out []string
	for _, a := range answers(api, chat) {
		out = append(out, a.place)
	}
	return out
}

// answer is a card sent into a chat: the place it names and when.
type answer struct {
	place string
	at    time.Time
}

// answers are the cards sent into the chat, in order.
func answers(api *fakeapi.Server, chat int64) []answer {
	var out []answer
	for _, r := range api.Sent("sendMessage", chat) {
		if p := cardPlace(r.Params["text"]); p != "" {
			out = append(out, answer{p, r.At})
		}
	}
	return out
}

// inboxState describes a chat's Redis inbox, lock and update marks, and the
// webhook acknowledgements of its updates (for a failure message).
func inboxState(rdb *redis.Client, prefix string, chat int64, ids []int64, ws *fakeapi.WebhookSender) string {
	ctx := context.Background()
	key := "c" + strconv.FormatInt(chat, 10)
	var b strings.Builder
	list, err := rdb.LRange(ctx, prefix+":inbox:"+key, 0, -1).Result()
	fmt.Fprintf(&b, "inbox (%v):", err)
	for _, e := range list {
		id, _, _ := strings.Cut(strings.TrimPrefix(e, `{"update_id":`), ",")
		fmt.Fprintf(&b, " %s", id)
	}
	pending, err := rdb.SIsMember(ctx, prefix+":inbox:pending", key).Result()
	fmt.Fprintf(&b, "\npending %v (%v); ", pending, err)
	lock, _ := rdb.Get(ctx, prefix+":lock:"+key).Result()
	ttl, _ := rdb.PTTL(ctx, prefix+":lock:"+key).Result()
	fmt.Fprintf(&b, "lock %q ttl %s\n", lock, ttl)
	for _, id := range ids {
		seen, _ := rdb.Get(ctx, prefix+":seen:"+strconv.FormatInt(id, 10)).Result()
		at, ok := ws.Acknowledged(id)
		fmt.Fprintf(&b, "update %d: seen %q, acknowledged %v at %s, attempts %d\n", id, seen, ok, at.Format("15:04:05.000"), ws.Attempts(id))
	}
	return b.String()
}

var rerunLine = regexp.MustCompile(`handling an update again whose earlier handling did not finish.*update_id=(\d+)`)

// rerunIDs are the update_ids a replica's log says it handled again after
// another holder died with them in hand.
func rerunIDs(t *testing.T, log string) []int64 {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, m := range rerunLine.FindAllSubmatch(b, -1) {
		id, _ := strconv.ParseInt(string(m[1]), 10, 64)
		out = append(out, id)
	}
	return out
}
