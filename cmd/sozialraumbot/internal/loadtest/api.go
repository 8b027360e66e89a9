package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// API is a lean in-process fake of the Telegram Bot API for load runs. It serves
// getUpdates from a queue (long polling, offsets confirm as at Telegram) and
// answers every other method at once, so the time measured is the bot's own.
//
// Unlike bot/fakeapi (which records every request for exact assertions and is
// what the drills use) it keeps no request log: each reply is attributed to its
// chat and handed to that chat's subscriber, so the harness costs O(1) per
// request even after millions of them.
type API struct {
	srv *httptest.Server

	updates *fakeapi.Queue // getUpdates

	mu      sync.Mutex
	chats   map[int64]chan Reply
	msgIDs  map[int64]int
	limited map[int64]bool // chats whose messages Telegram answers with 429

	closing   chan struct{}
	closeOnce sync.Once

	requests  atomic.Int64 // every request but getUpdates
	polls     atomic.Int64
	unrouted  atomic.Int64 // replies to chats nobody listens to
	overflows atomic.Int64 // replies dropped because a listener's buffer was full
	refused   atomic.Int64 // messages answered with 429 (Limit)
}

// Reply is one request of the bot that answers a chat.
type Reply struct {
	Method    string    // sendMessage, sendContact, answerCallbackQuery, answerInlineQuery, ...
	ChatID    int64     // the chat (for callback and inline answers: the chat encoded in the query id)
	Text      string    // text parameter, if any
	Markup    string    // reply_markup as sent, if any
	MessageID int       // the message_id the fake gave a sent message (0 for other methods)
	At        time.Time // arrival at the fake
}

// Completes reports whether the reply ends a parent's turn: a message into the
// chat or an inline answer (a callback acknowledgement or a chat action alone does not).
func (r Reply) Completes() bool {
	switch r.Method {
	case "sendMessage", "sendContact", "sendLocation", "editMessageText", "answerInlineQuery":
		return true
	}
	return false
}

// NewAPI starts a fake Bot API on a local port. Close it when done.
func NewAPI() *API {
	a := &API{
		updates: fakeapi.NewQueue(1),
		chats:   map[int64]chan Reply{},
		msgIDs:  map[int64]int{},
		limited: map[int64]bool{},
		closing: make(chan struct{}),
	}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serveHTTP))
	return a
}

// URL is the base URL for the bot (TELEGRAM_API_URL, tgbot.WithServerURL).
func (a *API) URL() string { return a.srv.URL }

// Close ends pending long polls and stops the server.
func (a *API) Close() {
	a.closeOnce.Do(func() {
		close(a.closing)
		a.srv.CloseClientConnections()
		a.srv.Close()
	})
}

// Listen returns the replies to chat. Buffered; replies beyond the buffer are
// counted as overflows and dropped.
func (a *API) Listen(chat int64) <-chan Reply {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch, ok := a.chats[chat]
	if !ok {
		ch = make(chan Reply, 64)
		a.chats[chat] = ch
	}
	return ch
}

// Limit makes the fake answer every message into chat with 429 and
// retry_after 1 s, as Telegram does for a chat the bot writes into too fast.
func (a *API) Limit(chat int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.limited[chat] = true
}

// Push queues an update (its update_id is assigned here) and returns its id.
func (a *API) Push(u models.Update) int64 {
	u.ID = 0
	return a.updates.Push(u)[0]
}

// Stats are the fake's counters.
type Stats struct {
	Requests  int64 // Bot API calls other than getUpdates
	Polls     int64 // getUpdates calls
	Unrouted  int64 // replies that could not be attributed to a listening chat
	Overflows int64 // replies dropped because the chat's listener lagged
	Pending   int   // updates not yet confirmed by the bot
	Confirmed int64 // highest offset the bot confirmed
	Refused   int64 // messages answered with 429 (Limit)
}

