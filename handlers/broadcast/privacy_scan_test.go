package broadcast_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
	"github.com/heidekreis/sozialraumbot/handlers/rueckruf"
)

// referencing lists the keys under prefix whose name or value refers to the
// chat: a name part equal to the id (or "c<id>"), or a value (a string, or an
// element, field or value of a set, hash, sorted set, list or stream) holding it
// as a number of its own. The test may SCAN; the product must not.
func referencing(t *testing.T, rdb redis.UniversalClient, prefix string, chat int64) []string {
	t.Helper()
	ctx := context.Background()
	id := strconv.FormatInt(chat, 10)
	word := regexp.MustCompile(`(^|[^0-9])` + id + `($|[^0-9])`)
	var out []string
	iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		hit := false
		for _, part := range strings.Split(strings.TrimPrefix(k, prefix+":"), ":") {
			hit = hit || part == id || part == "c"+id
		}
		var vals []string
		switch rdb.Type(ctx, k).Val() {
		case "string":
			vals = []string{rdb.Get(ctx, k).Val()}
		case "set":
			vals = rdb.SMembers(ctx, k).Val()
		case "zset":
			vals = rdb.ZRange(ctx, k, 0, -1).Val()
		case "list":
			vals = rdb.LRange(ctx, k, 0, -1).Val()
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "stream":
			for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		}
		for _, v := range vals {
			hit = hit || word.MatchString(v)
		}
		if hit {
			out = append(out, k)
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMyDataShowsEverythingStoredAboutTheChat: after a dialogue, a subscription,
// a reminder and the delivery of an announcement, every key in Redis that refers to the
// parent's chat (or to the staff chat that sent the announcement) is shown by
// /meinedaten, and /loeschen leaves none behind. A key kind the test does not
// know fails it: a new kind of stored data needs its /meinedaten line.
func TestMyDataShowsEverythingStoredAboutTheChat(t *testing.T) {
	const parent, staff = int64(515151), int64(909090)
	ctx := context.Background()
	rdb, pfx := redistest.Client(t), redistest.Prefix(t)
	store := redisstore.New(rdb, pfx)
	bc := broadcast.New(rdb, pfx, store, broadcast.Options{Rate: 30, ClaimIdle: time.Second})
	dir, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	desk := rueckruf.New(rdb, pfx)
	h, err := handlers.New(handlers.Config{Directory: dir, Store: store, Broadcaster: bc, Operator: "Landkreis",
		Callbacks: handlers.CallbackConfig{Desk: desk, Routes: map[string]handlers.CallbackRoute{
			"bad-fallingbostel-osterheide": {ChatID: -100999}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := &handlerstest.Recorder{}
	next := int64(0)
	var contact *handlers.SharedContact
	handle := func(chat int64, text, data string) string {
		t.Helper()
		next++
		u := handlers.Update{ID: next, ChatID: chat, Private: true, User: handlers.User{ID: chat, LanguageCode: "de"}, Text: text,
			Contact: contact}
		if data != "" {
			u.Callback = &handlers.Callback{ID: "cb", MessageID: 1, Data: data}
		}
		n := len(r.Messages(chat))
		if err := h.Handle(ctx, r, u); err != nil {
			t.Fatal(err)
		}
		if len(r.Messages(chat)) == n {
			return ""
		}
		ms := r.Messages(chat)
		return ms[len(ms)-1].Text
	}

	// A dialogue, a language choice, a subscription.
	handle(parent, "Dorfmark", "")
	handle(parent, "", "v1|l|de")
	handle(parent, "", "v1|a|bad-fallingbostel-osterheide")
	// A callback request, sent to the team (a draft is shown and erased the same
	// way: bot/e2e TestCallbackLoeschenMidway).
	nonce := func() string {
		st, err := store.LoadState(ctx, parent)
		if err != nil {
			t.Fatal(err)
		}
		return st.Nonce
	}
	handle(parent, "", "v1|q|s|bad-fallingbostel-osterheide")
	handle(parent, "", "v1|q|y|"+nonce())
	contact = &handlers.SharedContact{Own: true, Phone: "4915123456789", FirstName: "Erika"}
	handle(parent, "", "")
	contact = nil
	handle(parent, "", "v1|q|t|"+nonce()+"|other")
	handle(parent, "", "v1|q|h|"+nonce()+"|am")
	handle(parent, "kurze Notiz", "")
	if !strings.Contains(handle(parent, "", "v1|q|ok|"+nonce()), "angekommen") {
		t.Fatal("the callback request was not sent")
	}
	// An announcement delivered to it, with its report to the staff chat.
	id, n, err := bc.Start(ctx, handlers.Announcement{
		Districts: []string{"bad-fallingbostel-osterheide"}, Text: "Fest", HTML: "Fest", SenderID: staff, SenderChat: staff,
		When: time.Now().AddDate(0, 0, 14),
	})
	if err != nil || n != 1 {
		t.Fatalf("Start = %s, %d, %v", id, n, err)
	}
	// The parent asks for a reminder of the event.
	if on, _, err := bc.ToggleReminder(ctx, id, parent, "de"); err != nil || !on {
		t.Fatalf("ToggleReminder = %v, %v", on, err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- bc.Run(runCtx, r) }()
	deadline := time.Now().Add(30 * time.Second)
	for len(r.Messages(staff)) == 0 { // the report comes after the last delivery is recorded
		if time.Now().After(deadline) {
			t.Fatal("the broadcast was not delivered and reported in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	districtName := func(id string) string {
		d, _ := dir.District(id)
		return d.Name
	}
	// What /meinedaten must show for each kind of key that refers to the chat.
	expect := func(chat int64, key, mydata string) {
		t.Helper()
		rest := strings.TrimPrefix(key, pfx+":")
		c := strconv.FormatInt(chat, 10)
		var want string
		switch {
		case rest == "chat:"+c:
			want = "Bezirk: " + districtName("bad-fallingbostel-osterheide")
		case rest == "chat:"+c+":subs":
			want = "Abos: "
		case strings.HasPrefix(rest, "subs:"):
			want = districtName(strings.TrimPrefix(rest, "subs:"))
		case rest == "bc:"+id+":res":
			want = "Ankündigung Nr. " + id + " an diesen Chat: zugestellt"
		case rest == "bc:"+id:
			want = "Ankündigung Nr. " + id + ", aus diesem Chat verschickt"
		case rest == "rem:chat:"+c, rest == "rem:due":
			want = "Erinnerung an Ankündigung Nr. " + id + ": am "
		case rest == "bc:"+id+":msgs":
			want = "Ankündigung Nr. " + id + ": die Nummern der"
		case rest == "bc:"+id+":remsent":
			want = "Erinnerung an Ankündigung Nr. " + id + ": verschickt"
		case rest == "bc:"+id+":later":
			want = "Ankündigung Nr. " + id + ": wartet auf das Ende der Ruhezeit"
		case rest == "rr:chat:"+c:
			want = "Die Liste Ihrer Rückrufbitten"
		case strings.HasPrefix(rest, "rr:req:"):
			want = "Rückrufbitte Nr. " + strings.TrimPrefix(rest, "rr:req:") + " an " +
				districtName("bad-fallingbostel-osterheide") + ": wartet auf das Team; Vorname Erika, Telefon +4915123456789"
		case rest == "rr:draft:"+c:
			want = "Eine Rückrufbitte, die Sie gerade schreiben"
		case rest == "bc:chat:"+c, strings.HasPrefix(rest, "bc:"+id+":lock:"):
			// Pacing marker and recipient lock: no content, gone within seconds.
			if ttl := rdb.PTTL(ctx, key).Val(); ttl <= 0 || ttl > 5*time.Second {
				t.Errorf("%s lives %v; a marker that is not shown must expire within seconds", key, ttl)
			}
			return
		default:
			t.Errorf("%s refers to chat %d, and the test knows no /meinedaten line for it", key, chat)
			return
		}
		if !strings.Contains(mydata, want) {
			t.Errorf("%s refers to chat %d, but /meinedaten does not show it (want %q):\n%s", key, chat, want, mydata)
		}
	}
	for _, chat := range []int64{parent, staff} {
		keys := referencing(t, rdb, pfx, chat)
		mydata := handle(chat, "/meinedaten", "")
		t.Logf("chat %d: keys %v", chat, keys)
		if len(keys) == 0 {
			t.Fatalf("nothing stored about chat %d: the test proves nothing", chat)
		}
		for _, k := range keys {
			expect(chat, k, mydata)
		}
		// /loeschen erases all of it.
		handle(chat, "/loeschen", "")
		st, err := store.LoadState(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(handle(chat, "", "v1|x|"+st.Nonce), "gelöscht") {
			t.Fatalf("chat %d: /loeschen did not confirm", chat)
		}
		for _, k := range referencing(t, rdb, pfx, chat) {
			rest := strings.TrimPrefix(k, pfx+":")
			if !strings.HasPrefix(rest, "bc:chat:") {
				t.Errorf("%s still refers to chat %d after /loeschen", k, chat)
			}
		}
		// Nor the number or the name of a callback request, anywhere.
		iter := rdb.Scan(ctx, 0, pfx+":*", 1000).Iterator()
		for iter.Next(ctx) {
			if strings.HasPrefix(strings.TrimPrefix(iter.Val(), pfx+":"), "rr:req:") {
				f := rdb.HGetAll(ctx, iter.Val()).Val()
				if f["phone"] != "" || f["name"] != "" || f["note"] != "" || f["chat"] != "" {
					t.Errorf("%s keeps personal data after /loeschen: %v", iter.Val(), f)
				}
			}
		}
	}
}
