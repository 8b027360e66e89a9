package fakeapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// TestWebhookSenderRetriesInOrder: updates go to the registered webhook with
// its secret; a failed attempt (500, a dropped connection, no answer within the
// timeout) is made again, and a chat's next update comes only after its
// previous one was acknowledged. An update sent twice is delivered twice.
func TestWebhookSenderRetriesInOrder(t *testing.T) {
	api := fakeapi.Start(t)
	var (
		mu       sync.Mutex
		seen     = map[int64]int{}     // attempts by update_id
		acked    = map[int64][]int64{} // acknowledged ids by chat, in order
		secrets  []string
		inFlight = map[int64]bool{}
		overlap  bool
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		chat := u.Message.Chat.ID
		mu.Lock()
		seen[u.ID]++
		n := seen[u.ID]
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		overlap = overlap || inFlight[chat]
		inFlight[chat] = true
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight[chat] = false
			mu.Unlock()
		}()
		switch {
		case u.Message.Text == "500" && n == 1:
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		case u.Message.Text == "drop" && n == 1:
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		case u.Message.Text == "slow" && n == 1:
			select {
			case <-time.After(wait):
			case <-r.Context().Done():
			}
			return
		}
		mu.Lock()
		acked[chat] = append(acked[chat], u.ID)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)

	b := newClient(t, api)
	if _, err := b.SetWebhook(context.Background(), &tgbot.SetWebhookParams{URL: "https://bot.example.org/hook", SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	ws := api.StartWebhook(fakeapi.WebhookOptions{Target: hook.URL, Timeout: 300 * time.Millisecond, RetryMin: 10 * time.Millisecond})
	t.Cleanup(ws.Close)

	want := map[int64][]int64{}
	for _, text := range []string{"500", "ok", "drop", "slow", "ok"} {
		for chat := int64(1); chat <= 3; chat++ {
			id := ws.Send(fakeapi.TextUpdate(chat, "de", text))[0]
			want[chat] = append(want[chat], id)
		}
	}
	again := fakeapi.TextUpdate(2, "de", "again")
	again.ID = want[2][1]
	ws.Send(again) // a deliberate redelivery
	want[2] = append(want[2], again.ID)
	if err := ws.Wait(wait); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for chat := int64(1); chat <= 3; chat++ {
		if !slices.Equal(acked[chat], want[chat]) {
			t.Errorf("chat %d acknowledged %v, want %v", chat, acked[chat], want[chat])
		}
	}
	if overlap {
		t.Error("two updates of one chat were in flight at once")
	}
	for _, s := range secrets {
		if s != "s3cret" {
			t.Fatalf("secret header %q", s)
		}
	}
	st := ws.Stats()
	// 16 deliveries acknowledged; each chat's 500, drop and slow failed once.
	if st.Queued != 16 || st.Acknowledged != 16 || st.Failed != 9 || st.Attempts != 25 ||
		st.ByStatus[http.StatusInternalServerError] != 3 || st.ByStatus[0] != 6 || st.ByStatus[http.StatusOK] != 16 {
		t.Errorf("stats %+v", st)
	}
	if n := ws.Attempts(want[1][0]); n != 2 {
		t.Errorf("attempts of the first update: %d, want 2", n)
	}
	first, ok1 := ws.Acknowledged(want[1][0])
	second, ok2 := ws.Acknowledged(want[1][1])
	if !ok1 || !ok2 || second.Before(first) {
		t.Errorf("acknowledged at %v (%v), then %v (%v)", first, ok1, second, ok2)
	}
	if _, ok := ws.Acknowledged(1 << 40); ok {
		t.Error("an update never sent is acknowledged")
	}
}
