package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

// menuRun is a MenuSync running against a fake Bot API until the test ends.
type menuRun struct {
	sync    *MenuSync
	reports chan MenuReport
	logs    *handlerstest.Log
}

func startMenuSync(t *testing.T, api *fakeapi.Server) *menuRun {
	t.Helper()
	logs := &handlerstest.Log{}
	b, err := New(Options{Token: testToken, APIURL: api.URL(), Conversation: &echoConv{}, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	r := &menuRun{reports: make(chan MenuReport, 100), logs: logs}
	r.sync = b.NewMenuSync(MenuSyncOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		OnPass: func(rep MenuReport) { r.reports <- rep }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.sync.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if strings.Contains(logs.String(), "SECRETtoken") {
			t.Error("the token reached the log")
		}
	})
	return r
}

// settle waits for passes until one needs no retry and returns the reports.
func (r *menuRun) settle(t *testing.T) []MenuReport {
	t.Helper()
	var reps []MenuReport
	for {
		select {
		case rep := <-r.reports:
			reps = append(reps, rep)
			if rep.Retry == 0 {
				return reps
			}
		case <-time.After(waitLong):
			t.Fatalf("menu sync did not settle; passes %+v\nlog:\n%s", reps, r.logs.String())
		}
	}
}

func menus(t *testing.T, langs ...string) []handlers.Menu {
	t.Helper()
	m, err := handlers.Menus(langs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// changes renders the requests that change something (set*, delete*) after
// request seq as "method scope lang: commands" lines; descriptions show their
// language only.
func changes(t *testing.T, api *fakeapi.Server, seq int) []string {
	t.Helper()
	var out []string
	for _, r := range api.Requests("") {
		if r.Seq <= seq || strings.HasPrefix(r.Method, "get") {
			continue
		}
		lang := r.Params["language_code"]
		if lang == "" {
			lang = "-"
		}
		switch r.Method {
		case "setMyCommands", "deleteMyCommands":
			scope, err := fakeapi.ScopeKey(r.Params["scope"])
			if err != nil {
				t.Fatal(err)
			}
			var cmds []fakeapi.BotCommand
			_ = json.Unmarshal([]byte(r.Params["commands"]), &cmds)
			var names []string
			for _, c := range cmds {
				names = append(names, c.Command)
			}
			out = append(out, fmt.Sprintf("%s %s %s: %s", r.Method, scope, lang, strings.Join(names, " ")))
		default:
			out = append(out, fmt.Sprintf("%s %s", r.Method, lang))
		}
	}
	return out
}

func lastSeq(api *fakeapi.Server) int {
	reqs := api.Requests("")
	if len(reqs) == 0 {
		return 0
	}
	return reqs[len(reqs)-1].Seq
}

func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

const (
	dePrivate = "start hilfe bezirke angebote kontakt notfall sprache abo abbestellen termine datenschutz meinedaten loeschen rueckruf"
	deGroup   = "hilfe bezirke angebote kontakt notfall termine datenschutz"
	deAdmin   = "hilfe bezirke angebote kontakt notfall abo abbestellen termine datenschutz meinedaten loeschen"
	deStaff   = dePrivate + " ankuendigung ankuendigungen stopp korrigieren zurueckholen rueckrufe"
	enPrivate = "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback"
	enGroup   = "help districts offers contact emergency events privacy"
	enAdmin   = "help districts offers contact emergency subscribe unsubscribe events privacy mydata delete"
	enStaff   = enPrivate + " announce broadcasts stop correct recall callbacks"
)

// wantSets are the requests of a first start for these languages and staff:
// German is the default (no language code), the others have their code.
func wantSets(langs []string, staff ...int64) []string {
	var out []string
	for _, lang := range langs {
		p, g, a, s := enPrivate, enGroup, enAdmin, enStaff
		code := lang
		if lang == "de" {
			p, g, a, s, code = dePrivate, deGroup, deAdmin, deStaff, "-"
		}
		out = append(out,
			"setMyCommands all_private_chats "+code+": "+p,
			"setMyCommands all_group_chats "+code+": "+g,
			"setMyCommands all_chat_administrators "+code+": "+a)
		for _, id := range staff {
			out = append(out, fmt.Sprintf("setMyCommands chat:%d %s: %s", id, code, s))
		}
		out = append(out, "setMyDescription "+code, "setMyShortDescription "+code)
	}
	return out
}

// The first start registers every menu, description and short description; a
// second start (a new MenuSync, as after a restart) only reads and sets nothing.
func TestMenuSyncRegistersOnlyWhatDiffers(t *testing.T) {
	api := fakeapi.Start(t)
	langs := []string{"de", "en", "uk", "ar", "tr"}
	spec := MenuSpec{Menus: menus(t, langs...), Staff: []int64{4242}}

	first := startMenuSync(t, api)
	first.sync.Set(spec)
	reps := first.settle(t)
	equalLines(t, "requests of the first start", changes(t, api, 0), wantSets(langs, 4242))
	t.Logf("first start, changing requests seen by the fake Bot API:\n  %s", strings.Join(changes(t, api, 0), "\n  "))
	if len(reps) != 1 || reps[0] != (MenuReport{Checked: 30, Changed: 30}) {
		t.Errorf("reports %+v, want one pass with 30 checked and changed", reps)
	}
	if n := len(api.Requests("getMyCommands")) + len(api.Requests("getMyDescription")) + len(api.Requests("getMyShortDescription")); n != 30 {
		t.Errorf("%d get requests, want one per surface (30)", n)
	}
	// What Telegram now has, in detail.
	de, uk := spec.Menus[0], spec.Menus[2]
	if got := api.Commands("all_private_chats", "uk"); len(got) != len(uk.Private) || got[1].Command != "help" || got[1].Description != uk.Private[1].Description {
		t.Errorf("uk private list %+v", got)
	}
	if got := api.Commands("chat:4242", ""); len(got) != len(de.Staff) || got[len(got)-4] != (fakeapi.BotCommand{Command: "stopp", Description: "Laufende Ankündigung stoppen"}) ||
		got[len(got)-2] != (fakeapi.BotCommand{Command: "zurueckholen", Description: "Gesendete Ankündigung zurückholen (48 Std.)"}) ||
		got[len(got)-1] != (fakeapi.BotCommand{Command: "rueckrufe", Description: "Offene Rückrufbitten (Mitarbeitende)"}) {
		t.Errorf("staff list %+v", got)
	}
	if api.Commands("all_private_chats", "de") != nil {
		t.Error("German is set with language code de; it should be the default only")
	}
	if api.Description("") != de.Description || api.ShortDescription("ar") != spec.Menus[3].ShortDescription {
		t.Errorf("descriptions: %q / %q", api.Description(""), api.ShortDescription("ar"))
	}

	seq := lastSeq(api)
	second := startMenuSync(t, api)
	second.sync.Set(spec)
	reps = second.settle(t)
	equalLines(t, "requests of a second start", changes(t, api, seq), nil)
	if len(reps) != 1 || reps[0] != (MenuReport{Checked: 30}) {
		t.Errorf("second start: reports %+v, want 30 checked, none changed", reps)
	}
}

// A new staff list (a reload) adds the new member's menus and removes those
// of the member who left; languages no longer offered are removed.
func TestMenuSyncStaffAndLanguageChanges(t *testing.T) {
	api := fakeapi.Start(t)
	r := startMenuSync(t, api)
	r.sync.Set(MenuSpec{Menus: menus(t, "de", "en", "uk"), Staff: []int64{4242}})
	r.settle(t)

	seq := lastSeq(api)
	r.sync.Set(MenuSpec{Menus: menus(t, "de", "en"), Staff: []int64{5151}, Remove: []string{"uk", "ar", "tr"}})
	r.settle(t)
	equalLines(t, "requests after the change", changes(t, api, seq), []string{
		"setMyCommands chat:5151 -: " + deStaff,
		"setMyCommands chat:5151 en: " + enStaff,
		"deleteMyCommands all_private_chats uk: ",
		"deleteMyCommands all_group_chats uk: ",
		"deleteMyCommands all_chat_administrators uk: ",
		"setMyDescription uk",
		"setMyShortDescription uk",
		// ar and tr were never set: nothing to remove
		"deleteMyCommands chat:4242 -: ",
		"deleteMyCommands chat:4242 en: ",
		"deleteMyCommands chat:4242 uk: ",
	})
	if got := strings.Join(api.CommandScopes(), " "); got != "all_chat_administrators| all_chat_administrators|en all_group_chats| all_group_chats|en all_private_chats| all_private_chats|en chat:5151| chat:5151|en" {
		t.Errorf("lists at Telegram: %s", got)
	}
	if api.Description("uk") != "" || api.ShortDescription("uk") != "" {
		t.Error("the Ukrainian descriptions were not removed")
	}
}

// Temporary failures are retried in the background until everything is in
// place; a surface Telegram rejects (400) is logged and left alone.
func TestMenuSyncFailures(t *testing.T) {
	api := fakeapi.Start(t)
	api.FailNext("getMyDescription", 2, http.StatusBadGateway, 0)
	api.FailNext("setMyCommands", 1, http.StatusTooManyRequests, 1)
	api.FailNext("setMyShortDescription", 1, 0, 0) // connection dropped
	r := startMenuSync(t, api)
	spec := MenuSpec{Menus: menus(t, "de", "en"), Staff: []int64{4242}}
	r.sync.Set(spec)
	reps := r.settle(t)
	if len(reps) < 2 || reps[0].Retry == 0 {
		t.Errorf("passes %+v: want a first pass with retries", reps)
	}
	want := strings.Join(wantSets([]string{"de", "en"}, 4242), "\n")
	var have []string
	for _, r := range api.Requests("") {
		if r.Status == http.StatusOK && strings.HasPrefix(r.Method, "set") {
			have = append(have, r.Method)
		}
	}
	if len(have) != strings.Count(want, "\n")+1 {
		t.Errorf("%d successful set requests, want %d", len(have), strings.Count(want, "\n")+1)
	}
	if api.Description("") == "" || api.ShortDescription("") == "" || len(api.Commands("all_private_chats", "")) == 0 {
		t.Error("not everything is in place after the retries")
	}

	// Rejected: left alone, not retried, logged; the next Set tries again.
	api.FailNext("setMyCommands", 1, http.StatusBadRequest, 0)
	seq := lastSeq(api)
	spec.Staff = []int64{4242, 6161}
	r.sync.Set(spec)
	reps = r.settle(t)
	if len(reps) != 1 || reps[0].Failed != 1 || reps[0].Retry != 0 {
		t.Errorf("passes %+v: want one pass with one rejected surface", reps)
	}
	if api.Commands("chat:6161", "") != nil || api.Commands("chat:6161", "en") == nil {
		t.Error("want the rejected default list of chat 6161 missing and the English one set")
	}
	if !strings.Contains(r.logs.String(), "Telegram rejected a surface") {
		t.Errorf("the rejection is not logged:\n%s", r.logs.String())
	}
	if n := len(changes(t, api, seq)); n != 2 {
		t.Errorf("%d changing requests, want 2 (one rejected, one set)", n)
	}
	r.sync.Set(spec)
	r.settle(t)
	if api.Commands("chat:6161", "") == nil {
		t.Error("the next Set did not set the list that was rejected before")
	}
}
