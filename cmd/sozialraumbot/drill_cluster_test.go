package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// The cluster drills run the serve code path against a real Redis Cluster of
// three masters with a replica each (redistest.SharedCluster, one per test
// binary), configured as an operator would: REDIS_CLUSTER_ADDRS and a
// REDIS_PREFIX without braces, which the bot turns into a hash tag itself.

// clusterDrill is one drill's share of the shared cluster.
type clusterDrill struct {
	cl     *redistest.Cluster
	cc     *redis.ClusterClient
	prefix string // REDIS_PREFIX as the operator sets it
	keys   string // the prefix every key starts with (config.Redis.KeyPrefix)
}

// newClusterDrill picks a prefix of its own on the shared cluster and deletes
// its keys when the test ends (after the apps started later have stopped).
func newClusterDrill(t *testing.T) *clusterDrill {
	t.Helper()
	cl := redistest.SharedCluster(t)
	d := &clusterDrill{cl: cl, cc: cl.Client(t), prefix: "drill-" + strings.ToLower(rand.Text()[:10])}
	cfg, err := config.LoadFlags(drillEnv(map[string]string{"REDIS_CLUSTER_ADDRS": strings.Join(cl.Addrs, ","),
		"REDIS_PREFIX": d.prefix}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.keys = cfg.Redis.KeyPrefix(); d.keys != "{"+d.prefix+"}" {
		t.Fatalf("KeyPrefix %q, want the prefix as hash tag", d.keys)
	}
	t.Cleanup(func() {
		for _, k := range cl.Keys(t, d.keys+"*") {
			d.cc.Del(context.Background(), k)
		}
	})
	t.Logf("cluster of %d masters with %d replica(s) each, started in %s (shared by the package's tests)",
		cl.Masters, cl.Replicas, cl.StartUp.Round(time.Millisecond))
	return d
}

// vars is the environment of an app on the cluster with the given seed nodes.
func (d *clusterDrill) vars(api *fakeapi.Server, seeds []string, more ...string) map[string]string {
	v := map[string]string{"TELEGRAM_API_URL": api.URL(), "REDIS_CLUSTER_ADDRS": strings.Join(seeds, ","),
		"REDIS_PREFIX": d.prefix, "LOG_LEVEL": "info"}
	for i := 0; i+1 < len(more); i += 2 {
		v[more[i]] = more[i+1]
	}
	return v
}

// chatKeys returns the drill's keys whose name holds the chat id.
func (d *clusterDrill) chatKeys(t *testing.T, chat int64) []string {
	t.Helper()
	var out []string
	for _, k := range d.cl.Keys(t, d.keys+"*") {
		if strings.Contains(k, strconv.FormatInt(chat, 10)) {
			out = append(out, k)
		}
	}
	return out
}

// TestDrillClusterDialogue: one app on the cluster (one seed address is
// enough). A parent asks for a place, subscribes, asks what is stored and
// erases it all; the erasure really removes the chat from the cluster, and
// every key of the bot is in the slot of its hash tag.
func TestDrillClusterDialogue(t *testing.T) {
	d := newClusterDrill(t)
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	app := startDrillApp(t, d.vars(api, d.cl.Addrs[:1]))
	ctx := context.Background()
	const parent = 880_001
	place := drillPlaces(t, 1)[0]

	api.Push(fakeapi.TextUpdate(parent, "de", place))
	if got := waitSent(t, api, parent, 1, app.log); cardPlace(got[0]) != place {
		t.Fatalf("the place question was answered %q", got[0])
	}
	api.Push(fakeapi.TextUpdate(parent, "de", "/abo"))
	if got := waitSent(t, api, parent, 2, app.log); !strings.Contains(got[1], "Ankündigungen für den") {
		t.Fatalf("/abo answered %q", got[1])
	}
	api.Push(fakeapi.TextUpdate(parent, "de", "/meinedaten"))
	mydata := waitSent(t, api, parent, 3, app.log)[2]
	stored := d.chatKeys(t, parent)
	if len(stored) < 2 {
		t.Fatalf("keys of the parent on the cluster: %q", stored)
	}
	subs := d.cl.Keys(t, d.keys+":subs:*")
	member := 0
	for _, k := range subs {
		if ok, _ := d.cc.SIsMember(ctx, k, parent).Result(); ok {
			member++
		}
	}
	if member == 0 {
		t.Fatalf("no subscription set on the cluster holds the parent: %q", subs)
	}
	for _, want := range []string{"Abos: ", "Ort: " + place} {
		if !strings.Contains(mydata, want) {
			t.Errorf("/meinedaten lacks %q: %q", want, mydata)
		}
	}

	// Every key of the bot in one slot, on one master: the hash tag's.
	all := d.cl.Keys(t, d.keys+"*")
	slot := d.cc.ClusterKeySlot(ctx, d.keys).Val()
	for _, k := range all {
		if s := d.cc.ClusterKeySlot(ctx, k).Val(); s != slot {
			t.Errorf("key %q is in slot %d, not in the hash tag's %d", k, s, slot)
		}
	}

	api.Push(fakeapi.TextUpdate(parent, "de", "/loeschen"))
	waitSent(t, api, parent, 4, app.log)
	confirm := api.Sent("sendMessage", parent)[3]
	data := buttonData(t, confirm, "v1|x|")
	m, err := confirm.Message()
	if err != nil {
		t.Fatal(err)
	}
	api.Push(fakeapi.CallbackUpdate(parent, m.MessageID, data))
	if _, err := api.WaitFunc(1, drillWait, func(r fakeapi.Request) bool {
		return r.ChatID == parent && r.Status == http.StatusOK && strings.Contains(r.Params["text"], "gelöscht")
	}); err != nil {
		t.Fatalf("/loeschen was not confirmed: %v; logs:\n%s", err, app.log)
	}
	// The inbox lets go of the chat's lock and list right after the answer.
	var left []string
	for deadline := time.Now().Add(drillWait); ; time.Sleep(20 * time.Millisecond) {
		if left = d.chatKeys(t, parent); len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) != 0 {
		t.Errorf("keys of the parent left on the cluster after /loeschen: %q", left)
	}
	for _, k := range d.cl.Keys(t, d.keys+":subs:*") {
		if ok, _ := d.cc.SIsMember(ctx, k, parent).Result(); ok {
			t.Errorf("%s still holds the parent after /loeschen", k)
		}
	}
	t.Logf("dialogue: %d updates answered; %d keys of the parent before /loeschen (%q), %d after; all %d keys of the bot in slot %d",
		5, len(stored), stored, len(left), len(all), slot)
}

// buttonData is the callback data of the first inline button of r starting with prefix.
func buttonData(t *testing.T, r fakeapi.Request, prefix string) string {
	t.Helper()
	var mk models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(r.Params["reply_markup"]), &mk); err != nil {
		t.Fatalf("reply_markup %q: %v", r.Params["reply_markup"], err)
	}
	for _, row := range mk.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q in %s", prefix, r.Params["reply_markup"])
	return ""
}

// countingTransport counts one replica's sendMessage calls.
type countingTransport struct{ sends atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sendMessage") {
		c.sends.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// replica is one webhook-mode app of the two-replica drill.
type replica struct {
	app  *drillApp
	url  string
	sent *countingTransport
}

// bothLogs shows the logs of both replicas in a failure.
type bothLogs [2]*replica

func (b bothLogs) String() string {
	return "replica A:\n" + b[0].app.log.String() + "\nreplica B:\n" + b[1].app.log.String()
}

// TestDrillClusterTwoReplicas: two webhook-mode apps share the cluster (each
// knows a different seed node) and get the updates of the same chats
// alternately, as a load balancer in front of them would pass them on, and a
// quarter of the updates once more from the other replica (Telegram retrying
// when its first delivery's answer got lost). Every update is answered once,
// in the order of the chat, and nothing is lost. Then a broadcast to 100
// subscribers, with the broadcast workers of both replicas running, reaches
// every subscriber exactly once.
func TestDrillClusterTwoReplicas(t *testing.T) {
	d := newClusterDrill(t)
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	const secret = "drill-cluster-Secret_1"
	var reps bothLogs
	for i := range reps {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		listen := ln.Addr().String()
		ln.Close()
		ct := &countingTransport{}
		seeds := d.cl.Addrs[i*3 : i*3+1]
		app := startDrillAppWith(t, d.vars(api, seeds, "BOT_MODE", "webhook", "WEBHOOK_LISTEN", listen,
			"WEBHOOK_URL", "https://bot.example.org/telegram", "WEBHOOK_SECRET", secret,
			"BROADCAST_RATE", "30", "BROADCAST_QUIET_HOURS", "off"),
			appOptions{httpClient: &http.Client{Transport: ct}})
		reps[i] = &replica{app: app, url: "http://" + listen + "/telegram", sent: ct}
	}
	post := func(url string, body []byte) int {
		return fakeapi.PostWebhook(context.Background(), http.DefaultClient, url, secret, body)
	}
	for _, r := range reps { // wait for both listeners
		for deadline := time.Now().Add(drillWait); post(r.url, []byte("{")) != http.StatusBadRequest; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the webhook %s does not listen; logs:\n%s", r.url, reps)
			}
		}
	}

	// Parents write; the balancer alternates between the replicas.
	const chats, perChat = 8, 8
	places := drillPlaces(t, perChat+chats)
	want := map[int64][]string{}
	bodies := map[int64][][]byte{}
	for c := int64(1); c <= chats; c++ {
		for i := range perChat {
			p := places[(int(c)+i)%len(places)]
			u := fakeapi.TextUpdate(c, "de", p)
			u.ID = api.NextUpdateID()
			b, err := json.Marshal(&u)
			if err != nil {
				t.Fatal(err)
			}
			want[c] = append(want[c], p)
			bodies[c] = append(bodies[c], b)
		}
	}
	var retries atomic.Int64
	var wg sync.WaitGroup
	for c := int64(1); c <= chats; c++ {
		wg.Go(func() {
			for i, b := range bodies[c] {
				first, other := reps[(int(c)+i)%2], reps[(int(c)+i+1)%2]
				if s := post(first.url, b); s != http.StatusOK {
					t.Errorf("chat %d update %d: status %d", c, i, s)
				}
				if i%4 == 3 { // Telegram delivers it again, the balancer picks the other replica
					retries.Add(1)
					if s := post(other.url, b); s != http.StatusOK {
						t.Errorf("chat %d update %d again: status %d", c, i, s)
					}
				}
			}
		})
	}
	wg.Wait()
	parentSends := [2]int64{}
	for c := int64(1); c <= chats; c++ {
		waitSent(t, api, c, perChat, reps)
	}
	for i, r := range reps {
		parentSends[i] = r.sent.sends.Load()
	}

	// A broadcast to 100 subscribers; both replicas' workers deliver it.
	ctx := context.Background()
	const subscribers = 100
	store := redisstore.New(d.cc, d.keys)
	for i := range int64(subscribers) {
		if err := store.Subscribe(ctx, 20_000+i, "walsrode"); err != nil {
			t.Fatal(err)
		}
	}
	staff := broadcast.New(d.cc, d.keys, store, broadcast.Options{Logger: slog.New(slog.DiscardHandler)})
	id, n, err := staff.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"},
		Text: "Drill", HTML: "📣 <b>Elterncafé</b> im Cluster", SenderID: 1, SenderChat: 99_999})
	if err != nil || n != subscribers {
		t.Fatalf("broadcast: %v, %d recipients", err, n)
	}
	var st handlers.BroadcastStatus
	for deadline := time.Now().Add(drillWait); ; time.Sleep(50 * time.Millisecond) {
		if st, err = staff.Status(ctx, id); err == nil && st.Done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast not done: %+v %v\n%s", st, err, reps)
		}
	}
	if st.Delivered != subscribers || st.Failed != 0 || st.Blocked != 0 {
		t.Errorf("broadcast status %+v", st)
	}
	recipientSends, dupRecipients := 0, 0
	for i := range int64(subscribers) {
		got := len(api.Sent("sendMessage", 20_000+i))
		recipientSends += got
		if got != 1 {
			dupRecipients++
			t.Errorf("subscriber %d got the announcement %d times", 20_000+i, got)
		}
	}

	// Parents: answered once each, in order (checked after the broadcast, so a
	// late duplicate would have shown by now).
	answered, dups, lost := 0, 0, 0
	for c := int64(1); c <= chats; c++ {
		texts := sentTexts(api, c)
		answered += len(texts)
		var got []string
		for _, txt := range texts {
			got = append(got, cardPlace(txt))
		}
		if len(got) > perChat {
			dups += len(got) - perChat
		} else {
			lost += perChat - len(got)
		}
		if strings.Join(got, "|") != strings.Join(want[c], "|") {
			t.Errorf("chat %d answered\n  %q\nwant in order\n  %q", c, got, want[c])
		}
	}
	var bcSends [2]int64
	for i, r := range reps {
		bcSends[i] = r.sent.sends.Load() - parentSends[i]
	}
	t.Logf("two replicas: %d updates posted alternately (+%d retries via the other replica), %d answered, "+
		"%d duplicates, %d lost; replies sent by A %d, by B %d", chats*perChat, retries.Load(), answered, dups, lost,
		parentSends[0], parentSends[1])
	t.Logf("broadcast: %d recipients, %d sends to them, %d recipients with more or less than one; "+
		"sendMessage during the broadcast by A %d, by B %d (incl. the report to the sender)",
		n, recipientSends, dupRecipients, bcSends[0], bcSends[1])
}
