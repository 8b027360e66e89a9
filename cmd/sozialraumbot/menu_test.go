package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

func commandNames(cs []fakeapi.BotCommand) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Command)
	}
	return strings.Join(out, " ")
}

// serve registers the command menus of the offered languages (LANGUAGES) and
// the staff members' menus in the background: a failing Bot API method does
// not hold up answering parents. A reloaded staff list moves the staff menu.
func TestServeMenu(t *testing.T) {
	w := newReloadWorld(t)
	w.api.FailNext("getMyDescription", -1, http.StatusInternalServerError, 0) // never succeeds
	w.start("v1.yaml", "  - {user_id: 4242, districts: [nord]}\n", map[string]string{"LANGUAGES": "de,en,uk"})

	if got := provider(w.ask(0, "Waldhof")); got != "Träger Nord" {
		t.Fatalf("a parent is answered with %q while the menu is being registered", got)
	}
	// 3 languages × (private, group, group admins, the staff member's chat).
	if _, err := w.api.Wait("setMyCommands", 12, drillWait); err != nil {
		t.Fatalf("%v\nlog:\n%s", err, w.log.String())
	}
	want := map[string]string{
		"all_private_chats|":         "start hilfe bezirke angebote kontakt notfall sprache abo abbestellen termine datenschutz meinedaten loeschen rueckruf",
		"all_private_chats|en":       "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback",
		"all_private_chats|uk":       "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback",
		"all_group_chats|":           "hilfe bezirke angebote kontakt notfall termine datenschutz",
		"all_group_chats|uk":         "help districts offers contact emergency events privacy",
		"all_chat_administrators|en": "help districts offers contact emergency subscribe unsubscribe events privacy mydata delete",
		"chat:4242|":                 "start hilfe bezirke angebote kontakt notfall sprache abo abbestellen termine datenschutz meinedaten loeschen rueckruf ankuendigung ankuendigungen stopp korrigieren zurueckholen rueckrufe",
		"chat:4242|uk":               "start help districts offers contact emergency language subscribe unsubscribe events privacy mydata delete callback announce broadcasts stop correct recall callbacks",
		"all_private_chats|ar":       "", // not offered
		"all_private_chats|de":       "", // German is the default
	}
	for key, names := range want {
		scope, lang, _ := strings.Cut(key, "|")
		if got := commandNames(w.api.Commands(scope, lang)); got != names {
			t.Errorf("%s: %q, want %q", key, got, names)
		}
	}
	if n := len(w.api.CommandScopes()); n != 12 {
		t.Errorf("%d command lists at Telegram, want 12: %v", n, w.api.CommandScopes())
	}

	// The staff list changes: 5151's chat gets the staff menu, 4242's loses it.
	w.writeStaff("  - {user_id: 5151, all: true}\n")
	if err := w.app.reloader.reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.api.Wait("deleteMyCommands", 3, drillWait); err != nil {
		t.Fatalf("%v\nlog:\n%s", err, w.log.String())
	}
	for _, lang := range []string{"", "en", "uk"} {
		if w.api.Commands("chat:4242", lang) != nil || w.api.Commands("chat:5151", lang) == nil {
			t.Errorf("language %q: staff menus %q (4242) and %q (5151), want only 5151's", lang,
				commandNames(w.api.Commands("chat:4242", lang)), commandNames(w.api.Commands("chat:5151", lang)))
		}
	}
	if w.api.Description("") != "" {
		t.Error("the description was set although getMyDescription always failed")
	}
	if !strings.Contains(w.log.String(), "telegram menu: some surfaces failed; retrying") {
		t.Errorf("the failing description is not logged:\n%s", w.log.String())
	}
}
