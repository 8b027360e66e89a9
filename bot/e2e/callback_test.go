package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
	"github.com/heidekreis/sozialraumbot/handlers/rueckruf"
	"github.com/heidekreis/sozialraumbot/handlers/workhours"
)

// Callback requests end to end: the real bot and conversation against the fake
// Bot API and a real Redis, with a clock the test moves (no sleeps for time).

const (
	teamGroup = int64(-100777) // the Walsrode team's Telegram group
	anna      = int64(501)     // staff of Walsrode
	ben       = int64(502)     // staff of Walsrode
	cem       = int64(503)     // staff of Munster/Bispingen (requests come privately)
	dora      = int64(504)     // staff of Munster/Bispingen
	jugendamt = int64(900)     // staff of all districts (escalation)
	stranger  = int64(599)     // a member of the team group who is not staff
	parentA   = int64(7001)
	parentB   = int64(7002)
	phoneA    = "4915123456789" // as Telegram shares it
	phoneAE   = "+4915123456789"
)

var berlinLoc, _ = time.LoadLocation("Europe/Berlin")

// at is a time in Berlin: "2026-12-01 09:00" (a Tuesday).
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, berlinLoc)
	if err != nil {
		panic(err)
	}
	return t
}

// events records what the conversation tells the metrics.
type events struct {
	mu    sync.Mutex
	list  []string
	taken []time.Duration
}

func (e *events) observe(district, status string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, district+":"+status)
}

func (e *events) takenAfter(_ string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.taken = append(e.taken, d)
}

func (e *events) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.list, " ")
}

// callbackConfig is the conversation's configuration for these tests.
func callbackConfig(rdb redis.UniversalClient, prefix string, clk *handlerstest.Clock, ev *events) func(*handlers.Config) {
	return func(hc *handlers.Config) {
		hc.Now = clk.Now
		hc.Staff = []handlers.StaffMember{
			{UserID: anna, Districts: []string{"walsrode"}}, {UserID: ben, Districts: []string{"walsrode"}},
			{UserID: cem, Districts: []string{"munster-bispingen"}}, {UserID: dora, Districts: []string{"munster-bispingen"}},
			{UserID: jugendamt, All: true},
		}
		hc.Callbacks = handlers.CallbackConfig{
			Desk: rueckruf.New(rdb, prefix),
			Routes: map[string]handlers.CallbackRoute{
				"walsrode": {ChatID: teamGroup}, "munster-bispingen": {},
			},
			RemindAfter: 2 * time.Hour, EscalateAfter: 4 * time.Hour,
			Hours: workhours.MustParse("Mo-Fr 08:00-16:00"), Keep: 7 * 24 * time.Hour, MaxAge: 30 * 24 * time.Hour,
			DailyCap: 3, Observe: ev.observe, TakenAfter: ev.takenAfter,
		}
	}
}

func callbackWorld(t *testing.T, clk *handlerstest.Clock, c config) *world {
	t.Helper()
	return callbackWorldEvents(t, clk, c, &events{})
}

func callbackWorldEvents(t *testing.T, clk *handlerstest.Clock, c config, ev *events) *world {
	t.Helper()
	if c.api == nil {
		c.api = fakeapi.Start(t, fakeapi.WithToken(token), fakeapi.WithUsername("SozialraumBot"))
	}
	if c.rdb == nil {
		c.rdb = redistest.Client(t)
	}
	if c.prefix == "" {
		c.prefix = redistest.Prefix(t)
	}
	c.hc = callbackConfig(c.rdb, c.prefix, clk, ev)
	c.pace = bot.NoChatPace // the requests matter here, not Telegram's pace
	w := start(t, c)
	w.since()
	return w
}

// due runs the callback requests' due steps once, as the worker's ticker does.
func (w *world) due() []fakeapi.Request {
	w.t.Helper()
	if err := w.h.CallbacksDue(context.Background(), w.bot.Sender()); err != nil {
		w.t.Fatalf("CallbacksDue: %v", err)
	}
	return w.since()
}

// only keeps the requests of one method to one chat.
func only(reqs []fakeapi.Request, method string, chatID int64) []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range reqs {
		if r.Method == method && r.ChatID == chatID {
			out = append(out, r)
		}
	}
	return out
}

func one(t *testing.T, reqs []fakeapi.Request, method string, chatID int64) fakeapi.Request {
	t.Helper()
	got := only(reqs, method, chatID)
	if len(got) != 1 {
		t.Fatalf("%d %s to %d, want 1; all: %s", len(got), method, chatID, methods(reqs))
	}
	return got[0]
}

