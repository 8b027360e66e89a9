package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// withRedis runs a test once without and once with Redis.
func withRedis(t *testing.T, test func(t *testing.T, c redis.UniversalClient, prefix string)) {
	t.Run("memory", func(t *testing.T) { test(t, nil, "") })
	t.Run("redis", func(t *testing.T) { test(t, redistest.Client(t), redistest.Prefix(t)) })
}

func TestPollingKeepsChatOrder(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		var ids []int64
		for i := 1; i <= 3; i++ {
			for _, chat := range []int64{1, 2} {
				ids = append(ids, api.Push(fakeapi.TextUpdate(chat, "de", fmt.Sprintf("msg %d", i)))...)
			}
		}
		conv := &echoConv{delay: 10 * time.Millisecond}
		startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, MaxConcurrency: 4})
		if _, err := api.Wait("sendMessage", 6, waitLong); err != nil {
			t.Fatal(err)
		}
		want := []string{"echo: msg 1", "echo: msg 2", "echo: msg 3"}
		for _, chat := range []int64{1, 2} {
			if got := texts(api, chat); !slices.Equal(got, want) {
				t.Errorf("chat %d got %q, want %q", chat, got, want)
			}
		}
		if err := api.WaitConfirmed(ids[len(ids)-1]+1, waitLong); err != nil {
			t.Error(err)
		}
	})
}

func TestConcurrencyBounded(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		const chats, limit = 30, 3
		for i := range chats * 2 {
			api.Push(fakeapi.TextUpdate(int64(100+i%chats), "", "x"))
		}
		// The first limit updates meet (each waits until all of them run), so
		// the limit is reached for sure; the work of the others keeps it busy.
		conv := &echoConv{delay: 5 * time.Millisecond, overlap: limit, entered: make(chan struct{})}
		startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, MaxConcurrency: limit})
		if _, err := api.Wait("sendMessage", chats*2, waitLong); err != nil {
			t.Fatal(err)
		}
		if got := conv.maxRunning.Load(); got != limit {
			t.Errorf("at most %d conversations ran at once, want %d", got, limit)
		}
	})
}

