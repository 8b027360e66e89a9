package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

const (
	chat             = int64(1001)
	dorfmarkCard     = `{"inline_keyboard":[[{"text":"📇 Kontakt speichern","callback_data":"v1|c|bad-fallingbostel-osterheide"},{"text":"📋 Angebote","callback_data":"v1|o|bad-fallingbostel-osterheide"}],[{"text":"🔔 Ankündigungen abonnieren","callback_data":"v1|a|bad-fallingbostel-osterheide"}],[{"text":"🔄 Anderer Ort","callback_data":"v1|n"}]]}`
	locationKeyboard = `{"keyboard":[[{"text":"📍 Standort senden","request_location":true}]],"resize_keyboard":true,"one_time_keyboard":true}`
	languageKeyboard = `{"inline_keyboard":[[{"text":"Deutsch","callback_data":"v1|l|de"},{"text":"English","callback_data":"v1|l|en"}],[{"text":"Українська","callback_data":"v1|l|uk"},{"text":"العربية","callback_data":"v1|l|ar"}],[{"text":"Türkçe","callback_data":"v1|l|tr"}]]}`
)

// want is the expected single request of a step.
type want struct {
	method   string
	params   map[string]string // exact
	contains map[string][]string
}

func expect(t *testing.T, reqs []fakeapi.Request, wants ...want) {
	t.Helper()
	var ms []string
	for _, w := range wants {
		ms = append(ms, w.method)
	}
	if got := methods(reqs); got != strings.Join(ms, ",") {
		t.Fatalf("requests %s, want %s", got, strings.Join(ms, ","))
	}
	for i, w := range wants {
		for k, v := range w.params {
			if got := reqs[i].Params[k]; got != v {
				t.Errorf("%s %s =\n  %s\nwant\n  %s", w.method, k, got, v)
			}
		}
		for k, vs := range w.contains {
			mustContain(t, reqs[i].Params[k], vs...)
		}
	}
}

func text(chatID int64, body string, markup string, parts ...string) want {
	p := map[string]string{"chat_id": fmt.Sprint(chatID), "parse_mode": "HTML", "link_preview_options": `{"is_disabled":true}`}
	if markup != "" {
		p["reply_markup"] = markup
	}
	if body != "" {
		p["text"] = body
	}
	return want{method: "sendMessage", params: p, contains: map[string][]string{"text": parts}}
}