// press is a press of the parent (or a staff member in their private chat) on
// the first button of the request whose data starts with prefix.
func pressOf(t *testing.T, chatID int64, r fakeapi.Request, prefix string) models.Update {
	t.Helper()
	return fakeapi.CallbackUpdate(chatID, messageID(t, r), find(t, r, prefix).CallbackData)
}

// parentDialogue runs the parent's side up to the summary: place, the card's
// callback button, consent, the number (share: the contact button; else typed),
// topic, time of day, note. It returns the summary request.
func parentDialogue(t *testing.T, w *world, parent int64, place, district string, share bool) fakeapi.Request {
	t.Helper()
	card := one(t, w.step(fakeapi.TextUpdate(parent, "de", place)), "sendMessage", parent)
	start := pressOf(t, parent, card, "v1|q|s|"+district)
	reqs := w.step(start)
	intro := one(t, reqs, "sendMessage", parent)
	mustContain(t, intro.Params["text"], "Rückruf erbitten", "Vornamen", "Telefonnummer", "7 Tage", "30 Tage", "einverstanden")
	reqs = w.step(pressOf(t, parent, intro, "v1|q|y|"))
	ask := one(t, reqs, "sendMessage", parent)
	if got := ask.Params["reply_markup"]; got != `{"keyboard":[[{"text":"📱 Meine Nummer senden","request_contact":true}]],"resize_keyboard":true,"one_time_keyboard":true}` {
		t.Fatalf("number question's keyboard %s", got)
	}
	var number models.Update
	if share {
		number = fakeapi.SharedOwnNumber(parent, phoneA, "Erika")
	} else {
		// A typo first: a clear answer, and the question stays.
		bad := one(t, w.step(fakeapi.TextUpdate(parent, "de", "0151 2345")), "sendMessage", parent)
		mustContain(t, bad.Params["text"], "keine Telefonnummer", "0151 2345")
		number = fakeapi.TextUpdate(parent, "de", "0049 (151) 234-56789")
	}
	reqs = w.step(number)
	if got := only(reqs, "sendMessage", parent); len(got) != 2 {
		t.Fatalf("after the number: %s", methods(reqs))
	}
	ok, topics := only(reqs, "sendMessage", parent)[0], only(reqs, "sendMessage", parent)[1]
	if ok.Params["reply_markup"] != `{"remove_keyboard":true}` {
		t.Errorf("the contact keyboard stays: %s", ok.Params["reply_markup"])
	}
	mustContain(t, topics.Params["text"], "Worum geht es")
	mustContain(t, topics.Params["reply_markup"], "Kinderbetreuung", "Sonstiges")
	reqs = w.step(pressOf(t, parent, topics, "v1|q|t|"))
	slots := one(t, reqs, "sendMessage", parent)
	reqs = w.step(pressOf(t, parent, slots, "v1|q|h|"))
	note := one(t, reqs, "sendMessage", parent)
	mustContain(t, note.Params["text"], "Notiz", "Einzelheiten brauchen Sie nicht")
	long := strings.Repeat("x", 201)
	tooLong := one(t, w.step(fakeapi.TextUpdate(parent, "de", long)), "sendMessage", parent)
	mustContain(t, tooLong.Params["text"], "201 Zeichen", "höchstens 200")
	return one(t, w.step(fakeapi.TextUpdate(parent, "de", "Bitte nach 10 Uhr")), "sendMessage", parent)
}

