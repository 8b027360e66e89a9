package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// staffEnv is a chat of user 4711 with a real broadcast.Service (no worker runs,
// so broadcasts stay "running") on the chat's Redis prefix.
type staffEnv struct {
	*chat
	bc    *broadcast.Service
	store *redisstore.Store
}

func newStaffEnv(t *testing.T, staff ...handlers.StaffMember) *staffEnv {
	t.Helper()
	rdb := redistest.Client(t)
	pfx := redistest.Prefix(t)
	store := redisstore.New(rdb, pfx)
	bc := broadcast.New(rdb, pfx, store, broadcast.Options{})
	c := newChatWithStore(t, store, rdb, pfx, func(cfg *handlers.Config) {
		cfg.Broadcaster = bc
		cfg.Staff = staff
	})
	return &staffEnv{chat: c, bc: bc, store: store}
}

// with returns a second chat with another staff configuration on the same Redis data.
func (e *staffEnv) with(t *testing.T, staff ...handlers.StaffMember) *chat {
	c := newChatWithStore(t, e.store, e.rdb, e.pfx, func(cfg *handlers.Config) {
		cfg.Broadcaster = e.bc
		cfg.Staff = staff
	})
	c.id = e.id
	return c
}

func (e *staffEnv) subscribe(t *testing.T, district string, chats ...int64) {
	t.Helper()
	for _, id := range chats {
		if err := e.store.Subscribe(context.Background(), id, district); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *staffEnv) broadcasts(t *testing.T) []handlers.BroadcastStatus {
	t.Helper()
	l, err := e.bc.List(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var everything = handlers.StaffMember{UserID: 4711, All: true}

func TestStaffComposeAndSend(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.subscribe(t, "walsrode", 1, 2, 3)
	e.subscribe(t, "soltau-wietzendorf", 3, 4)

	outs := e.say("/ankuendigung")
	mustContain(t, texts(outs), "Neue Ankündigung")
	if n := len(buttons(outs)); n != 8 { // six districts, all, discard
		t.Errorf("%d buttons, want 8: %+v", n, buttons(outs))
	}
	outs = e.say("walsrode, soltau")
	mustContain(t, texts(outs), "Schreiben Sie jetzt den Text", "Walsrode")

	outs = e.say("Elterncafé <b>für alle</b> & Kinder\nDatum: 24.12.2026 18:00\nOrt: Gemeindehaus \"Am Markt\"")
	if len(outs) != 3 || outs[1].Post == nil || outs[1].Post.Media == nil || outs[1].Post.Media.Name != "termin.ics" {
		t.Fatalf("want the announcement, its calendar file and the question, got %s", texts(outs))
	}
	if b := buttons(outs[:1]); len(b) != 1 || b[0].Text != "🔔 Erinnern" {
		t.Errorf("the preview lacks the reminder button: %+v", b)
	}
	preview := outs[0].Msg.Text
	mustContain(t, preview, "Elterncafé &lt;b&gt;für alle&lt;/b&gt; &amp; Kinder", "Donnerstag, 24. Dezember 2026, 18:00 Uhr",
		"Gemeindehaus &#34;Am Markt&#34;", "/abbestellen")
	mustContain(t, outs[2].Msg.Text, "<b>4</b> Chats") // chat 3 is in both districts: counted once
	send := button(t, outs, "v1|s|ok|")

	outs = e.press(send.Data)
	mustContain(t, texts(outs), "wird an 4 Chats verschickt")
	l := e.broadcasts(t)
	if len(l) != 1 || l[0].Total != 4 || strings.Join(l[0].Districts, ",") != "soltau-wietzendorf,walsrode" || l[0].SenderID != 4711 {
		t.Fatalf("broadcasts = %+v", l)
	}
	// The HTML queued is exactly the preview.
	if got, _ := e.rdb.HGet(context.Background(), e.pfx+":bc:"+l[0].ID, "html").Result(); got != preview {
		t.Errorf("queued HTML differs from the preview:\n%s\n---\n%s", got, preview)
	}
	// A second press of the same button (double click) sends nothing.
	outs = e.press(send.Data)
	if kinds(outs) != "callback" || !strings.Contains(outs[0].Callback, "nicht mehr gültig") {
		t.Errorf("second press answered %s %q", kinds(outs), texts(outs))
	}
	if n := len(e.broadcasts(t)); n != 1 {
		t.Errorf("%d broadcasts after a double click, want 1", n)
	}
	// The event is listed for parents.
	ev, err := e.bc.Upcoming(context.Background(), []string{"walsrode"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(ev) != 1 || ev[0].Where != "Gemeindehaus \"Am Markt\"" || ev[0].Text != "Elterncafé <b>für alle</b> & Kinder" {
		t.Errorf("Upcoming = %+v, %v", ev, err)
	}
}

func TestStaffRefusesNonStaff(t *testing.T) {
	e := newStaffEnv(t, handlers.StaffMember{UserID: 1, All: true}) // 4711 is not staff
	id, _, err := e.bc.Start(context.Background(), handlers.Announcement{Districts: []string{"walsrode"}, Text: "x", HTML: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"/ankuendigung", "/announce", "/ankuendigungen", "/stopp " + id} {
		outs := e.say(cmd)
		mustContain(t, texts(outs), "Mitarbeitenden der Sozialraumarbeit vorbehalten")
		if n := len(buttons(outs)); n != 0 {
			t.Errorf("%s: refusal with %d buttons", cmd, n)
		}
	}
	for _, data := range []string{"v1|s|ok|abcd1234", "v1|s|c|" + id, "v1|s|a|abcd1234", "v1|s|d|abcd1234|walsrode"} {
		outs := e.press(data)
		if kinds(outs) != "callback" {
			t.Errorf("%s answered %s", data, kinds(outs))
		}
	}
	st, _ := e.bc.Status(context.Background(), id)
	if st.Cancelled {
		t.Error("a non-staff user cancelled a broadcast")
	}
	if n := len(e.broadcasts(t)); n != 1 {
		t.Errorf("%d broadcasts, want only the one started by the test", n)
	}
	logs := e.logs.String()
	mustContain(t, logs, "staff function refused", "user_id=4711")
	mustNotContain(t, logs, "x\"")
}

func TestStaffScope(t *testing.T) {
	walsrodeOnly := handlers.StaffMember{UserID: 4711, Districts: []string{"walsrode"}}
	e := newStaffEnv(t, walsrodeOnly)
	outs := e.say("/ankuendigung")
	for _, b := range buttons(outs) {
		if strings.Contains(b.Data, "|d|") && !strings.HasSuffix(b.Data, "|walsrode") {
			t.Errorf("offered a district outside the scope: %s", b.Data)
		}
	}
	nonce := strings.Split(button(t, outs, "v1|s|d|").Data, "|")[3]

	// A forged button for another district is refused.
	outs = e.press("v1|s|d|" + nonce + "|munster-bispingen")
	mustContain(t, texts(outs), "nicht zu Ihren Bezirken")
	// Typed, too.
	e.say("/ankuendigung")
	outs = e.say("munster")
	mustContain(t, texts(outs), "nicht zu Ihren Bezirken")
	outs = e.say("alle")
	mustContain(t, texts(outs), "Schreiben Sie jetzt den Text", "Walsrode")
	mustNotContain(t, texts(outs), "Munster")

	// Composed by someone allowed everything; the confirm comes after the scope
	// shrank (configuration changed): refused, nothing queued.
	all := newStaffEnv(t, everything)
	all.say("/ankuendigung")
	all.say("munster")
	outs = all.say("Sommerfest")
	send := button(t, outs, "v1|s|ok|")
	shrunk := all.with(t, walsrodeOnly)
	outs = shrunk.press(send.Data)
	mustContain(t, texts(outs), "nicht zu Ihren Bezirken")
	if n := len(all.broadcasts(t)); n != 0 {
		t.Errorf("%d broadcasts queued outside the scope", n)
	}

	// Broadcasts of other districts are neither listed nor stoppable.
	ctx := context.Background()
	e.subscribe(t, "walsrode", 1)
	e.subscribe(t, "munster-bispingen", 2)
	other, _, err := e.bc.Start(ctx, handlers.Announcement{Districts: []string{"munster-bispingen"}, Text: "geheim", HTML: "geheim"})
	if err != nil {
		t.Fatal(err)
	}
	mine, _, err := e.bc.Start(ctx, handlers.Announcement{Districts: []string{"walsrode"}, Text: "Flohmarkt", HTML: "Flohmarkt"})
	if err != nil {
		t.Fatal(err)
	}
	outs = e.say("/ankuendigungen")
	mustContain(t, texts(outs), "#"+mine, "Flohmarkt")
	mustNotContain(t, texts(outs), "#"+other+"<", "geheim")
	outs = e.say("/stopp " + other)
	mustContain(t, texts(outs), "gibt es nicht")
	if st, _ := e.bc.Status(ctx, other); st.Cancelled {
		t.Error("stopped a broadcast outside the scope")
	}
	e.press("v1|s|c|" + other)
	if st, _ := e.bc.Status(ctx, other); st.Cancelled {
		t.Error("stopped a broadcast outside the scope by button")
	}
	// The own one can be stopped with the button from the list.
	outs = e.say("/ankuendigungen")
	outs = e.press(button(t, outs, "v1|s|c|"+mine).Data)
	mustContain(t, texts(outs), "wird gestoppt")
	if st, _ := e.bc.Status(ctx, mine); !st.Cancelled {
		t.Error("own broadcast not cancelled")
	}
}

func TestStaffComposeErrors(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.say("/ankuendigung")
	e.say("walsrode")
	tests := []struct {
		name, text, want string
	}{
		{"too long", strings.Repeat("Elternabend ", 400), "zu lang: "},
		{"bad date", "Fest\nDatum: 31.02.2026", "verstehe ich nicht"},
		{"past date", "Fest\nDatum: 24.11.2026 18:00", "in der Vergangenheit"},
		{"only date", "Datum: 24.12.2026", "braucht einen Text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outs := e.say(tt.text)
			mustContain(t, texts(outs), tt.want)
			if len(buttons(outs)) != 0 {
				t.Errorf("offered buttons: %+v", buttons(outs))
			}
		})
	}
	// Today's date without time is still fine; then /abbrechen discards.
	outs := e.say("Fest\nDatum: 25.11.2026")
	button(t, outs, "v1|s|ok|")
	outs = e.say("/abbrechen")
	mustContain(t, texts(outs), "verworfen")
	// The dialogue is over: a text is a place question again, not an announcement.
	outs = e.say("Dorfmark")
	mustNotContain(t, texts(outs), "So sehen die Eltern")
	mustContain(t, texts(outs), "Dorfmark</b> gehört zum")
}

// Forged or stale staff buttons are acknowledged once and change nothing.
func TestStaffJunkButtons(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.say("/ankuendigung")
	for _, data := range []string{
		"v1|s", "v1|s|ok", "v1|s|ok|deadbeef|x", "v1|s|ok|deadbeef", "v1|s|x|deadbeef",
		"v1|s|c|abc", "v1|s|c|99999", "v1|s|d|deadbeef|walsrode", "v1|s|d|x|../../etc",
		"v1|s|zz|1", "v1|s|a|" + strings.Repeat("9", 60),
	} {
		outs := e.press(data)
		n := 0
		for _, o := range outs {
			if o.Kind == "callback" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q: acknowledged %d times (%s)", data, n, kinds(outs))
		}
	}
	if n := len(e.broadcasts(t)); n != 0 {
		t.Errorf("%d broadcasts from junk buttons", n)
	}
}
