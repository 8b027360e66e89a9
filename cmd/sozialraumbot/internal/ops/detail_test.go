package ops

import (
	"encoding/json"
	"errors"
	"testing"
)

// Details are shown beside the checks and never change the status code.
func TestReadyzDetails(t *testing.T) {
	okTG := NewOnce("telegram")
	okTG.Done(nil)
	failTG := NewOnce("telegram")
	failTG.Done(errors.New("getMe: timeout"))
	reload := Detail{Name: "reload", Value: func() any {
		return map[string]string{"result": "failed", "error": "staff[0].districts: \"x\" is not a district"}
	}}
	absent := Detail{Name: "absent", Value: func() any { return nil }}
	tests := []struct {
		name   string
		checks []Check
		code   int
	}{
		{"ready with a failed reload", []Check{okTG.Check()}, 200},
		{"not ready, details still shown", []Check{failTG.Check()}, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Checks: tt.checks, Details: []Detail{reload, absent}, Logger: quiet()})
			code, _, body := get(t, s.Handler(), "/readyz")
			if code != tt.code {
				t.Errorf("code %d, want %d: %s", code, tt.code, body)
			}
			var got struct {
				Details map[string]map[string]string `json:"details"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Details["reload"]["result"] != "failed" || got.Details["reload"]["error"] == "" {
				t.Errorf("details = %v, want the reload detail: %s", got.Details, body)
			}
			if _, ok := got.Details["absent"]; ok {
				t.Errorf("a nil detail is shown: %s", body)
			}
		})
	}
	// Without details the body has no "details" key at all.
	_, _, body := get(t, New(Options{Checks: []Check{okTG.Check()}, Logger: quiet()}).Handler(), "/readyz")
	if body != "{\"status\":\"ok\",\"checks\":{\"telegram\":\"ok\"}}\n" {
		t.Errorf("body without details = %q", body)
	}
}