// TestCallbackWithSharedContact: the whole dialogue with Telegram's contact
// button, the team group's message, "Übernehmen" and "Erledigt", /rueckruf,
// and the deletion a week after "Erledigt" that scrubs the team message.
func TestCallbackWithSharedContact(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	ev := &events{}
	w := callbackWorldEvents(t, clk, config{}, ev)
	ctx := context.Background()

	privacy := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/datenschutz")), "sendMessage", parentA)
	mustContain(t, privacy.Params["text"], "Rückrufbitten:", "Vornamen, Ihre Telefonnummer", "7 Tage nach dem Anruf, höchstens 30 Tage")
	summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
	mustContain(t, summary.Params["text"], "Stephansstift", "Erika", phoneAE, "Thema:", "vormittags", "„Bitte nach 10 Uhr“")

	reqs := w.step(pressOf(t, parentA, summary, "v1|q|ok|"))
	if got := methods(reqs); got != "answerCallbackQuery,sendMessage,sendMessage" {
		t.Fatalf("sending the request: %s", got)
	}
	mustContain(t, one(t, reqs, "sendMessage", parentA).Params["text"], "Ihre Bitte ist angekommen", "/rueckruf")
	team := one(t, reqs, "sendMessage", teamGroup)
	mustContain(t, team.Params["text"], "Rückrufbitte Nr. ", "Walsrode", "Erika", phoneAE, "Bitte nach 10 Uhr", "Offen")
	// The number is plain E.164 text, which Telegram's apps make tappable; not inside <code>.
	if strings.Contains(team.Params["text"], "<code>"+phoneAE) {
		t.Error("the number is inside <code>, not tappable")
	}
	take := find(t, team, "v1|e|take|")
	find(t, team, "v1|e|done|")
	find(t, team, "v1|e|fail|")
	id := strings.TrimPrefix(take.CallbackData, "v1|e|take|")
	desk := rueckruf.New(w.rdb, w.prefix)
	r, err := desk.Get(ctx, id)
	if err != nil || r.Status != handlers.CallbackOpen || len(r.Messages) != 1 ||
		r.Messages[0] != (handlers.TeamMessage{ChatID: teamGroup, MessageID: messageID(t, team)}) {
		t.Fatalf("stored %+v, %v; want open with the team message recorded", r, err)
	}

	// Anna takes it in the team group: the message shows it, the parent hears of it.
	clk.Add(25 * time.Minute)
	reqs = w.step(fakeapi.CallbackFrom(teamGroup, anna, "Anna", messageID(t, team), take.CallbackData))
	mustContain(t, one(t, reqs, "answerCallbackQuery", 0).Params["text"], "Übernommen")
	edit := one(t, reqs, "editMessageText", teamGroup)
	mustContain(t, edit.Params["text"], "Übernommen</b> von Anna", phoneAE)
	if strings.Contains(edit.Params["reply_markup"], "take") {
		t.Error("the take button stays after taking")
	}
	mustContain(t, one(t, reqs, "sendMessage", parentA).Params["text"], "wurde übernommen", phoneAE)

	// /rueckruf shows the request with its button to withdraw it.
	status := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/rueckruf")), "sendMessage", parentA)
	mustContain(t, status.Params["text"], "Nr. "+id, "übernommen – das Team ruft Sie an")
	find(t, status, "v1|q|w|"+id)

	// Ben lists the open requests of his districts: one more message with the
	// number, recorded like the group's.
	reqs = w.step(fakeapi.TextUpdate(ben, "de", "/rueckrufe"))
	listed := only(reqs, "sendMessage", ben)
	if len(listed) != 2 {
		t.Fatalf("/rueckrufe: %s", methods(reqs))
	}
	mustContain(t, listed[0].Params["text"], "Offene Rückrufbitten in Ihren Bezirken: 1")
	mustContain(t, listed[1].Params["text"], phoneAE, "Übernommen</b> von Anna")
	find(t, listed[1], "v1|e|done|"+id)
	if r, _ := desk.Get(ctx, id); len(r.Messages) != 2 {
		t.Fatalf("the listed message is not recorded: %+v", r.Messages)
	}
	if reqs := w.step(fakeapi.TextUpdate(parentB, "de", "/rueckrufe")); !strings.Contains(one(t, reqs, "sendMessage", parentB).Params["text"], "Mitarbeitende") {
		t.Errorf("/rueckrufe for a parent: %v", reqs)
	}

	// Ben marks it done: edited for everyone; the parent gets nothing more.
	reqs = w.step(fakeapi.CallbackFrom(teamGroup, ben, "Ben", messageID(t, team), "v1|e|done|"+id))
	mustContain(t, one(t, reqs, "editMessageText", teamGroup).Params["text"], "Erledigt</b> (Ben", "gelöscht")
	mustContain(t, one(t, reqs, "editMessageText", ben).Params["text"], "Erledigt</b> (Ben")
	if n := len(only(reqs, "sendMessage", parentA)); n != 0 {
		t.Errorf("the parent got %d messages when the request was done", n)
	}

	// Six days later nothing happens; after the seventh the data goes and the
	// team message is scrubbed (number, name and note gone, no buttons).
	clk.Add(6 * 24 * time.Hour)
	if reqs := w.due(); len(reqs) != 0 {
		t.Fatalf("before the keep time: %s", methods(reqs))
	}
	if _, err := desk.Get(ctx, id); err != nil {
		t.Fatalf("deleted too early: %v", err)
	}
	clk.Add(25 * time.Hour)
	reqs = w.due()
	scrub := one(t, reqs, "editMessageText", teamGroup)
	mustContain(t, scrub.Params["text"], "Rückrufbitte Nr. "+id, "Erledigt.", "gelöscht")
	mustContain(t, one(t, reqs, "editMessageText", ben).Params["text"], "Die Angaben der Eltern sind gelöscht")
	shown := w.api.Shown(teamGroup)[messageID(t, team)]
	for _, gone := range []string{phoneAE, "15123456789", "Erika", "Bitte nach 10 Uhr"} {
		if strings.Contains(shown.Text, gone) {
			t.Errorf("the team message still shows %q: %s", gone, shown.Text)
		}
	}
	if shown.Markup != "" {
		t.Errorf("the scrubbed team message keeps buttons: %s", shown.Markup)
	}
	if _, err := desk.Get(ctx, id); err == nil {
		t.Error("the request is still stored after scrubbing")
	}
	// The chat's dialogue state (its district) stays; nothing of the request does.
	noTrace(t, w, 0, "Erika", "Bitte nach 10 Uhr")
	if again := w.due(); len(again) != 0 {
		t.Errorf("scrubbed twice: %s", methods(again))
	}
	// The metrics heard of each status by district, and the 25 minutes until taken.
	if got := ev.String(); got != "walsrode:open walsrode:taken walsrode:done" {
		t.Errorf("events %q", got)
	}
	if len(ev.taken) != 1 || ev.taken[0] != 25*time.Minute {
		t.Errorf("time to take %v, want 25m", ev.taken)
	}
}

