package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Request is one recorded Bot API call.
type Request struct {
	Seq    int    // 1-based position among all recorded requests
	Method string // e.g. "sendMessage" (documented spelling)
	Token  string // the bot token of the URL
	// Params holds every parameter as a string: strings as sent, other JSON values
	// (reply_markup, results, numbers, booleans) as their raw JSON text as sent.
	// A file upload is recorded as "file:<filename>".
	Params map[string]string
	// Files holds the content of every uploaded file by its form field name
	// (e.g. "document", or the name an attach:// reference points to).
	Files  map[string][]byte
	ChatID int64           // parsed chat_id, 0 when absent
	Status int             // HTTP status answered; 0 when the connection was dropped
	Result json.RawMessage // the result answered on success
	At     time.Time       // when the request arrived
}

// Message decodes the result of a successful sendMessage or sendContact.
func (r Request) Message() (Message, error) {
	var m Message
	if r.Status != http.StatusOK {
		return m, fmt.Errorf("request %d (%s) failed with status %d", r.Seq, r.Method, r.Status)
	}
	err := json.Unmarshal(r.Result, &m)
	return m, err
}

// Message is the part of a sent message's result tests usually need.
type Message struct {
	MessageID int `json:"message_id"`
	Chat      struct {
		ID int64 `json:"id"`
	} `json:"chat"`
	Text     string `json:"text"`
	Caption  string `json:"caption"`
	Document *struct {
		FileID   string `json:"file_id"`
		FileName string `json:"file_name"`
	} `json:"document"`
	Photo []struct {
		FileID string `json:"file_id"`
	} `json:"photo"`
	Venue *struct {
		Title   string `json:"title"`
		Address string `json:"address"`
	} `json:"venue"`
}

const maxBody = 50 << 20

// ParseParams reads the parameters (see ParseRequest, which also returns uploaded files) of a Bot API request in any of the encodings
// the Bot API accepts: query string, JSON, urlencoded or multipart form (which
// go-telegram/bot sends). JSON values that are not strings (reply_markup,
// results, ...) are kept as their raw JSON text.
func ParseParams(r *http.Request) (map[string]string, error) {
	p, _, err := ParseRequest(r)
	return p, err
}

// ParseRequest reads the parameters of a Bot API request like ParseParams, and
// the content of the files uploaded with a multipart form, by field name.
func ParseRequest(r *http.Request) (map[string]string, map[string][]byte, error) {
	params := map[string]string{}
	files := map[string][]byte{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	if r.Body == nil {
		return params, files, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return params, files, fmt.Errorf("reading body: %w", err)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return params, files, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return params, files, fmt.Errorf("decoding JSON body: %w", err)
		}
		for k, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				params[k] = s
			} else {
				params[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			if errors.Is(err, io.EOF) {
				return params, files, nil // an empty form: a method without parameters
			}
			return params, files, fmt.Errorf("decoding multipart body: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k, f := range r.MultipartForm.File {
			params[k] = "file:" + f[0].Filename
			if fh, err := f[0].Open(); err == nil {
				files[k], _ = io.ReadAll(io.LimitReader(fh, maxBody))
				_ = fh.Close()
			}
		}
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return params, files, fmt.Errorf("reading body: %w", err)
		}
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return params, files, fmt.Errorf("decoding form body: %w", err)
		}
		for k, vv := range v {
			params[k] = vv[0]
		}
	}
	return params, files, nil
}

// Requests lists the recorded requests of a method ("" for all), oldest first.
func (s *Server) Requests(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.reqs, func(r Request) bool { return method == "" || r.Method == method })
}

// ChatRequests lists the recorded requests with this chat_id, oldest first.
func (s *Server) ChatRequests(chatID int64) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.reqs, func(r Request) bool { return r.ChatID == chatID })
}

// Sent lists the successful requests of a method to a chat, oldest first: what the chat saw.
func (s *Server) Sent(method string, chatID int64) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.reqs, func(r Request) bool {
		return r.Method == method && r.ChatID == chatID && r.Status == http.StatusOK
	})
}

// Reset forgets all recorded requests (not the update queue, faults or webhook).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

func filter(reqs []Request, keep func(Request) bool) []Request {
	var out []Request
	for _, r := range reqs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return slices.Clip(out)
}

// ErrTimeout is returned by the Wait functions when too few requests arrived in time.
var ErrTimeout = errors.New("fakeapi: timed out waiting for requests")

// Wait blocks until at least n requests of a method ("" for all) were recorded, or
// the timeout passed, and returns them (all of them, possibly more than n).
func (s *Server) Wait(method string, n int, timeout time.Duration) ([]Request, error) {
	return s.WaitFunc(n, timeout, func(r Request) bool { return method == "" || r.Method == method })
}

// WaitChat blocks until at least n requests of a method ("" for all) to a chat were recorded.
func (s *Server) WaitChat(method string, chatID int64, n int, timeout time.Duration) ([]Request, error) {
	return s.WaitFunc(n, timeout, func(r Request) bool {
		return r.ChatID == chatID && (method == "" || r.Method == method)
	})
}

// WaitFunc blocks until at least n recorded requests satisfy keep, or the timeout passed.
func (s *Server) WaitFunc(n int, timeout time.Duration, keep func(Request) bool) ([]Request, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got := filter(s.reqs, keep)
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return got, fmt.Errorf("%w: %d of %d after %s", ErrTimeout, len(got), n, timeout)
		}
	}
}
