package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestReloadSIGHUP: `serve` in a process of its own reloads its directory file
// on SIGHUP and answers with the new data, without a restart; SIGTERM then ends
// it cleanly.
func TestReloadSIGHUP(t *testing.T) {
	api := fakeapi.Start(t, fakeapi.WithToken(drillToken))
	tmp := t.TempDir()
	dirFile := filepath.Join(tmp, "heidekreis.yaml")
	copyTestdata := func(name string) {
		b, err := os.ReadFile(filepath.Join("testdata", "reload", name))
		if err != nil {
			t.Fatal(err)
		}
		writeAtomic(t, dirFile, b)
	}
	copyTestdata("v1.yaml")
	ops := freeAddr(t)
	child := drillServe(t, map[string]string{
		"TELEGRAM_BOT_TOKEN": drillToken, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": redistest.URL(t), "REDIS_PREFIX": redistest.Prefix(t), "OPS_LISTEN": ops,
		"OPERATOR": "Drill", "LOG_FORMAT": "text", "DIRECTORY_FILE": dirFile, "SOZIALRAUMBOT_CONFIG": "",
	}, "serve.log")

	ask := func(chat int64, text string) string {
		t.Helper()
		api.Push(fakeapi.TextUpdate(chat, "de", text))
		reqs, err := api.WaitFunc(1, drillWait, func(r fakeapi.Request) bool {
			return r.Method == "sendMessage" && r.ChatID == chat && r.Status == http.StatusOK
		})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		return reqs[0].Params["text"]
	}
	// The first answer also shows that serve is up, so SIGHUP is handled by now.
	if got := provider(ask(1, "Waldhof")); got != "Träger Nord" {
		t.Fatalf("before SIGHUP Waldhof is answered with %q", got)
	}
	copyTestdata("v2.yaml")
	if err := child.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	// The reload is done when /readyz reports it.
	var d dataDetail
	deadline := time.Now().Add(drillWait)
	for d.LastReload == nil {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never reported the reload")
		}
		time.Sleep(20 * time.Millisecond)
		d = readyzData(t, "http://"+ops+"/readyz")
	}
	if d.LastReload.Result != "ok" || d.SHA256 != fileSHA(t, "v2.yaml") {
		t.Fatalf("after SIGHUP /readyz details = %+v", d)
	}
	if got := provider(ask(2, "Waldhof")); got != "Träger Süd" {
		t.Errorf("after SIGHUP Waldhof is answered with %q, want Träger Süd", got)
	}
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
}

// readyzData GETs a /readyz URL and decodes its "data" detail (zero when the
// listener does not answer yet).
func readyzData(t *testing.T, url string) dataDetail {
	t.Helper()
	var body struct {
		Details struct {
			Data dataDetail `json:"data"`
		} `json:"details"`
	}
	resp, err := http.Get(url)
	if err != nil {
		return dataDetail{}
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(fmt.Errorf("/readyz: %w", err))
	}
	return body.Details.Data
}