// noTrace scans Redis for anything of the parent: the chat id (as a key part or
// a whole number in a value; 0: not checked), the phone number in any form, the
// name, the note; and the log for the number, name and note.
func noTrace(t *testing.T, w *world, chatID int64, words ...string) {
	t.Helper()
	ctx := context.Background()
	id := strconv.FormatInt(chatID, 10)
	if chatID == 0 {
		id = "no chat id"
	}
	num := regexp.MustCompile(`(^|[^0-9])` + id + `($|[^0-9])`)
	needles := append([]string{"15123456789", "151 2345", "(151)"}, words...)
	iter := w.rdb.Scan(ctx, 0, w.prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		var vals []string
		switch w.rdb.Type(ctx, k).Val() {
		case "string":
			vals = []string{w.rdb.Get(ctx, k).Val()}
		case "hash":
			for f, v := range w.rdb.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = w.rdb.SMembers(ctx, k).Val()
		case "zset":
			vals = w.rdb.ZRange(ctx, k, 0, -1).Val()
		case "list":
			vals = w.rdb.LRange(ctx, k, 0, -1).Val()
		case "stream":
			for _, m := range w.rdb.XRange(ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		}
		for _, part := range strings.Split(strings.TrimPrefix(k, w.prefix+":"), ":") {
			if part == id || part == "c"+id {
				t.Errorf("key %s names chat %d", k, chatID)
			}
		}
		for _, v := range vals {
			if num.MatchString(v) {
				t.Errorf("key %s holds chat %d: %q", k, chatID, v)
			}
			for _, n := range needles {
				if strings.Contains(v, n) {
					t.Errorf("key %s holds %q", k, n)
				}
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	logs := w.logs.String()
	for _, n := range needles {
		if strings.Contains(logs, n) {
			t.Errorf("%q reached the log", n)
		}
	}
}

// TestCallbackTypedNumberAndTwoReplicasRace: a typed number (a typo answered
// first), a district whose requests go to its two staff members privately, and
// both pressing "Übernehmen" at the same moment on two replicas: exactly one
// wins, both messages show the winner, the parent hears of it once.
func TestCallbackTypedNumberAndTwoReplicasRace(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	a := callbackWorld(t, clk, config{mode: bot.ModeWebhook})
	b := callbackWorld(t, clk, config{mode: bot.ModeWebhook, api: a.api, rdb: a.rdb, prefix: a.prefix})
	hook := func(w *world, u models.Update) int64 {
		u.ID = a.api.NextUpdateID()
		body, _ := json.Marshal(&u)
		waitHook(t, w, string(body))
		return u.ID
	}
	hookStep := func(u models.Update) []fakeapi.Request {
		a.handled(hook(a, u))
		return a.since()
	}
	// The parent's dialogue through replica A's webhook.
	card := one(t, hookStep(fakeapi.TextUpdate(parentB, "de", "Munster")), "sendMessage", parentB)
	intro := one(t, hookStep(pressOf(t, parentB, card, "v1|q|s|munster-bispingen")), "sendMessage", parentB)
	hookStep(pressOf(t, parentB, intro, "v1|q|y|"))
	bad := one(t, hookStep(fakeapi.TextUpdate(parentB, "de", "ruf mich bitte an")), "sendMessage", parentB)
	mustContain(t, bad.Params["text"], "keine Telefonnummer")
	sends := only(hookStep(fakeapi.TextUpdate(parentB, "de", "0049 (151) 234-56789")), "sendMessage", parentB)
	if len(sends) != 2 {
		t.Fatalf("after the typed number: %d messages, want the number's confirmation and the topics", len(sends))
	}
	mustContain(t, sends[0].Params["text"], "die Nummer "+phoneAE)
	topics := sends[1]
	slots := one(t, hookStep(pressOf(t, parentB, topics, "v1|q|t|"+"")), "sendMessage", parentB)
	note := one(t, hookStep(pressOf(t, parentB, slots, "v1|q|h|")), "sendMessage", parentB)
	summary := one(t, hookStep(pressOf(t, parentB, note, "v1|q|k|")), "sendMessage", parentB)
	mustContain(t, summary.Params["text"], "Hilfen aus einer Hand", "Vorname: Test", phoneAE, "Notiz: keine")
	reqs := hookStep(pressOf(t, parentB, summary, "v1|q|ok|"))
	toCem, toDora := one(t, reqs, "sendMessage", cem), one(t, reqs, "sendMessage", dora)
	if n := len(only(reqs, "sendMessage", teamGroup)); n != 0 {
		t.Errorf("a Munster request went to the Walsrode group")
	}
	id := strings.TrimPrefix(find(t, toCem, "v1|e|take|").CallbackData, "v1|e|take|")

	// Cem (on replica A) and Dora (on replica B) press at the same moment.
	pressCem := fakeapi.CallbackFrom(cem, cem, "Cem", messageID(t, toCem), "v1|e|take|"+id)
	pressDora := fakeapi.CallbackFrom(dora, dora, "Dora", messageID(t, toDora), "v1|e|take|"+id)
	var wg sync.WaitGroup
	var idCem, idDora int64
	ready := make(chan struct{})
	wg.Go(func() { <-ready; idCem = hook(a, pressCem) })
	wg.Go(func() { <-ready; idDora = hook(b, pressDora) })
	close(ready)
	wg.Wait()
	a.handled(idCem)
	a.handled(idDora)
	reqs = a.since()
	r, err := rueckruf.New(a.rdb, a.prefix).Get(context.Background(), id)
	if err != nil || r.Status != handlers.CallbackTaken {
		t.Fatalf("after the race: %+v, %v", r, err)
	}
	winner, loser := "Cem", "Dora"
	if r.TakenBy == dora {
		winner, loser = "Dora", "Cem"
	}
	t.Logf("%s won the race against %s", winner, loser)
	var notices []string
	for _, q := range only(reqs, "answerCallbackQuery", 0) {
		notices = append(notices, q.Params["text"])
	}
	if len(notices) != 2 || !strings.Contains(strings.Join(notices, "|"), "Übernommen") ||
		!strings.Contains(strings.Join(notices, "|"), "Schon übernommen von "+winner) {
		t.Errorf("notices %q: want one winner's and one 'Schon übernommen von %s'", notices, winner)
	}
	if n := len(only(reqs, "sendMessage", parentB)); n != 1 {
		t.Errorf("the parent was told %d times", n)
	}
	for _, chat := range []int64{cem, dora} {
		for id, m := range a.api.Shown(chat) {
			if strings.Contains(m.Text, "Rückrufbitte") && !strings.Contains(m.Text, "Übernommen</b> von "+winner) {
				t.Errorf("message %d in %d does not show the winner: %s", id, chat, m.Text)
			}
		}
	}
	if n := len(only(reqs, "editMessageText", cem)) + len(only(reqs, "editMessageText", dora)); n != 2 {
		t.Errorf("%d edits of the staff messages, want 2 (one each)", n)
	}
}

// TestCallbackRefusals: someone else's contact card, no consent (nothing
// stored), a press by a group member who is not staff, and /rueckruf in a group.
func TestCallbackRefusals(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	w := callbackWorld(t, clk, config{})
	ctx := context.Background()

	t.Run("consent declined stores nothing", func(t *testing.T) {
		card := one(t, w.step(fakeapi.TextUpdate(parentB, "de", "Walsrode")), "sendMessage", parentB)
		intro := one(t, w.step(pressOf(t, parentB, card, "v1|q|s|walsrode")), "sendMessage", parentB)
		// While the consent question is open, nothing of a request is stored.
		if keys, _ := w.rdb.Keys(ctx, w.prefix+":rr:*").Result(); len(keys) != 0 {
			t.Errorf("before consent Redis holds %v", keys)
		}
		reqs := w.step(pressOf(t, parentB, intro, "v1|q|n|"))
		mustContain(t, one(t, reqs, "sendMessage", parentB).Params["text"], "nichts gespeichert", "(05161)")
		if keys, _ := w.rdb.Keys(ctx, w.prefix+":rr:*").Result(); len(keys) != 0 {
			t.Errorf("without consent Redis holds %v", keys)
		}
		noTrace(t, w, 0, "Erika") // and no number, name or note anywhere
		st, _ := w.rdb.Get(ctx, fmt.Sprintf("%s:chat:%d", w.prefix, parentB)).Result()
		if strings.Contains(st, "cb_") {
			t.Errorf("the dialogue step stays: %s", st)
		}
	})
	t.Run("someone else's contact card", func(t *testing.T) {
		card := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "Walsrode")), "sendMessage", parentA)
		intro := one(t, w.step(pressOf(t, parentA, card, "v1|q|s|walsrode")), "sendMessage", parentA)
		w.step(pressOf(t, parentA, intro, "v1|q|y|"))
		other := fakeapi.ContactUpdate(parentA, false, "0151 99887766")
		reqs := w.step(other)
		refusal := one(t, reqs, "sendMessage", parentA)
		mustContain(t, refusal.Params["text"], "anderen Menschen", "nur Ihre eigene Nummer")
		mustContain(t, refusal.Params["reply_markup"], `"request_contact":true`)
		draft, _ := w.rdb.Get(ctx, fmt.Sprintf("%s:rr:draft:%d", w.prefix, parentA)).Result()
		if strings.Contains(draft, "99887766") || strings.Contains(draft, "Erika") || strings.Contains(draft, "Mustermann") {
			t.Errorf("the other person's card reached the draft: %s", draft)
		}
		mustContain(t, one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/abbrechen")), "sendMessage", parentA).Params["text"], "Abgebrochen")
		if n := w.rdb.Exists(ctx, fmt.Sprintf("%s:rr:draft:%d", w.prefix, parentA)).Val(); n != 0 {
			t.Error("/abbrechen left the draft")
		}
	})
	t.Run("leaving the dialogue half-way forgets the draft", func(t *testing.T) {
		card := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "Walsrode")), "sendMessage", parentA)
		intro := one(t, w.step(pressOf(t, parentA, card, "v1|q|s|walsrode")), "sendMessage", parentA)
		w.step(pressOf(t, parentA, intro, "v1|q|y|"))
		w.step(fakeapi.SharedOwnNumber(parentA, phoneA, "Erika"))
		key := fmt.Sprintf("%s:rr:draft:%d", w.prefix, parentA)
		if !strings.Contains(w.rdb.Get(ctx, key).Val(), phoneAE) {
			t.Fatal("the number is not in the draft")
		}
		w.step(fakeapi.TextUpdate(parentA, "de", "/start"))
		if n := w.rdb.Exists(ctx, key).Val(); n != 0 {
			t.Error("/start half-way left the draft with the number")
		}
	})
	t.Run("a press by someone who is not staff of the district", func(t *testing.T) {
		// A request to the Walsrode group, then a press by a member who is not staff,
		// and one by staff of another district.
		summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
		reqs := w.step(pressOf(t, parentA, summary, "v1|q|ok|"))
		team := one(t, reqs, "sendMessage", teamGroup)
		take := find(t, team, "v1|e|take|").CallbackData
		for _, who := range []int64{stranger, cem} {
			reqs = w.step(fakeapi.CallbackFrom(teamGroup, who, "Zoe", messageID(t, team), take))
			if got := methods(reqs); got != "answerCallbackQuery" {
				t.Fatalf("press by %d: %s, want only the refusal", who, got)
			}
			mustContain(t, reqs[0].Params["text"], "Nur das Team dieses Bezirks")
		}
		r, _ := rueckruf.New(w.rdb, w.prefix).Get(ctx, strings.TrimPrefix(take, "v1|e|take|"))
		if r.Status != handlers.CallbackOpen {
			t.Errorf("a refused press changed the request: %s", r.Status)
		}
		mustContain(t, w.logs.String(), "callback button refused: not staff of the district")
	})
	t.Run("/rueckruf before any place: the place first, then the request", func(t *testing.T) {
		const parentC = int64(7003)
		ask := one(t, w.step(fakeapi.TextUpdate(parentC, "de", "/rueckruf")), "sendMessage", parentC)
		mustContain(t, ask.Params["text"], "Wo wohnen Sie?")
		reqs := only(w.step(fakeapi.TextUpdate(parentC, "de", "Walsrode")), "sendMessage", parentC)
		if len(reqs) != 2 {
			t.Fatalf("after the place: %d messages, want the card and the request's intro", len(reqs))
		}
		mustContain(t, reqs[0].Params["text"], "Walsrode")
		mustContain(t, reqs[1].Params["text"], "Rückruf erbitten", "Sind Sie einverstanden?")
	})
	t.Run("in a group: refused with a hint to a private chat", func(t *testing.T) {
		u := fakeapi.GroupTextUpdate(-100888, 61, "/rueckruf")
		reqs := w.step(u)
		mustContain(t, one(t, reqs, "sendMessage", -100888).Params["text"], "privat", "https://t.me/SozialraumBot")
	})
}

