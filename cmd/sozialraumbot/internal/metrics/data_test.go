package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDataNilIsSafe(t *testing.T) {
	d := NewData(nil)
	if d != nil {
		t.Fatal("NewData(nil) is not nil")
	}
	d.Loaded("abc", "2021-12", "embedded", 1, time.Now())
	d.Reload(ReloadOK)
}

// Only the data in use has a data_info series; both reload results are
// exported from the start.
func TestDataExposition(t *testing.T) {
	m := New()
	d := NewData(m)
	scrape := func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		b, _ := io.ReadAll(rec.Body)
		return string(b)
	}
	body := scrape()
	for _, want := range []string{`sozialraumbot_reloads_total{result="ok"} 0`, `sozialraumbot_reloads_total{result="failed"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s", want)
		}
	}
	d.Loaded("0123456789ab", "2021-12", "embedded", 2, time.Unix(1700000000, 0))
	d.Loaded("ba9876543210", "2026-11", "/etc/srb/heidekreis.yaml", 3, time.Unix(1700000100, 0))
	d.Reload(ReloadOK)
	d.Reload(ReloadFailed)
	d.Reload(ReloadFailed)
	body = scrape()
	for _, want := range []string{
		`sozialraumbot_data_info{directory_sha256="ba9876543210",directory_source="/etc/srb/heidekreis.yaml",source_date="2026-11"} 1`,
		`sozialraumbot_data_loaded_timestamp_seconds 1.7000001e+09`,
		`sozialraumbot_staff_members 3`,
		`sozialraumbot_reloads_total{result="ok"} 1`,
		`sozialraumbot_reloads_total{result="failed"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in\n%s", want, grep(body, "sozialraumbot_"))
		}
	}
	if strings.Contains(body, "0123456789ab") {
		t.Error("the replaced version is still exported")
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
