package ops

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/metrics"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func get(t *testing.T, h http.Handler, path string) (int, status, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body := rec.Body.String()
	var st status
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("%s: body is not JSON: %v: %q", path, err, body)
		}
	}
	return rec.Code, st, body
}

func TestReadyz(t *testing.T) {
	tg := NewOnce("telegram")
	failedTG := NewOnce("telegram")
	failedTG.Done(errors.New("getMe: 401 Unauthorized for bot123:SECRETTOKEN"))
	okTG := NewOnce("telegram")
	okTG.Done(nil)
	okOther := NewOnce("other")
	okOther.Done(nil)
	redact := func(s string) string { return strings.ReplaceAll(s, "SECRETTOKEN", "***") }

	tests := []struct {
		name   string
		checks []Check
		code   int
		want   map[string]string // check -> prefix of its result
	}{
		{"no checks", nil, 200, map[string]string{}},
		{"redis up, telegram ok", []Check{Redis(redistest.Client(t)), okTG.Check()}, 200,
			map[string]string{"redis": "ok", "telegram": "ok"}},
		{"telegram not yet checked", []Check{Redis(redistest.Client(t)), tg.Check()}, 503,
			map[string]string{"redis": "ok", "telegram": "fail: not checked yet"}},
		{"telegram failed, redacted", []Check{okOther.Check(), failedTG.Check()}, 503,
			map[string]string{"other": "ok", "telegram": "fail: getMe: 401 Unauthorized for bot123:***"}},
		{"same name twice: the failure wins", []Check{failedTG.Check(), okTG.Check()}, 503,
			map[string]string{"telegram": "fail: getMe"}},
		{"redis down", []Check{Redis(redistest.Down(t)), okTG.Check()}, 503,
			map[string]string{"redis": "fail: ", "telegram": "ok"}},
		{"check hangs", []Check{{Name: "slow", Check: func(ctx context.Context) error { select {} }}}, 503,
			map[string]string{"slow": "fail: no answer in time"}},
		{"check panics", []Check{{Name: "bad", Check: func(context.Context) error { panic("boom") }}}, 503,
			map[string]string{"bad": "fail: check panicked: boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Checks: tt.checks, CheckTimeout: 300 * time.Millisecond, Redact: redact, Logger: quiet()})
			code, st, body := get(t, s.Handler(), "/readyz")
			if code != tt.code {
				t.Errorf("code %d, want %d: %s", code, tt.code, body)
			}
			if len(st.Checks) != len(tt.want) {
				t.Errorf("checks %v, want %v", st.Checks, tt.want)
			}
			for name, prefix := range tt.want {
				if !strings.HasPrefix(st.Checks[name], prefix) {
					t.Errorf("check %s = %q, want prefix %q", name, st.Checks[name], prefix)
				}
			}
			if strings.Contains(body, "SECRETTOKEN") {
				t.Errorf("body reveals the secret: %s", body)
			}
			if wantStatus := map[int]string{200: "ok", 503: "fail"}[tt.code]; st.Status != wantStatus {
				t.Errorf("status %q, want %q", st.Status, wantStatus)
			}
		})
	}
}

func TestOnceCanRecover(t *testing.T) {
	o := NewOnce("telegram")
	s := New(Options{Checks: []Check{o.Check()}, Logger: quiet()})
	o.Done(errors.New("timeout"))
	if code, _, _ := get(t, s.Handler(), "/readyz"); code != 503 {
		t.Errorf("after failure: %d", code)
	}
	o.Done(nil)
	if code, _, _ := get(t, s.Handler(), "/readyz"); code != 200 {
		t.Errorf("after success: %d", code)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	m := metrics.New()
	m.Update("message")
	m.Resolved("match")
	s := New(Options{Checks: []Check{NewOnce("never").Check()}, Metrics: m.Handler(), Logger: quiet()})
	// Liveness does not depend on readiness.
	if code, st, _ := get(t, s.Handler(), "/healthz"); code != 200 || st.Status != "ok" {
		t.Errorf("/healthz = %d %+v", code, st)
	}
	code, _, body := get(t, s.Handler(), "/metrics")
	if code != 200 || !strings.Contains(body, `sozialraumbot_updates_total{type="message"} 1`) ||
		!strings.Contains(body, `sozialraumbot_resolver_outcomes_total{status="match"} 1`) {
		t.Errorf("/metrics = %d:\n%.500s", code, body)
	}
	if code, _, _ := get(t, New(Options{Logger: quiet()}).Handler(), "/metrics"); code != 404 {
		t.Errorf("/metrics without collectors = %d, want 404", code)
	}
	if code, _, _ := get(t, s.Handler(), "/nope"); code != 404 {
		t.Errorf("/nope = %d", code)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d", rec.Code)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ok := NewOnce("telegram")
	ok.Done(nil)
	s := New(Options{Checks: []Check{ok.Check()}, Logger: quiet()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()

	base := "http://" + l.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s = %d", path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v after shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if code, st, _ := get(t, s.Handler(), "/readyz"); code != 503 || st.Status != "shutting down" {
		t.Errorf("/readyz after shutdown = %d %+v", code, st)
	}
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Error("listener still answers after shutdown")
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	err := New(Options{Addr: "256.0.0.1:bad", Logger: quiet()}).ListenAndServe(context.Background())
	if err == nil || !strings.Contains(err.Error(), "ops listener") {
		t.Errorf("ListenAndServe = %v", err)
	}
}