// TestCallbackReminderAndEscalation: a request on a Friday afternoon is
// reminded after two hours of working time (Monday 9:00, not on the weekend),
// once, and escalated to the staff with all districts after four (Monday
// 11:00), with its details and buttons; that message is edited with the
// others when it is taken.
func TestCallbackReminderAndEscalation(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-04 15:00")) // a Friday
	w := callbackWorld(t, clk, config{})
	summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
	team := one(t, w.step(pressOf(t, parentA, summary, "v1|q|ok|")), "sendMessage", teamGroup)
	id := strings.TrimPrefix(find(t, team, "v1|e|take|").CallbackData, "v1|e|take|")

	for _, when := range []string{"2026-12-04 15:59", "2026-12-04 18:00", "2026-12-05 12:00", "2026-12-07 08:59"} {
		clk.Set(at(when))
		if reqs := w.due(); len(reqs) != 0 {
			t.Fatalf("%s: %s, want nothing before two hours of working time", when, methods(reqs))
		}
	}
	clk.Set(at("2026-12-07 09:00"))
	reqs := w.due()
	rem := one(t, reqs, "sendMessage", teamGroup)
	mustContain(t, rem.Params["text"], "Nr. "+id, "wartet seit")
	if strings.Contains(rem.Params["text"], "15123456789") || strings.Contains(rem.Params["text"], "Erika") {
		t.Error("the reminder carries personal data")
	}
	if len(reqs) != 1 {
		t.Fatalf("at the reminder: %s", methods(reqs))
	}
	clk.Set(at("2026-12-07 10:59"))
	if reqs := w.due(); len(reqs) != 0 {
		t.Fatalf("reminded twice or escalated early: %s", methods(reqs))
	}
	clk.Set(at("2026-12-07 11:00"))
	reqs = w.due()
	esc := one(t, reqs, "sendMessage", jugendamt)
	mustContain(t, esc.Params["text"], "nicht übernommen", "weitergeleitet", phoneAE, "Erika")
	find(t, esc, "v1|e|take|"+id)
	if len(reqs) != 1 {
		t.Fatalf("at the escalation: %s", methods(reqs))
	}
	clk.Set(at("2026-12-07 12:00"))
	if reqs := w.due(); len(reqs) != 0 {
		t.Fatalf("escalated twice: %s", methods(reqs))
	}
	// The Jugendamt takes it in its private chat: both messages show it.
	reqs = w.step(fakeapi.CallbackFrom(jugendamt, jugendamt, "Jana", messageID(t, esc), "v1|e|take|"+id))
	for _, chat := range []int64{teamGroup, jugendamt} {
		mustContain(t, one(t, reqs, "editMessageText", chat).Params["text"], "Übernommen</b> von Jana")
	}
}

