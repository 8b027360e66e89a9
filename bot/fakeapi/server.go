package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a fake Telegram Bot API. Create it with New or Start.
type Server struct {
	srv      *httptest.Server
	token    string // required token; "" accepts any
	username string
	closing  chan struct{}
	once     sync.Once

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every recorded request or pushed update
	reqs    []Request
	msgIDs  map[int64]int
	deleted map[int64]map[int]bool // deleted messages by chat
	fileSeq int

	faults     []*fault
	chatFaults map[int64]*fault
	latency    map[string]time.Duration // by method; "" for all

	updates      *Queue // getUpdates
	webhookURL   string
	webhookSec   string
	menu         menuState            // commands and descriptions the bot set
	onGetUpdates func(offset int64)   // see OnGetUpdates
	members      map[memberKey]string // getChatMember answers (SetChatMember)
}

// Option configures a Server.
type Option func(*Server)

// WithToken makes the server accept only this bot token (others get 401 Unauthorized).
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithUsername sets the username getMe reports (default "sozialraum_test_bot").
func WithUsername(name string) Option { return func(s *Server) { s.username = name } }

// New starts a fake Bot API server. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		username:   "sozialraum_test_bot",
		closing:    make(chan struct{}),
		changed:    make(chan struct{}),
		msgIDs:     map[int64]int{},
		deleted:    map[int64]map[int]bool{},
		chatFaults: map[int64]*fault{},
		latency:    map[string]time.Duration{},
		updates:    NewQueue(1000),
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// TB is the part of testing.TB that Start uses, so that this package does
// not import testing (a *testing.T or *testing.B is one).
type TB interface {
	Helper()
	Cleanup(func())
}

// Start is New for tests: the server is closed when the test ends.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	s := New(opts...)
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL to give the client, e.g. tgbot.WithServerURL(s.URL()).
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close ends pending long polls and shuts the server down.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// canonical maps lower-cased method names to their documented spelling
// (Telegram method names are case-insensitive).
var canonical = func() map[string]string {
	m := map[string]string{}
	for _, name := range []string{
		"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "logOut", "close", "getChatMember",
		"sendMessage", "sendContact", "sendLocation", "sendChatAction", "editMessageText",
		"sendPhoto", "sendDocument", "sendVenue", "editMessageCaption", "editMessageMedia",
		"editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery", "answerInlineQuery",
		"setMyCommands", "deleteMyCommands", "getMyCommands", "setMyDescription", "setMyShortDescription",
		"getMyDescription", "getMyShortDescription",
	} {
		m[strings.ToLower(name)] = name
	}
	return m
}()

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || token == "" || method == "" {
		writeError(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	if name, ok := canonical[strings.ToLower(method)]; ok {
		method = name
	}
	params, files, perr := ParseRequest(r)
	req := Request{Method: method, Token: token, Params: params, Files: files, At: time.Now()}
	if v, ok := params["chat_id"]; ok {
		req.ChatID, _ = strconv.ParseInt(v, 10, 64)
	}

	if method == "getUpdates" && perr == nil {
		s.observeGetUpdates(params)
	}
	res := s.decide(r, &req, perr)
	if d := s.latencyFor(method); d > 0 && res.status != 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		case <-s.closing:
		}
	}
	if res.poll != nil {
		res = s.longPoll(r, res.poll)
	}
	req.Status = res.status
	if res.status == http.StatusOK {
		req.Result = res.result
	}
	s.record(req)
	if res.status == 0 {
		dropConnection(w)
		return
	}
	if res.status != http.StatusOK {
		writeError(w, res.status, res.desc, res.retryAfter)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
	}{true, res.result})
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req.Seq = len(s.reqs) + 1
	s.reqs = append(s.reqs, req)
	s.notifyLocked()
}

func (s *Server) latencyFor(method string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.latency[method]; ok {
		return d
	}
	return s.latency[""]
}

func writeError(w http.ResponseWriter, status int, desc string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": status, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// dropConnection closes the connection without an answer: the client sees a network error.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// describe is Telegram's description for an error status.
func describe(status, retryAfter int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad Request: injected failure"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	default:
		return http.StatusText(status)
	}
}