func TestDuplicateUpdateAnsweredOnce(t *testing.T) {
	withRedis(t, func(t *testing.T, c redis.UniversalClient, prefix string) {
		api := fakeapi.Start(t)
		m := &countMetrics{}
		conv := &echoConv{}
		r := startBot(t, api, Options{Conversation: conv, Redis: c, KeyPrefix: prefix, Mode: ModeWebhook, Metrics: m,
			Webhook: WebhookOptions{PublicURL: "https://bot.example.org/hook", SecretToken: replicaSecret}})
		waitReady(t, r.bot)
		u := fakeapi.TextUpdate(5, "de", "Soltau")
		u.ID = 777
		for range 3 {
			if code := postUpdate(t, r.bot, replicaSecret, u); code != 200 {
				t.Fatalf("status %d", code)
			}
		}
		second := fakeapi.TextUpdate(5, "de", "danach")
		second.ID = 778
		postUpdate(t, r.bot, replicaSecret, second)
		if _, err := api.WaitChat("sendMessage", 5, 2, waitLong); err != nil {
			t.Fatal(err)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
		if got := texts(api, 5); !slices.Equal(got, []string{"echo: Soltau", "echo: danach"}) {
			t.Errorf("answers %q", got)
		}
		if got := m.count("duplicate", ""); got != 2 {
			t.Errorf("duplicates counted: %v", got)
		}
	})
}

func TestReplicasKeepOrderAndAnswerOnce(t *testing.T) {
	c := redistest.Client(t)
	prefix := redistest.Prefix(t)
	api := fakeapi.Start(t)
	convs := [2]*echoConv{{}, {delay: 3 * time.Millisecond}}
	replicas := startReplicas(t, api, convs, Options{Redis: c, KeyPrefix: prefix, MaxConcurrency: 4})
	const n = 30
	var want []string
	for i := 1; i <= n; i++ {
		u := fakeapi.TextUpdate(7, "de", fmt.Sprintf("m%02d", i))
		u.ID = int64(5000 + i)
		// Alternate between the replicas; every third update also reaches the other
		// replica (a webhook redelivery).
		if code := postUpdate(t, replicas[i%2].bot, replicaSecret, u); code != 200 {
			t.Fatalf("status %d", code)
		}
		if i%3 == 0 {
			postUpdate(t, replicas[(i+1)%2].bot, replicaSecret, u)
		}
		want = append(want, fmt.Sprintf("echo: m%02d", i))
	}
	if _, err := api.WaitChat("sendMessage", 7, n, waitLong); err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas {
		if err := r.stop(t); err != nil {
			t.Error(err)
		}
	}
	if got := texts(api, 7); !slices.Equal(got, want) {
		t.Errorf("answers out of order or doubled:\n got %q\nwant %q", got, want)
	}
	if left := c.Exists(t.Context(), prefix+":inbox:c7").Val(); left != 0 {
		t.Error("inbox not empty after the answers")
	}
}

func TestPanicIsRecovered(t *testing.T) {
	api := fakeapi.Start(t)
	api.Push(fakeapi.TextUpdate(3, "", "Walsrode 0151 2345678"), fakeapi.TextUpdate(3, "", "Bomlitz"))
	conv := &echoConv{panicOn: "Walsrode 0151 2345678"}
	r := startBot(t, api, Options{Conversation: conv})
	if _, err := api.WaitChat("sendMessage", 3, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	logs := r.logs.String()
	if !strings.Contains(logs, "conversation panicked") {
		t.Errorf("panic not logged:\n%s", logs)
	}
	// The whole number: "0151" alone also turns up in the stack's hex addresses.
	if strings.Contains(logs, "0151 2345678") || strings.Contains(logs, "Bomlitz") {
		t.Errorf("message text in the log:\n%s", logs)
	}
	if got := texts(api, 3); !slices.Equal(got, []string{"echo: Bomlitz"}) {
		t.Errorf("answers %q", got)
	}
}

func TestUpdateKinds(t *testing.T) {
	api := fakeapi.Start(t)
	m := &countMetrics{}
	api.Push(
		fakeapi.EditedUpdate(4, "bearbeitet"),
		fakeapi.LocationUpdate(4, 52.86, 9.59),
		fakeapi.CallbackUpdate(4, 12, "v1:pick:3"),
		fakeapi.InlineUpdate(4, "Dorfmark <b>"),
		fakeapi.TextUpdate(-100, "", "/start"),
	)
	conv := &echoConv{}
	r := startBot(t, api, Options{Conversation: conv, Metrics: m})
	if _, err := api.Wait("answerInlineQuery", 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if _, err := api.WaitChat("sendMessage", -100, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	got := conv.handled()
	if len(got) != 4 {
		t.Fatalf("handled %d updates: %+v", len(got), got)
	}
	byKind := map[string]bool{}
	for _, u := range got {
		switch {
		case u.Location != nil:
			byKind["location"] = u.ChatID == 4 && u.Private && u.Location.Lat == 52.86 && u.Location.Lon == 9.59
		case u.Callback != nil:
			byKind["callback"] = u.ChatID == 4 && u.Callback.MessageID == 12 && u.Callback.Data == "v1:pick:3" && u.Callback.ID != ""
		case u.Inline != nil:
			byKind["inline"] = u.ChatID == 0 && u.User.ID == 4 && u.Inline.Query == "Dorfmark <b>"
		default:
			byKind["group"] = u.ChatID == -100 && !u.Private && u.Text == "/start"
		}
	}
	for _, k := range []string{"location", "callback", "inline", "group"} {
		if !byKind[k] {
			t.Errorf("%s update mapped wrongly: %+v", k, got)
		}
	}
	if n := m.count("update", "ignored"); n != 1 {
		t.Errorf("ignored updates counted: %v", n)
	}
	if q := api.Requests("answerInlineQuery")[0].Params["results"]; !strings.Contains(q, `Dorfmark \u0026lt;b\u0026gt;`) {
		t.Errorf("inline text not escaped: %s", q)
	}
}

func TestShutdownFinishesUpdatesInHand(t *testing.T) {
	api := fakeapi.Start(t)
	var ids []int64
	for i := range 5 {
		ids = append(ids, api.Push(fakeapi.TextUpdate(9, "", fmt.Sprint(i)))...)
	}
	// Update "1" waits until the shutdown was asked for: the updates after it
	// are in hand, not handled, when Run's context ends. They are all in hand
	// once the poller confirms the first one (it takes a whole batch first; a
	// cancel during the take leaves the rest unconfirmed at Telegram instead).
	conv := &echoConv{holdOn: "1", hold: make(chan struct{})}
	r := startBot(t, api, Options{Conversation: conv})
	if err := api.WaitConfirmed(ids[0]+1, waitLong); err != nil {
		t.Fatal(err)
	}
	r.cancel()
	close(conv.hold)
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if got := texts(api, 9); !slices.Equal(got, []string{"echo: 0", "echo: 1", "echo: 2", "echo: 3", "echo: 4"}) {
		t.Errorf("answers %q", got)
	}
	if got := api.Confirmed(); got != ids[4]+1 {
		t.Errorf("confirmed offset %d, want %d", got, ids[4]+1)
	}
}

// TestRedeliveryToOtherReplicaAnsweredOnce: an update handled by one replica and
// delivered again to another (whose in-memory ids know nothing of it) is dropped
// by the Redis deduplication.
func TestRedeliveryToOtherReplicaAnsweredOnce(t *testing.T) {
	api := fakeapi.Start(t)
	m := &countMetrics{}
	c := redistest.Client(t)
	prefix := redistest.Prefix(t)
	replicas := startReplicas(t, api, [2]*echoConv{{}, {}}, Options{Redis: c, KeyPrefix: prefix, Metrics: m})
	u := fakeapi.TextUpdate(8, "de", "Bispingen")
	u.ID = 6001
	later := fakeapi.TextUpdate(8, "de", "danach")
	later.ID = 6002
	if code := postUpdate(t, replicas[0].bot, replicaSecret, u); code != 200 {
		t.Fatalf("status %d", code)
	}
	if _, err := api.WaitChat("sendMessage", 8, 1, waitLong); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLong)
	for c.Get(t.Context(), prefix+":seen:6001").Val() != "done" {
		if time.Now().After(deadline) {
			t.Fatal("update not marked done")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, x := range []int64{u.ID, later.ID} {
		v := u
		if x == later.ID {
			v = later
		}
		if code := postUpdate(t, replicas[1].bot, replicaSecret, v); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if _, err := api.WaitChat("sendMessage", 8, 2, waitLong); err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas {
		if err := r.stop(t); err != nil {
			t.Error(err)
		}
	}
	if got := texts(api, 8); !slices.Equal(got, []string{"echo: Bispingen", "echo: danach"}) {
		t.Errorf("answers %q", got)
	}
	if got := m.count("duplicate", ""); got != 1 {
		t.Errorf("duplicates counted: %v", got)
	}
}
