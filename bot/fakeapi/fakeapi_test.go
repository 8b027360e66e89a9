package fakeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

const wait = 10 * time.Second

func newClient(t *testing.T, api *fakeapi.Server) *tgbot.Bot {
	t.Helper()
	b, err := tgbot.New("123:secret", tgbot.WithServerURL(api.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordsMultipartExactly(t *testing.T) {
	api := fakeapi.Start(t)
	b := newClient(t, api)
	markup := map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "Ja", "callback_data": "v1:y"}}}}
	msg, err := b.SendMessage(context.Background(), &tgbot.SendMessageParams{
		ChatID: int64(42), Text: "<b>Hallo</b> &amp; tschüss", ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != 1 || msg.Chat.ID != 42 || msg.Text != "Hallo & tschüss" {
		t.Errorf("result = %+v", msg)
	}
	reqs := api.Requests("sendMessage")
	if len(reqs) != 1 {
		t.Fatalf("got %d requests", len(reqs))
	}
	r := reqs[0]
	want := map[string]string{
		"chat_id": "42", "text": "<b>Hallo</b> &amp; tschüss", "parse_mode": "HTML",
		"reply_markup": `{"inline_keyboard":[[{"callback_data":"v1:y","text":"Ja"}]]}`,
	}
	for k, v := range want {
		if r.Params[k] != v {
			t.Errorf("%s = %q, want %q", k, r.Params[k], v)
		}
	}
	if r.Token != "123:secret" || r.ChatID != 42 || r.Status != 200 {
		t.Errorf("request = %+v", r)
	}
}

func TestRecordsJSONAndForm(t *testing.T) {
	api := fakeapi.Start(t)
	body := `{"chat_id":7,"text":"hi","reply_markup":{"remove_keyboard":true}}`
	resp, err := http.Post(api.URL()+"/bot1:x/SENDMESSAGE", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(api.URL()+"/bot1:x/answerCallbackQuery", "application/x-www-form-urlencoded",
		strings.NewReader("callback_query_id=abc&text=ok"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	all := api.Requests("")
	if len(all) != 2 || all[0].Method != "sendMessage" || all[0].Params["reply_markup"] != `{"remove_keyboard":true}` ||
		all[0].ChatID != 7 || all[1].Params["callback_query_id"] != "abc" {
		t.Errorf("requests = %+v", all)
	}
}

func TestValidatesLikeTelegram(t *testing.T) {
	api := fakeapi.Start(t)
	b := newClient(t, api)
	ctx := context.Background()
	tests := []struct {
		name   string
		params *tgbot.SendMessageParams
		desc   string
	}{
		{"unescaped", &tgbot.SendMessageParams{ChatID: 1, Text: "a < b", ParseMode: "HTML"}, "can't parse entities"},
		{"bad tag", &tgbot.SendMessageParams{ChatID: 1, Text: "<div>x</div>", ParseMode: "HTML"}, "can't parse entities"},
		{"too long", &tgbot.SendMessageParams{ChatID: 1, Text: strings.Repeat("😀", 2049)}, "message is too long"},
		{"empty", &tgbot.SendMessageParams{ChatID: 1, Text: "<b></b>", ParseMode: "HTML"}, "message text is empty"},
		{"copy_text", &tgbot.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "a", CallbackData: "b"}}}}}, "BUTTON_COPY_TEXT_INVALID"},
		{"long data", &tgbot.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: map[string]any{
			"inline_keyboard": [][]map[string]string{{{"text": "a", "callback_data": strings.Repeat("d", 65)}}}}}, "BUTTON_DATA_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.SendMessage(ctx, tt.params)
			if !errors.Is(err, tgbot.ErrorBadRequest) || !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("err = %v, want bad request %q", err, tt.desc)
			}
		})
	}
	if _, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 1, Text: strings.Repeat("😀", 2048)}); err != nil {
		t.Errorf("4096 UTF-16 units rejected: %v", err)
	}
}

func TestFaults(t *testing.T) {
	api := fakeapi.Start(t)
	b := newClient(t, api)
	ctx := context.Background()
	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: "x"})
		return err
	}
	api.FailNext("sendMessage", 1, http.StatusTooManyRequests, 7)
	var tm *tgbot.TooManyRequestsError
	if err := send(1); !errors.As(err, &tm) || tm.RetryAfter != 7 {
		t.Errorf("429: err = %v", err)
	}
	if err := send(1); err != nil {
		t.Errorf("after the fault: %v", err)
	}
	api.FailChat(5, http.StatusForbidden, -1)
	for range 3 {
		if err := send(5); !errors.Is(err, tgbot.ErrorForbidden) {
			t.Errorf("blocked chat: err = %v", err)
		}
	}
	if err := send(6); err != nil {
		t.Errorf("other chat: %v", err)
	}
	api.FailNext("", 1, 0, 0)
	if err := send(1); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("dropped connection: err = %v", err)
	}
	api.FailNext("sendMessage", 1, http.StatusBadGateway, 0)
	if err := send(1); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("502: err = %v", err)
	}
	if got := len(api.ChatRequests(5)); got != 3 {
		t.Errorf("ChatRequests(5) = %d", got)
	}
	if got := len(api.Sent("sendMessage", 1)); got != 1 {
		t.Errorf("Sent(1) = %d", got)
	}
}

