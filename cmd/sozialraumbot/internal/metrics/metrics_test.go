package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNilIsSafe(t *testing.T) {
	var m *Metrics
	m.Update("message")
	m.Resolved("match")
	m.Handled("message", time.Millisecond)
	m.APIError(429)
	m.Broadcast("delivered")
	m.RedisError("get")
	m.Crisis("de")
	m.Duplicate()
	m.InFlight(1)
	if m.Registry() != nil {
		t.Error("nil Metrics has a registry")
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Errorf("nil Metrics handler answered %d, want 404", rec.Code)
	}
}

func TestExposition(t *testing.T) {
	m := New()
	m.Update("callback")
	m.Resolved("ambiguous")
	m.Resolved("ambiguous")
	m.Handled("message", 3*time.Millisecond)
	m.APIError(429)
	m.APIError(0)
	m.Broadcast("blocked")
	m.RedisError("lock")
	m.Crisis("uk")
	m.Duplicate()
	m.InFlight(2)
	m.InFlight(-1)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`sozialraumbot_updates_total{type="callback"} 1`,
		`sozialraumbot_resolver_outcomes_total{status="ambiguous"} 2`,
		`sozialraumbot_handler_duration_seconds_count{type="message"} 1`,
		`sozialraumbot_botapi_errors_total{code="429"} 1`,
		`sozialraumbot_botapi_errors_total{code="0"} 1`,
		`sozialraumbot_broadcast_messages_total{result="blocked"} 1`,
		`sozialraumbot_redis_errors_total{op="lock"} 1`,
		`sozialraumbot_crisis_answers_total{lang="uk"} 1`,
		`sozialraumbot_duplicate_updates_total 1`,
		`sozialraumbot_updates_in_flight 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