func TestDialogues(t *testing.T) {
	w := start(t, config{})
	w.since() // start-up calls

	t.Run("start", func(t *testing.T) {
		expect(t, w.step(fakeapi.TextUpdate(chat, "de", "/start")),
			text(chat, "", locationKeyboard, "<b>Wo wohnen Sie?</b>", "<b>Sozialraumarbeit</b>"))
	})
	t.Run("typo", func(t *testing.T) {
		expect(t, w.step(fakeapi.TextUpdate(chat, "de", "Dorfmrak")),
			text(chat, "", dorfmarkCard, "📍 <b>Dorfmark</b> gehört zum", "<b>Vier Linden GmbH &amp; Co. KG</b>",
				"☎ Telefon: (05162) 985573", "📱 Mobil: 0162-2084780"))
	})
	t.Run("sentence", func(t *testing.T) {
		expect(t, w.step(fakeapi.TextUpdate(chat, "de", "Hallo, wir wohnen in Dorfmark und suchen Hilfe")),
			text(chat, "", dorfmarkCard, "<b>Dorfmark</b>"))
	})
	t.Run("contact card", func(t *testing.T) {
		cb := fakeapi.CallbackUpdate(chat, 2, "v1|c|bad-fallingbostel-osterheide")
		reqs := w.step(cb)
		expect(t, reqs,
			want{method: "answerCallbackQuery", params: map[string]string{"callback_query_id": cb.CallbackQuery.ID}},
			want{method: "sendContact", params: map[string]string{
				"chat_id": fmt.Sprint(chat), "phone_number": "+495162985573", "first_name": "Vier Linden GmbH & Co. KG",
			}, contains: map[string][]string{"vcard": {"BEGIN:VCARD\r\nVERSION:3.0\r\n", "TEL;TYPE=CELL:+491622084780\r\n", "END:VCARD\r\n"}}})
		if n := len(reqs[1].Params["vcard"]); n > 2048 {
			t.Errorf("vCard of %d bytes", n)
		}
	})
	t.Run("ambiguity and choice", func(t *testing.T) {
		reqs := w.step(fakeapi.TextUpdate(chat, "de", "29664"))
		expect(t, reqs, text(chat, "„29664“ passt zu mehreren Orten in verschiedenen Bezirken. Welchen meinen Sie?", ""))
		b := find(t, reqs[0], "v1|p|")
		if !strings.HasPrefix(b.Text, "Ostenholz") {
			b = find(t, reqs[0], "v1|p|"+strings.Split(b.CallbackData, "|")[2]+"|ostenholz")
		}
		cb := fakeapi.CallbackUpdate(chat, messageID(t, reqs[0]), b.CallbackData)
		expect(t, w.step(cb),
			want{method: "answerCallbackQuery", params: map[string]string{"callback_query_id": cb.CallbackQuery.ID}},
			text(chat, "", "", "<b>Ostenholz</b>", "Vier Linden"))
	})
	t.Run("forged and stale callbacks", func(t *testing.T) {
		for _, data := range []string{"v1|p|<b>|walsrode", "garbage", "v1|p|oldnonce|walsrode\x00", strings.Repeat("x", 64)} {
			reqs := w.step(fakeapi.CallbackUpdate(chat, 99, data))
			if methods(reqs) != "answerCallbackQuery,sendMessage" {
				t.Fatalf("%q: %s", data, methods(reqs))
			}
			mustContain(t, reqs[0].Params["text"], "nicht mehr gültig")
		}
	})
	t.Run("outside", func(t *testing.T) {
		expect(t, w.step(fakeapi.TextUpdate(chat, "de", "Celle")),
			text(chat, "", "", "nicht im Heidekreis", "Landkreis Celle"))
	})
	t.Run("location", func(t *testing.T) {
		reqs := w.step(fakeapi.LocationUpdate(chat, 52.8617, 9.5936))
		if methods(reqs) != "sendMessage" {
			t.Fatalf("sent %s", methods(reqs))
		}
		mustContain(t, reqs[0].Params["text"], "Walsrode")
	})
	t.Run("inline query", func(t *testing.T) {
		iq := fakeapi.InlineUpdate(chat, "Dorfmark")
		reqs := w.step(iq)
		expect(t, reqs, want{method: "answerInlineQuery", params: map[string]string{
			"inline_query_id": iq.InlineQuery.ID, "cache_time": "300", "is_personal": "true"}})
		var results []map[string]any
		if err := json.Unmarshal([]byte(reqs[0].Params["results"]), &results); err != nil {
			t.Fatal(err)
		}
		var contact, article bool
		for _, r := range results {
			switch r["type"] {
			case "contact":
				contact = contact || r["phone_number"] == "+495162985573" && r["first_name"] == "Vier Linden GmbH & Co. KG"
			case "article":
				content, _ := r["input_message_content"].(map[string]any)
				article = article || content["parse_mode"] == "HTML" &&
					strings.Contains(fmt.Sprint(content["message_text"]), "Vier Linden GmbH &amp; Co. KG")
			}
		}
		if !contact || !article || len(results) > 50 {
			t.Errorf("inline results (contact %v, article %v): %s", contact, article, reqs[0].Params["results"])
		}
	})
	t.Run("language switch", func(t *testing.T) {
		reqs := w.step(fakeapi.TextUpdate(chat, "de", "/sprache"))
		expect(t, reqs, text(chat, "Bitte wählen Sie Ihre Sprache:", languageKeyboard))
		reqs = w.step(fakeapi.CallbackUpdate(chat, messageID(t, reqs[0]), "v1|l|en"))
		if methods(reqs) != "answerCallbackQuery,sendMessage" {
			t.Fatalf("sent %s", methods(reqs))
		}
		mustContain(t, reqs[1].Params["text"], "in English")
		reqs = w.step(fakeapi.TextUpdate(chat, "de", "Dorfmark"))
		mustContain(t, reqs[0].Params["text"], "belongs to the")
		w.step(fakeapi.CallbackUpdate(chat, messageID(t, reqs[0]), "v1|l|de"))
	})
	t.Run("awkward input", func(t *testing.T) {
		long := strings.Repeat("Dorfmark 0151 99887766 ", 4000/23+1)[:4000]
		for _, in := range []string{long, strings.Repeat("🏡", 4000), "<script>alert(1)</script> & Co", "\xff\xfe"} {
			reqs := w.step(fakeapi.TextUpdate(chat, "de", in))
			if methods(reqs) != "sendMessage" {
				t.Fatalf("%.20q: sent %s", in, methods(reqs))
			}
			if strings.Contains(reqs[0].Params["text"], "<script>") {
				t.Errorf("unescaped user text sent back")
			}
		}
	})
	t.Run("sticker", func(t *testing.T) {
		u := fakeapi.TextUpdate(chat, "de", "")
		u.Message.Sticker = &models.Sticker{FileID: "s1", FileUniqueID: "u1", Type: "regular", Width: 512, Height: 512}
		reqs := w.step(u)
		if methods(reqs) != "sendMessage" {
			t.Fatalf("a message without text got %s", methods(reqs))
		}
	})
	t.Run("concurrent updates of one chat", func(t *testing.T) {
		reqs := w.step(fakeapi.TextUpdate(chat, "de", "Walsrode"), fakeapi.TextUpdate(chat, "de", "Soltau"),
			fakeapi.TextUpdate(chat, "de", "Dorfmark"), fakeapi.TextUpdate(chat+1, "de", "Bispingen"))
		var got []string
		for _, r := range reqs {
			if r.ChatID == chat {
				txt := r.Params["text"]
				got = append(got, txt[strings.Index(txt, "<b>")+3:strings.Index(txt, "</b>")])
			}
		}
		if strings.Join(got, ",") != "Walsrode,Soltau,Dorfmark" {
			t.Errorf("answers in order %q", got)
		}
	})
	t.Run("duplicate update", func(t *testing.T) {
		u := fakeapi.TextUpdate(chat, "de", "Walsrode")
		id := w.api.Push(u)[0]
		w.handled(id)
		before := len(w.since())
		// The same update delivered again by webhook to a second replica.
		hook := start(t, config{api: w.api, rdb: w.rdb, prefix: w.prefix, mode: bot.ModeWebhook})
		u.ID = id
		body, _ := json.Marshal(&u)
		waitHook(t, hook, string(body))
		// The replica pops the update from the chat's inbox only after handling it.
		inbox := fmt.Sprintf("%s:inbox:c%d", w.prefix, chat)
		deadline := time.Now().Add(wait)
		for w.rdb.Exists(context.Background(), inbox).Val() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the redelivered update stays in the inbox")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if reqs := w.since(); len(reqs) != 0 {
			t.Errorf("duplicate answered: %s", methods(reqs))
		}
		if before != 1 {
			t.Errorf("first delivery made %d requests", before)
		}
	})
}

// waitHook posts a body to the webhook replica until it runs, and expects 200.
func waitHook(t *testing.T, w *world, body string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hookKey)
		rec := httptest.NewRecorder()
		w.bot.WebhookHandler().ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			return
		}
		if rec.Code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("webhook answered %d", rec.Code)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRedisUnavailable(t *testing.T) {
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { dead.Close() })
	w := start(t, config{rdb: dead, prefix: "e2e-down"})
	w.api.Push(fakeapi.TextUpdate(chat, "de", "Dorfmark"), fakeapi.TextUpdate(chat, "de", "Walsrode"))
	reqs, err := w.api.WaitChat("sendMessage", chat, 2, wait)
	if err != nil {
		t.Fatalf("%v; logs:\n%s", err, w.logs.String())
	}
	mustContain(t, reqs[0].Params["text"], "<b>Dorfmark</b>", "Vier Linden")
	mustContain(t, reqs[1].Params["text"], "<b>Walsrode</b>")
	mustContain(t, w.logs.String(), "redis unavailable")
	if n := strings.Count(w.logs.String(), "redis unavailable"); n != 1 {
		t.Errorf("outage logged %d times", n)
	}
}
