package main

import (
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestServeKnowsItsUsername: serve takes the bot's @username from getMe, so
// /hilfe shows the inline hint with it, and in a group a command addressed to
// another bot is left alone while one addressed to this bot is answered, and
// the group's data is for its administrators (getChatMember).
func TestServeKnowsItsUsername(t *testing.T) {
	const token = "777001:serve-username-token-0123456789"
	api := fakeapi.Start(t, fakeapi.WithToken(token), fakeapi.WithUsername("HeideTestBot"))
	api.SetChatMember(-100600, 61, fakeapi.StatusAdministrator)
	envs := map[string]string{
		"TELEGRAM_BOT_TOKEN": token,
		"TELEGRAM_API_URL":   api.URL(),
		"REDIS_URL":          redistest.URL(t),
		"REDIS_PREFIX":       redistest.Prefix(t),
		"OPERATOR":           "Landkreis Heidekreis (Test)",
		"OPS_LISTEN":         "off",
	}
	s := startServe(t, api, envs)
	stderr := s.log
	defer func() {
		if err := s.stop(t); err != nil {
			t.Errorf("serve: %v\n%s", err, stderr.String())
		}
	}()
	wait := func(chat int64, n int) []fakeapi.Request {
		t.Helper()
		reqs, err := api.WaitChat("", chat, n, 30*time.Second)
		if err != nil {
			t.Fatalf("chat %d: %v\nlog:\n%s", chat, err, stderr.String())
		}
		return reqs
	}

	api.Push(fakeapi.TextUpdate(1001, "de", "/hilfe"))
	if got := wait(1001, 1)[0].Params["text"]; !strings.Contains(got, "<code>@HeideTestBot Ortsname</code>") {
		t.Errorf("/hilfe without the inline hint:\n%s", got)
	}

	const g = int64(-100600)
	api.Push(
		fakeapi.GroupTextUpdate(g, 62, "/hilfe@OtherBot"),
		fakeapi.GroupTextUpdate(g, 62, "Dorfmark"),
		fakeapi.GroupTextUpdate(g, 62, "/hilfe@HeideTestBot"),
		fakeapi.GroupTextUpdate(g, 62, "/loeschen"),
		fakeapi.GroupTextUpdate(g, 61, "/loeschen"),
	)
	reqs := wait(g, 5)
	var got []string
	for _, r := range reqs {
		line := r.Method
		switch r.Method {
		case "getChatMember":
			line += " " + r.Params["user_id"]
		case "sendMessage":
			txt := []rune(r.Params["text"])
			line += " " + string(txt[:min(len(txt), 20)])
		}
		got = append(got, line)
	}
	want := []string{
		"sendMessage <b>So helfe ich Ihne",
		"getChatMember 62", "sendMessage Das dürfen in einer ",
		"getChatMember 61", "sendMessage Möchten Sie wirklich",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("group requests:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