func getUpdates(t *testing.T, api *fakeapi.Server, offset int64, timeout int) []json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"offset": offset, "timeout": timeout})
	resp, err := http.Post(api.URL()+"/bot1:x/getUpdates", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		OK     bool
		Result []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || !r.OK {
		t.Fatalf("getUpdates: %v %+v", err, r)
	}
	return r.Result
}

func TestGetUpdatesOffsets(t *testing.T) {
	api := fakeapi.Start(t)
	ids := api.Push(fakeapi.TextUpdate(1, "de", "Walsrode"), fakeapi.CallbackUpdate(1, 3, "v1:x"))
	if got := getUpdates(t, api, 0, 0); len(got) != 2 {
		t.Fatalf("first poll: %d updates", len(got))
	}
	if got := getUpdates(t, api, ids[0]+1, 0); len(got) != 1 {
		t.Fatalf("after confirming one: %d updates", len(got))
	}
	if api.Confirmed() != ids[0]+1 || api.Pending() != 1 {
		t.Errorf("confirmed %d pending %d", api.Confirmed(), api.Pending())
	}
	done := make(chan []json.RawMessage)
	go func() { done <- getUpdates(t, api, ids[1]+1, 30) }()
	// The long poll has arrived once its offset is applied; push while it waits.
	if err := api.WaitConfirmed(ids[1]+1, wait); err != nil {
		t.Fatal(err)
	}
	api.Push(fakeapi.InlineUpdate(9, "Soltau"))
	select {
	case got := <-done:
		var u models.Update
		if len(got) != 1 || json.Unmarshal(got[0], &u) != nil || u.InlineQuery == nil || u.InlineQuery.Query != "Soltau" {
			t.Errorf("long poll got %s", got)
		}
	case <-time.After(wait):
		t.Fatal("long poll did not return the pushed update")
	}
}

func TestWebhookConflictAndWait(t *testing.T) {
	api := fakeapi.Start(t)
	b := newClient(t, api)
	ctx := context.Background()
	if _, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: "https://x/hook", SecretToken: "s3cr-et_"}); err != nil {
		t.Fatal(err)
	}
	if u, s := api.Webhook(); u != "https://x/hook" || s != "s3cr-et_" {
		t.Errorf("webhook = %q %q", u, s)
	}
	resp, err := http.Post(api.URL()+"/bot1:x/getUpdates", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("getUpdates with webhook: %d", resp.StatusCode)
	}
	go func() { _, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 3, Text: "later"}) }()
	reqs, err := api.WaitChat("sendMessage", 3, 1, wait)
	if err != nil || reqs[0].Params["text"] != "later" {
		t.Errorf("WaitChat: %v %+v", err, reqs)
	}
	if _, err := api.Wait("sendContact", 1, 10*time.Millisecond); !errors.Is(err, fakeapi.ErrTimeout) {
		t.Errorf("Wait for nothing: %v", err)
	}
}

func TestCheckHTML(t *testing.T) {
	tests := []struct {
		in, plain string
		ok        bool
	}{
		{"plain", "plain", true},
		{`<b>x</b> <a href="https://a.de/?a=1&amp;b=2">l</a>`, "x l", true},
		{"&lt;&gt;&amp;&quot;&#39;&#x1F600;", `<>&"'😀`, true},
		{`<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, "st", true},
		{`<pre><code class="language-go">x</code></pre>`, "x", true},
		{"<b>x", "", false},
		{"<b>x</i>", "", false},
		{"a & b", "", false},
		{"a > b", "", false},
		{"&nbsp;", "", false},
		{"<script>", "", false},
		{`<a>x</a>`, "", false},
		{`<span>x</span>`, "", false},
		{`<code><b>x</b></code>`, "", false},
		{"\xff", "", false},
	}
	for _, tt := range tests {
		plain, err := fakeapi.CheckHTML(tt.in)
		if (err == nil) != tt.ok || plain != tt.plain {
			t.Errorf("CheckHTML(%q) = %q, %v; want %q ok=%v", tt.in, plain, err, tt.plain, tt.ok)
		}
		if err != nil && !errors.Is(err, fakeapi.ErrHTML) {
			t.Errorf("error %v does not wrap ErrHTML", err)
		}
	}
}

// OnGetUpdates sees each requested offset before it confirms anything.
func TestOnGetUpdates(t *testing.T) {
	api := fakeapi.Start(t)
	ids := api.Push(fakeapi.TextUpdate(1, "de", "a"), fakeapi.TextUpdate(1, "de", "b"))
	type seen struct{ offset, confirmedBefore int64 }
	var got []seen
	api.OnGetUpdates(func(offset int64) { got = append(got, seen{offset, api.Confirmed()}) })
	getUpdates(t, api, 0, 0)
	getUpdates(t, api, ids[1]+1, 0)
	api.OnGetUpdates(nil)
	getUpdates(t, api, ids[1]+1, 0)
	want := []seen{{0, 0}, {ids[1] + 1, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("OnGetUpdates saw %v, want %v", got, want)
	}
}
