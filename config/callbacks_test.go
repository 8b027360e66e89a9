package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCallbackSettings(t *testing.T) {
	cfg, err := Load(func(k string) string {
		return map[string]string{"CALLBACK_REMIND_AFTER": "90m", "CALLBACK_ESCALATE_AFTER": "3h",
			"CALLBACK_WORKING_HOURS": "Mo-Do 08:00-16:00; Fr 08:00-12:00", "CALLBACK_KEEP_DAYS": "3",
			"CALLBACK_MAX_AGE": "336h", "CALLBACK_DAILY_CAP": "2"}[k]
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cb := cfg.Callbacks
	if cb.RemindAfter != 90*time.Minute || cb.EscalateAfter != 3*time.Hour || cb.KeepDays != 3 ||
		cb.MaxAge != 14*24*time.Hour || cb.DailyCap != 2 || cb.Hours().String() != "Mo-Do 08:00-16:00; Fr 08:00-12:00" {
		t.Errorf("callbacks %+v", cb)
	}
	d := Defaults().Callbacks
	if d.RemindAfter != 2*time.Hour || d.EscalateAfter != 4*time.Hour || d.WorkingHours != "Mo-Fr 08:00-16:00" ||
		d.KeepDays != 7 || d.MaxAge != 30*24*time.Hour || d.DailyCap != 3 {
		t.Errorf("defaults %+v", d)
	}
}

func TestCallbackSettingErrors(t *testing.T) {
	tests := []struct {
		env             map[string]string
		setting, expect string
	}{
		{map[string]string{"CALLBACK_REMIND_AFTER": "5m"}, "CALLBACK_REMIND_AFTER", "10m0s to 72h0m0s"},
		{map[string]string{"CALLBACK_ESCALATE_AFTER": "1h"}, "CALLBACK_ESCALATE_AFTER", "more than CALLBACK_REMIND_AFTER"},
		{map[string]string{"CALLBACK_WORKING_HOURS": "Mo-Fr 8-16"}, "CALLBACK_WORKING_HOURS", "not a time like 08:00"},
		{map[string]string{"CALLBACK_WORKING_HOURS": "Xy 08:00-16:00"}, "CALLBACK_WORKING_HOURS", "not a day"},
		{map[string]string{"CALLBACK_KEEP_DAYS": "0"}, "CALLBACK_KEEP_DAYS", "1 to 90"},
		{map[string]string{"CALLBACK_MAX_AGE": "2400h"}, "CALLBACK_MAX_AGE", "24h"},
		{map[string]string{"CALLBACK_MAX_AGE": "48h"}, "CALLBACK_MAX_AGE", "at least CALLBACK_KEEP_DAYS"},
		{map[string]string{"CALLBACK_DAILY_CAP": "0"}, "CALLBACK_DAILY_CAP", "1 to 20"},
	}
	for _, tc := range tests {
		_, err := Load(func(k string) string { return tc.env[k] }, nil)
		if err == nil || !strings.Contains(err.Error(), tc.setting) || !strings.Contains(err.Error(), tc.expect) {
			t.Errorf("%v: error %v; want %s … %s", tc.env, err, tc.setting, tc.expect)
		}
	}
}

func TestCallbackRoutes(t *testing.T) {
	dir := t.TempDir()
	load := func(body string) (Config, error) {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return Load(func(k string) string { return map[string]string{"SOZIALRAUMBOT_CONFIG": p}[k] }, nil)
	}
	good := `staff:
  - {user_id: 11, districts: [soltau-wietzendorf]}
callbacks:
  routes:
    - {district: walsrode, chat_id: -1001234567890}
    - {district: soltau-wietzendorf, staff: true}
`
	cfg, err := load(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Callbacks.Routes) != 2 || cfg.Callbacks.Routes[0].ChatID != -1001234567890 || !cfg.Callbacks.Routes[1].Staff {
		t.Fatalf("routes %+v", cfg.Callbacks.Routes)
	}
	if cfg.Source("callbacks.routes") != SourceFile {
		t.Errorf("source %q", cfg.Source("callbacks.routes"))
	}
	if err := cfg.CheckDistricts([]string{"walsrode", "soltau-wietzendorf"}); err != nil {
		t.Errorf("CheckDistricts: %v", err)
	}
	if err := cfg.CheckDistricts([]string{"soltau-wietzendorf"}); err == nil || !strings.Contains(err.Error(), `callbacks.routes[0].district: "walsrode" is not a district`) {
		t.Errorf("unknown district: %v", err)
	}
	if m := cfg.Masked(); !strings.Contains(m, "walsrode: group -1001234567890") || !strings.Contains(m, "soltau-wietzendorf: the district's staff, privately") {
		t.Errorf("config does not show the routes:\n%s", m)
	}
	// A staff route needs staff with the district.
	noStaff, err := load("callbacks:\n  routes:\n    - {district: walsrode, staff: true}\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := noStaff.CheckDistricts([]string{"walsrode"}); err == nil || !strings.Contains(err.Error(), "no staff member has walsrode") {
		t.Errorf("staff route without staff: %v", err)
	}
	for body, want := range map[string]string{
		"callbacks:\n  routes:\n    - {district: walsrode}\n":                                                       "neither chat_id",
		"callbacks:\n  routes:\n    - {district: walsrode, chat_id: -1, staff: true}\n":                             "both chat_id and staff",
		"callbacks:\n  routes:\n    - {district: walsrode, chat_id: 12345}\n":                                       "is negative",
		"callbacks:\n  routes:\n    - {district: Walsrode!, chat_id: -1}\n":                                         "not a district id",
		"callbacks:\n  routes:\n    - {district: walsrode, chat_id: -1}\n    - {district: walsrode, chat_id: -2}\n": "two routes",
		"callbacks:\n  routes:\n    - {district: walsrode, chatid: -1}\n":                                           "unknown field",
	} {
		if _, err := load(body); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", body, err, want)
		}
	}
}
