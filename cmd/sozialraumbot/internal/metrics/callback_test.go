package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCallbackMetrics(t *testing.T) {
	var none *Callbacks
	none.Request("walsrode", "open")
	none.Taken("walsrode", time.Minute)
	if NewCallbacks(nil) != nil {
		t.Error("callback metrics without a registry")
	}
	m := New()
	c := NewCallbacks(m)
	c.Request("walsrode", "open")
	c.Request("walsrode", "open")
	c.Request("walsrode", "taken")
	c.Taken("walsrode", 25*time.Minute)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`sozialraumbot_callback_requests_total{district="walsrode",status="open"} 2`,
		`sozialraumbot_callback_requests_total{district="walsrode",status="taken"} 1`,
		`sozialraumbot_callback_time_to_take_seconds_bucket{district="walsrode",le="900"} 0`,
		`sozialraumbot_callback_time_to_take_seconds_bucket{district="walsrode",le="1800"} 1`,
		`sozialraumbot_callback_time_to_take_seconds_sum{district="walsrode"} 1500`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
}
