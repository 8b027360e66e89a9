package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

const reloadToken = "424242:reload-test-token-0123456789"

// reloadWorld is a running app (the serve code path) whose directory file and
// configuration file live in a temporary directory the test rewrites.
type reloadWorld struct {
	t       *testing.T
	api     *fakeapi.Server
	app     *app
	log     *handlerstest.Log
	dirFile string // the DIRECTORY_FILE named by the configuration file
	cfgFile string // SOZIALRAUMBOT_CONFIG
	nextID  atomic.Int64
}

// startReloadWorld starts the app with the testdata directory file dir and the
// staff lines of the configuration file (YAML list items, "" for none).
func startReloadWorld(t *testing.T, dir, staff string) *reloadWorld {
	t.Helper()
	w := newReloadWorld(t)
	w.start(dir, staff, nil)
	return w
}

// newReloadWorld prepares the fake Bot API and the files; start runs the app.
func newReloadWorld(t *testing.T) *reloadWorld {
	t.Helper()
	tmp := t.TempDir()
	w := &reloadWorld{t: t, api: fakeapi.Start(t, fakeapi.WithToken(reloadToken)), log: &handlerstest.Log{},
		dirFile: filepath.Join(tmp, "heidekreis.yaml"), cfgFile: filepath.Join(tmp, "sozialraumbot.yaml")}
	w.nextID.Store(7000)
	return w
}