// TestCallbackExpiresUnclaimed: a request nobody takes is deleted at its
// maximum age and its team message scrubbed.
func TestCallbackExpiresUnclaimed(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	w := callbackWorld(t, clk, config{})
	summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
	team := one(t, w.step(pressOf(t, parentA, summary, "v1|q|ok|")), "sendMessage", teamGroup)
	clk.Set(at("2026-12-01 11:00"))
	w.due() // reminder
	clk.Set(at("2026-12-01 13:00"))
	w.due() // escalation
	clk.Set(at("2026-12-31 08:59"))
	if reqs := w.due(); len(reqs) != 0 {
		t.Fatalf("before the maximum age: %s", methods(reqs))
	}
	clk.Set(at("2026-12-31 09:00"))
	reqs := w.due()
	for _, chat := range []int64{teamGroup, jugendamt} {
		mustContain(t, one(t, reqs, "editMessageText", chat).Params["text"], "Abgelaufen", "gelöscht")
	}
	if shown := w.api.Shown(teamGroup)[messageID(t, team)]; strings.Contains(shown.Text, phoneAE) {
		t.Errorf("the team message still shows the number: %s", shown.Text)
	}
	noTrace(t, w, 0, "Erika", "Bitte nach 10 Uhr")
}

// TestCallbackLoeschenMidway: /loeschen while a request is being written (the
// draft with the number goes) and after one was sent (it is withdrawn, the team
// message scrubbed); afterwards Redis holds nothing of the parent.
func TestCallbackLoeschenMidway(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	w := callbackWorld(t, clk, config{})
	ctx := context.Background()
	erase := func() {
		t.Helper()
		confirm := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/loeschen")), "sendMessage", parentA)
		reqs := w.step(pressOf(t, parentA, confirm, "v1|x|"))
		mustContain(t, one(t, reqs, "sendMessage", parentA).Params["text"], "gelöscht")
	}
	// Mid-way: the number is in the draft, /meinedaten shows it, /loeschen erases it.
	card := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "Walsrode")), "sendMessage", parentA)
	intro := one(t, w.step(pressOf(t, parentA, card, "v1|q|s|walsrode")), "sendMessage", parentA)
	w.step(pressOf(t, parentA, intro, "v1|q|y|"))
	w.step(fakeapi.SharedOwnNumber(parentA, phoneA, "Erika"))
	mydata := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/meinedaten")), "sendMessage", parentA)
	mustContain(t, mydata.Params["text"], "Rückrufbitte, die Sie gerade schreiben", phoneAE, "Erika")
	erase()
	noTrace(t, w, parentA, "Erika")

	// After sending: the request and its team message go.
	summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
	team := one(t, w.step(pressOf(t, parentA, summary, "v1|q|ok|")), "sendMessage", teamGroup)
	mydata = one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/meinedaten")), "sendMessage", parentA)
	mustContain(t, mydata.Params["text"], "Rückrufbitte Nr. ", "wartet auf das Team", phoneAE, "Erika", "Bitte nach 10 Uhr",
		"Liste Ihrer Rückrufbitten")
	erase()
	// At once, before the team message is scrubbed: nothing of the parent is left
	// (the request keeps only its id, district and the message to scrub).
	noTrace(t, w, 0, "Erika", "Bitte nach 10 Uhr")
	reqs := w.due()
	scrub := one(t, reqs, "editMessageText", teamGroup)
	mustContain(t, scrub.Params["text"], "Die Eltern haben ihre Daten gelöscht")
	if shown := w.api.Shown(teamGroup)[messageID(t, team)]; strings.Contains(shown.Text, phoneAE) || shown.Markup != "" {
		t.Errorf("the team message after /loeschen: %+v", shown)
	}
	noTrace(t, w, parentA, "Erika", "Bitte nach 10 Uhr")
	if keys, _ := w.rdb.Keys(ctx, w.prefix+":rr:req:*").Result(); len(keys) != 0 {
		t.Errorf("requests left after scrubbing: %v", keys)
	}
}