// Stats returns the counters so far.
func (a *API) Stats() Stats {
	pending, confirmed := a.updates.Pending(), a.updates.Confirmed()
	return Stats{Requests: a.requests.Load(), Polls: a.polls.Load(), Unrouted: a.unrouted.Load(),
		Overflows: a.overflows.Load(), Pending: pending, Confirmed: confirmed, Refused: a.refused.Load()}
}

func (a *API) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	rest, _ := strings.CutPrefix(r.URL.Path, "/bot")
	_, method, ok := strings.Cut(rest, "/")
	if !ok {
		writeJSON(w, http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found"}`)
		return
	}
	p, err := fakeapi.ParseParams(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: `+
			jsonEscape(err.Error())+`"}`)
		return
	}
	switch strings.ToLower(method) {
	case "getupdates":
		a.polls.Add(1)
		a.getUpdates(w, r, p)
		return
	case "getme":
		writeJSON(w, http.StatusOK, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Load","username":"sozialraum_load_bot","supports_inline_queries":true}}`)
		return
	case "deletewebhook", "setwebhook", "setmycommands", "deletemycommands", "setmydescription", "setmyshortdescription":
		writeJSON(w, http.StatusOK, `{"ok":true,"result":true}`)
		return
	}
	a.requests.Add(1)
	rep := Reply{Method: canonicalMethod(method), Text: p["text"], Markup: p["reply_markup"], At: at}
	switch rep.Method {
	case "answerCallbackQuery":
		rep.ChatID = chatOfQuery(p["callback_query_id"], "cb")
	case "answerInlineQuery":
		rep.ChatID = chatOfQuery(p["inline_query_id"], "iq")
	default:
		rep.ChatID, _ = strconv.ParseInt(p["chat_id"], 10, 64)
	}
	switch rep.Method {
	case "sendMessage", "sendContact", "sendLocation":
		a.mu.Lock()
		if a.limited[rep.ChatID] {
			a.mu.Unlock()
			a.refused.Add(1)
			writeJSON(w, http.StatusTooManyRequests,
				`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
			return
		}
		a.msgIDs[rep.ChatID]++
		rep.MessageID = a.msgIDs[rep.ChatID]
		a.mu.Unlock()
		a.route(rep)
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"}}}`,
			rep.MessageID, at.Unix(), rep.ChatID))
	case "editMessageText":
		a.route(rep)
		id, _ := strconv.Atoi(p["message_id"])
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"}}}`,
			id, at.Unix(), rep.ChatID))
	default:
		a.route(rep)
		writeJSON(w, http.StatusOK, `{"ok":true,"result":true}`)
	}
}

// route hands a reply to its chat's listener.
func (a *API) route(rep Reply) {
	a.mu.Lock()
	ch, ok := a.chats[rep.ChatID]
	a.mu.Unlock()
	if !ok {
		a.unrouted.Add(1)
		return
	}
	select {
	case ch <- rep:
	default:
		a.overflows.Add(1)
	}
}

// getUpdates answers a long poll: updates at or above the offset, at most limit
// (default 100), waiting up to timeout seconds when there are none.
func (a *API) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, err := strconv.Atoi(p["limit"])
	if err != nil || limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	a.updates.Confirm(offset)
	out := a.updates.Poll(r.Context(), offset, limit, time.Duration(timeout)*time.Second, a.closing)
	if r.Context().Err() != nil {
		return
	}
	var buf bytes.Buffer
	buf.WriteString(`{"ok":true,"result":[`)
	for i, raw := range out {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(raw)
	}
	buf.WriteString(`]}`)
	writeJSON(w, http.StatusOK, buf.String())
}

// chatOfQuery decodes the chat from query ids the harness makes: "cb<chat>-<n>".
func chatOfQuery(id, prefix string) int64 {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, "-")
	chat, _ := strconv.ParseInt(num, 10, 64)
	return chat
}

var methodNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"sendMessage", "sendContact", "sendLocation", "editMessageText",
		"editMessageReplyMarkup", "answerCallbackQuery", "answerInlineQuery", "sendChatAction", "deleteMessage"} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

func canonicalMethod(m string) string {
	if n, ok := methodNames[strings.ToLower(m)]; ok {
		return n
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
