package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(t *testing.T, envMap map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return envMap[k] }}
	code = run(context.Background(), args, e)
	return code, out.String(), errb.String()
}

func TestVersionCommand(t *testing.T) {
	code, out, errOut := runArgs(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "sozialraumbot ") || !strings.Contains(out, "go       go1.") {
		t.Errorf("version: code %d, out %q, err %q", code, out, errOut)
	}
	code, out, _ = runArgs(t, nil, "version", "-json")
	var b buildInfo
	if err := json.Unmarshal([]byte(out), &b); code != 0 || err != nil || b.Version == "" || b.GoVersion == "" {
		t.Errorf("version -json: code %d, %v, %+v", code, err, b)
	}
	if code, _, _ := runArgs(t, nil, "version", "extra"); code != 2 {
		t.Errorf("version extra: code %d, want 2", code)
	}
}

func TestBuildInfoString(t *testing.T) {
	tests := []struct {
		b    buildInfo
		want string
	}{
		{buildInfo{Version: "v1.0.0"}, "v1.0.0"},
		{buildInfo{Version: "devel", Revision: "0123456789abcdef", Time: "2026-11-25T10:00:00Z", Modified: true},
			"devel (0123456789ab, 2026-11-25T10:00:00Z, modified)"},
	}
	for _, tt := range tests {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestConfigCommand(t *testing.T) {
	const token = "123456789:AAExampleExampleExampleExample_-xyz"
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.yaml")
	if err := os.WriteFile(staff, []byte("staff:\n  - {user_id: 1, districts: [walsrode]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badStaff := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badStaff, []byte("staff:\n  - {user_id: 1, districts: [hamburg]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		out     []string // in stdout
		errOut  []string // in stderr
		notAnyw []string // in neither
	}{
		{"defaults", nil, nil, 0,
			[]string{"REDIS_URL", "redis://127.0.0.1:6379/0", "default", "serve would refuse", "TELEGRAM_BOT_TOKEN"}, nil, nil},
		{"ready to serve, masked", map[string]string{"TELEGRAM_BOT_TOKEN": token, "OPERATOR": "Landkreis Heidekreis",
			"REDIS_URL": "redis://:hunter2@r:6379/0", "SOZIALRAUMBOT_CONFIG": staff}, []string{"-log-level", "debug"}, 0,
			[]string{"123456789:********", "redis://:xxxxx@r:6379/0", "LOG_LEVEL", "debug", "flag", "1: walsrode"},
			nil, []string{"AAExample", "hunter2", "serve would refuse"}},
		{"invalid setting", map[string]string{"BROADCAST_RATE": "100"}, nil, 1, nil, []string{"BROADCAST_RATE", "at most 30"}, nil},
		{"unknown district", map[string]string{"SOZIALRAUMBOT_CONFIG": badStaff}, nil, 1, nil,
			[]string{"staff[0].districts", `"hamburg"`, "walsrode"}, nil},
		{"bad flag", nil, []string{"-nope"}, 2, nil, []string{"-nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runArgs(t, tt.env, append([]string{"config"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, s := range tt.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.errOut {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			for _, s := range tt.notAnyw {
				if strings.Contains(out+errOut, s) {
					t.Errorf("output contains %q:\n%s%s", s, out, errOut)
				}
			}
		})
	}
}

func TestHealthcheckCommand(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "/readyz":
			http.Error(w, `{"status":"fail"}`, http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer healthy.Close()
	addr := strings.TrimPrefix(healthy.URL, "http://")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"OPS_LISTEN healthz", map[string]string{"OPS_LISTEN": addr}, nil, 0},
		{"OPS_LISTEN readyz failing", map[string]string{"OPS_LISTEN": addr}, []string{"-ready"}, 1},
		{"flag", nil, []string{"-ops-listen", addr}, 0},
		{"explicit url", nil, []string{"-url", healthy.URL + "/healthz"}, 0},
		{"404", nil, []string{"-url", healthy.URL + "/other"}, 1},
		{"off", map[string]string{"OPS_LISTEN": "off"}, nil, 1},
		{"nothing listens", nil, []string{"-url", "http://127.0.0.1:1/healthz"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Called directly: main.go registers the subcommand (the lead's file).
			var out, errOut bytes.Buffer
			err := runHealthcheck(context.Background(), tt.args, env{stdout: &out, stderr: &errOut,
				getenv: func(k string) string { return tt.env[k] }})
			code := 0
			if err != nil {
				code = 1
			}
			if code != tt.code {
				t.Logf("error: %v", err)
				t.Errorf("code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
		})
	}
}

func TestLocalAddr(t *testing.T) {
	for in, want := range map[string]string{
		":9090": "127.0.0.1:9090", "0.0.0.0:9090": "127.0.0.1:9090", "[::]:9090": "[::1]:9090",
		"10.1.2.3:9090": "10.1.2.3:9090", "127.0.0.1:9090": "127.0.0.1:9090",
	} {
		if got := localAddr(in); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
