package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestDrillWebhookAbuse: the webhook endpoint of a running app gets requests
// without or with a wrong secret token, malformed JSON, things that are not
// updates, an oversized body and a wrong method. Each is turned away with the
// right status and a log line; the process stays up and keeps answering valid
// updates.
func TestDrillWebhookAbuse(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	const secret = "drill-Webhook_secret-42"
	app := startDrillApp(t, map[string]string{"TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": redistest.Prefix(t),
		"BOT_MODE": "webhook", "WEBHOOK_LISTEN": listen, "WEBHOOK_URL": "https://bot.example.org/telegram",
		"WEBHOOK_SECRET": secret})
	url := "http://" + listen + "/telegram"

	post := func(method, token, contentType string, body io.Reader) int {
		t.Helper()
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", token)
		}
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	update := func(chat int64, text string) string {
		u := fakeapi.TextUpdate(chat, "de", text)
		u.ID = api.NextUpdateID()
		b, _ := json.Marshal(&u)
		return string(b)
	}
	places := drillPlaces(t, 3)

	// Wait for the listener; the first valid update is answered.
	deadline := time.Now().Add(drillWait)
	for post(http.MethodPost, secret, "application/json", strings.NewReader(update(1, places[0]))) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("the webhook did not accept a valid update; logs:\n%s", app.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if u, s := api.Webhook(); u != "https://bot.example.org/telegram" || s != secret {
		t.Errorf("setWebhook got %q with secret %q", u, s)
	}
	waitSent(t, api, 1, 1, app.log)

	huge := `{"update_id":7,"message":{"text":"` + strings.Repeat("A", 2<<20) + `"}}`
	tests := []struct {
		name, method, token, body string
		want                      int
	}{
		{"no secret", http.MethodPost, "", update(2, places[1]), http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, "drill-Webhook_secret-43", update(2, places[1]), http.StatusUnauthorized},
		{"malformed JSON", http.MethodPost, secret, `{"update_id":5,"message":{`, http.StatusBadRequest},
		{"not JSON", http.MethodPost, secret, "\x00\xff<html>", http.StatusBadRequest},
		{"no update_id", http.MethodPost, secret, `{"message":{"text":"Walsrode"}}`, http.StatusBadRequest},
		{"array", http.MethodPost, secret, `[1,2,3]`, http.StatusBadRequest},
		{"empty body", http.MethodPost, secret, ``, http.StatusBadRequest},
		{"oversized body", http.MethodPost, secret, huge, http.StatusRequestEntityTooLarge},
		{"GET", http.MethodGet, secret, ``, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		if got := post(tt.method, tt.token, "application/json", strings.NewReader(tt.body)); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	// The rejected update of chat 2 was not handled; the process still answers.
	if got := post(http.MethodPost, secret, "application/json", strings.NewReader(update(3, places[2]))); got != http.StatusOK {
		t.Fatalf("valid update after the abuse: status %d", got)
	}
	if got := waitSent(t, api, 3, 1, app.log); cardPlace(got[0]) != places[2] {
		t.Errorf("answer after the abuse: %q", got[0])
	}
	if n := len(api.Sent("sendMessage", 2)); n != 0 {
		t.Errorf("chat 2 got %d answers to rejected requests", n)
	}
	logs := app.log.String()
	for _, want := range []string{"secret token", "not a Telegram update", "too large"} {
		if !strings.Contains(logs, want) {
			t.Errorf("no log line with %q", want)
		}
	}
	if strings.Contains(logs, secret) {
		t.Error("the webhook secret reached the log")
	}
}