// start writes the files and runs the app with extra environment variables.
func (w *reloadWorld) start(dir, staff string, extra map[string]string) {
	t := w.t
	t.Helper()
	w.writeDirectory(dir)
	w.writeStaff(staff)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":   reloadToken,
		"TELEGRAM_API_URL":     w.api.URL(),
		"REDIS_URL":            redistest.URL(t),
		"REDIS_PREFIX":         redistest.Prefix(t),
		"OPERATOR":             "Landkreis Heidekreis (Test)",
		"OPS_LISTEN":           freeAddr(t),
		"SOZIALRAUMBOT_CONFIG": w.cfgFile,
	}
	for k, v := range extra {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	cfg, err := config.LoadFlags(getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.app, err = newApp(cfg, newLogger(cfg, w.log), appOptions{
		loadConfig: func() (config.Config, error) { return config.LoadFlags(getenv, nil) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.app.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(drillWait):
			t.Error("run did not return")
		}
		if strings.Contains(w.log.String(), reloadToken) {
			t.Error("the token reached the log")
		}
	})
}

// writeDirectory replaces the directory file with a testdata file, as an
// operator would: write a new file and rename it over the old one.
func (w *reloadWorld) writeDirectory(name string) {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reload", name))
	if err != nil {
		w.t.Fatal(err)
	}
	writeAtomic(w.t, w.dirFile, b)
}

// writeStaff rewrites the configuration file with this staff list.
func (w *reloadWorld) writeStaff(staff string) {
	w.t.Helper()
	body := fmt.Sprintf("directory_file: %q\n", w.dirFile)
	if staff != "" {
		body += "staff:\n" + staff
	}
	writeAtomic(w.t, w.cfgFile, []byte(body))
}

// freeAddr is a loopback address with a port nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func writeAtomic(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// ask sends text from a new private chat (user id = chat id, or the given
// user) and returns the first message the bot sent back.
func (w *reloadWorld) ask(user int64, text string) string {
	w.t.Helper()
	chat := user
	if chat == 0 {
		chat = w.nextID.Add(1)
	}
	before := len(w.api.Sent("sendMessage", chat))
	w.api.Push(fakeapi.TextUpdate(chat, "de", text))
	reqs, err := w.api.WaitFunc(before+1, drillWait, func(r fakeapi.Request) bool {
		return r.Method == "sendMessage" && r.ChatID == chat && r.Status == http.StatusOK
	})
	if err != nil {
		w.t.Fatalf("%q: no answer: %v\nlog:\n%s", text, err, w.log.String())
	}
	return reqs[before].Params["text"]
}

// readyz answers /readyz of the app's ops server and decodes the "data" detail.
func (w *reloadWorld) readyz() (int, dataDetail) {
	w.t.Helper()
	rec := httptest.NewRecorder()
	w.app.ops.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body struct {
		Details struct {
			Data dataDetail `json:"data"`
		} `json:"details"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		w.t.Fatalf("/readyz body %q: %v", rec.Body.String(), err)
	}
	return rec.Code, body.Details.Data
}

// metrics scrapes /metrics.
func (w *reloadWorld) metrics() string {
	rec := httptest.NewRecorder()
	w.app.ops.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// dataDetail is the "data" detail of /readyz.
type dataDetail struct {
	Source     string `json:"directory_source"`
	SHA256     string `json:"directory_sha256"`
	SourceDate string `json:"source_date"`
	Staff      int    `json:"staff"`
	LastReload *struct {
		Result string `json:"result"`
		Error  string `json:"error"`
	} `json:"last_reload"`
}

func fileSHA(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reload", name))
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// provider names the provider of an answer card, "" when the answer has none.
func provider(text string) string {
	for _, p := range []string{"Träger Nord", "Träger Süd"} {
		if strings.Contains(text, p) {
			return p
		}
	}
	return ""
}

// A valid new directory file is answered by the running bot after a reload: a
// place that moved gets its new provider, a new place is found; /readyz and
// /metrics show the new version.
func TestReloadDirectory(t *testing.T) {
	w := startReloadWorld(t, "v1.yaml", "")
	if got := provider(w.ask(0, "Waldhof")); got != "Träger Nord" {
		t.Fatalf("before the reload Waldhof is answered with %q, want Träger Nord", got)
	}
	if got := provider(w.ask(0, "Neudorf")); got != "" {
		t.Fatalf("before the reload Neudorf is answered with %q, want no provider (unknown place)", got)
	}
	code, d := w.readyz()
	if code != http.StatusOK || d.SHA256 != fileSHA(t, "v1.yaml") || d.SourceDate != "2026-01" || d.LastReload != nil {
		t.Fatalf("/readyz before the reload = %d %+v", code, d)
	}

	w.writeDirectory("v2.yaml")
	if err := w.app.reloader.reload(); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if got := provider(w.ask(0, "Waldhof")); got != "Träger Süd" {
		t.Errorf("after the reload Waldhof is answered with %q, want Träger Süd (it moved)", got)
	}
	if got := provider(w.ask(0, "Neudorf")); got != "Träger Nord" {
		t.Errorf("after the reload Neudorf is answered with %q, want Träger Nord (it was added)", got)
	}
	code, d = w.readyz()
	if code != http.StatusOK || d.SHA256 != fileSHA(t, "v2.yaml") || d.SourceDate != "2026-02" ||
		d.Source != w.dirFile || d.LastReload == nil || d.LastReload.Result != "ok" || d.LastReload.Error != "" {
		t.Errorf("/readyz after the reload = %d %+v", code, d)
	}
	m := w.metrics()
	for _, want := range []string{
		fmt.Sprintf(`sozialraumbot_data_info{directory_sha256=%q,directory_source=%q,source_date="2026-02"} 1`,
			fileSHA(t, "v2.yaml")[:12], w.dirFile),
		`sozialraumbot_reloads_total{result="ok"} 1`,
		`sozialraumbot_reloads_total{result="failed"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(m, fileSHA(t, "v1.yaml")[:12]) {
		t.Error("/metrics still shows the old version")
	}
	if !strings.Contains(w.log.String(), "reloaded the directory and the staff list") {
		t.Errorf("no log line for the reload:\n%s", w.log.String())
	}
}

// An invalid directory or configuration keeps the data in use: answers do not
// change, /readyz stays 200 and says why the reload failed, the log says it
// too, and a later valid file is taken.
func TestReloadInvalidKeepsOld(t *testing.T) {
	w := startReloadWorld(t, "v1.yaml", "  - {user_id: 4242, districts: [nord]}\n")
	tests := []struct {
		name    string
		prepare func()
		want    string // in the error, the log and /readyz
	}{
		{"unknown district in the directory", func() { w.writeDirectory("invalid-district.yaml") }, `unknown district "west"`},
		{"syntax error", func() { w.writeDirectory("broken-syntax.yaml") }, "not a valid directory file"},
		{"directory file missing", func() {
			if err := os.Remove(w.dirFile); err != nil {
				t.Fatal(err)
			}
		}, "no such file"},
		{"staff district not in the directory", func() {
			w.writeDirectory("v2.yaml")
			w.writeStaff("  - {user_id: 4242, districts: [ost]}\n")
		}, `staff[0].districts: "ost" is not a district of the directory`},
		{"configuration file invalid", func() { writeAtomic(t, w.cfgFile, []byte("staff: [{user_id: -1, all: true}]\n")) }, "staff[0].user_id"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prepare()
			err := w.app.reloader.reload()
			if !errors.Is(err, errReload) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("reload = %v, want errReload saying %q", err, tt.want)
			}
			if got := provider(w.ask(0, "Waldhof")); got != "Träger Nord" {
				t.Errorf("after a failed reload Waldhof is answered with %q, want Träger Nord (the old data)", got)
			}
			code, d := w.readyz()
			if code != http.StatusOK {
				t.Errorf("/readyz = %d after a failed reload, want 200 (the old data serves)", code)
			}
			if d.LastReload != nil {
				t.Logf("/readyz %d, data in use %s (%s), last_reload %s: %s", code, d.SHA256[:12], d.SourceDate,
					d.LastReload.Result, d.LastReload.Error)
			}
			if d.SHA256 != fileSHA(t, "v1.yaml") || d.LastReload == nil || d.LastReload.Result != "failed" ||
				!strings.Contains(d.LastReload.Error, tt.want) {
				t.Errorf("/readyz details = %+v, want v1 in use and the failure saying %q", d, tt.want)
			}
			if n := strings.Count(w.log.String(), "reload failed; the data in use is kept"); n != i+1 {
				t.Errorf("%d log lines for %d failed reloads", n, i+1)
			}
			if !strings.Contains(w.metrics(), fmt.Sprintf(`sozialraumbot_reloads_total{result="failed"} %d`, i+1)) {
				t.Errorf("reloads_total{failed} is not %d", i+1)
			}
		})
	}
	// Fixed: the next reload takes the new data and clears the failure.
	w.writeDirectory("v2.yaml")
	w.writeStaff("  - {user_id: 4242, districts: [nord]}\n")
	if err := w.app.reloader.reload(); err != nil {
		t.Fatalf("reload of valid files: %v", err)
	}
	if got := provider(w.ask(0, "Waldhof")); got != "Träger Süd" {
		t.Errorf("after the fix Waldhof is answered with %q, want Träger Süd", got)
	}
	if _, d := w.readyz(); d.LastReload == nil || d.LastReload.Result != "ok" || d.LastReload.Error != "" || d.SHA256 != fileSHA(t, "v2.yaml") {
		t.Errorf("/readyz details after the fix = %+v", d)
	}
}

// A reloaded staff list changes who may announce, and a setting that cannot
// change at run time is named in the log.
func TestReloadStaff(t *testing.T) {
	w := startReloadWorld(t, "v1.yaml", "  - {user_id: 4242, districts: [nord]}\n")
	const refused, allowed = "vorbehalten", "Neue Ankündigung"
	if got := w.ask(4242, "/ankuendigung"); !strings.Contains(got, allowed) {
		t.Fatalf("staff 4242 before the reload got %q", got)
	}
	if got := w.ask(5151, "/ankuendigung"); !strings.Contains(got, refused) {
		t.Fatalf("5151 (not staff) before the reload got %q", got)
	}
	w.writeStaff("  - {user_id: 5151, districts: [sued]}\nstate_ttl: 48h\n")
	if err := w.app.reloader.reload(); err != nil {
		t.Fatal(err)
	}
	if got := w.ask(5151, "/ankuendigung"); !strings.Contains(got, allowed) || !strings.Contains(got, "sued") {
		t.Errorf("5151 after the reload got %q, want the district choice for sued", got)
	}
	if got := w.ask(4242, "/abbrechen"); got == "" {
		t.Error("no answer to /abbrechen")
	}
	if got := w.ask(4242, "/ankuendigung"); !strings.Contains(got, refused) {
		t.Errorf("4242 (removed) after the reload got %q, want a refusal", got)
	}
	if _, d := w.readyz(); d.Staff != 1 || d.LastReload == nil || d.LastReload.Result != "ok" {
		t.Errorf("/readyz details = %+v", d)
	}
	log := w.log.String()
	if !strings.Contains(log, "take effect only at the next restart") || !strings.Contains(log, "STATE_TTL") {
		t.Errorf("the changed STATE_TTL is not named in the log:\n%s", log)
	}
}