// TestCallbackScrubRetriesAndFallsBack: Telegram's 429 on the scrubbing edit
// is waited out (the next due step after retry_after edits it); a team message
// Telegram refuses to edit is deleted instead.
func TestCallbackScrubRetriesAndFallsBack(t *testing.T) {
	clk := handlerstest.NewClock(at("2026-12-01 09:00"))
	w := callbackWorld(t, clk, config{})
	withdraw := func() fakeapi.Request {
		t.Helper()
		summary := parentDialogue(t, w, parentA, "Walsrode", "walsrode", true)
		team := one(t, w.step(pressOf(t, parentA, summary, "v1|q|ok|")), "sendMessage", teamGroup)
		status := one(t, w.step(fakeapi.TextUpdate(parentA, "de", "/rueckruf")), "sendMessage", parentA)
		mustContain(t, one(t, w.step(pressOf(t, parentA, status, "v1|q|w|")), "sendMessage", parentA).Params["text"], "zurückgezogen")
		return team
	}
	team := withdraw()
	w.api.FailNext("editMessageText", 1, 429, 5)
	w.failed++
	reqs := w.due()
	if got := methods(reqs); got != "editMessageText" || reqs[0].Status != 429 {
		t.Fatalf("first try: %s", got)
	}
	clk.Add(4 * time.Second)
	if reqs := w.due(); len(reqs) != 0 {
		t.Fatalf("tried again before retry_after: %s", methods(reqs))
	}
	clk.Add(time.Second)
	mustContain(t, one(t, w.due(), "editMessageText", teamGroup).Params["text"], "zurückgezogen", "gelöscht")
	if strings.Contains(w.api.Shown(teamGroup)[messageID(t, team)].Text, phoneAE) {
		t.Error("the number stays after the retry")
	}

	team = withdraw()
	w.api.FailNext("editMessageText", 1, 400, 0)
	w.failed++
	reqs = w.due()
	if got := methods(reqs); got != "editMessageText,deleteMessage" {
		t.Fatalf("refused edit: %s", got)
	}
	if _, shown := w.api.Shown(teamGroup)[messageID(t, team)]; shown {
		t.Error("the team message with the number is still there")
	}
	noTrace(t, w, 0, "Erika", "Bitte nach 10 Uhr")
}
