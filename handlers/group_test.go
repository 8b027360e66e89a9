package handlers_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
)

// adminReplier is a Recorder that knows the group's administrators (handlers.AdminChecker).
type adminReplier struct {
	*handlerstest.Recorder
	mu     sync.Mutex
	admins map[int64]bool
	calls  int
	err    error
}

func (a *adminReplier) IsChatAdmin(_ context.Context, _, userID int64) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	return a.admins[userID], a.err
}

// group drives a Handler like the members of a supergroup.
type group struct {
	*chat
	ar  *adminReplier
	now time.Time
}

const (
	groupID = int64(-100777)
	admin   = int64(11)
	member  = int64(22)
)

func newGroup(t *testing.T, opts ...chatOption) *group {
	t.Helper()
	g := &group{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	opts = append(opts, func(cfg *handlers.Config) { cfg.Now = func() time.Time { return g.now } })
	g.chat = newChat(t, opts...)
	g.id = groupID
	g.ar = &adminReplier{Recorder: g.r, admins: map[int64]bool{admin: true}}
	return g
}

func (g *group) as(user int64) handlers.Update {
	u := g.update()
	u.Private, u.Group, u.User.ID = false, true, user
	return u
}

func (g *group) handleAs(u handlers.Update) []out {
	g.t.Helper()
	if err := g.h.Handle(context.Background(), g.ar, u); err != nil {
		g.t.Fatalf("Handle: %v", err)
	}
	return g.r.Take()
}

func (g *group) sayAs(user int64, text string) []out {
	g.t.Helper()
	u := g.as(user)
	u.Text = text
	return g.handleAs(u)
}

func (g *group) pressAs(user int64, data string) []out {
	g.t.Helper()
	u := g.as(user)
	u.Callback = &handlers.Callback{ID: "cb", MessageID: 1, Data: data}
	return g.handleAs(u)
}

// In a group, /abo, /abbestellen, /meinedaten and /loeschen (and their buttons)
// are for the group's administrators; everybody may ask for places.
func TestGroupDataActionsAreForAdmins(t *testing.T) {
	g := newGroup(t)
	mustContain(t, texts(g.sayAs(member, "Dorfmark")), "<b>Dorfmark</b> gehört zum")
	for _, cmd := range []string{"/abo", "/abbestellen", "/meinedaten", "/loeschen", "/subscribe@SozialraumBot"} {
		outs := g.sayAs(member, cmd)
		if kinds(outs) != "send" || len(buttons(outs)) != 0 {
			t.Fatalf("%s by a member: %s %+v", cmd, kinds(outs), outs)
		}
		mustContain(t, texts(outs), "nur ihre Admins", "@SozialraumBot")
	}
	for _, data := range []string{"v1|a|bad-fallingbostel-osterheide", "v1|u|bad-fallingbostel-osterheide", "v1|l|en"} {
		outs := g.pressAs(member, data)
		if kinds(outs) != "callback" || !strings.Contains(outs[0].Callback, "nur ihre Admins") {
			t.Errorf("%s pressed by a member: %+v", data, outs)
		}
	}
	ctx := context.Background()
	if subs, _ := g.store.Subscriptions(ctx, groupID); len(subs) != 0 {
		t.Errorf("a member subscribed the group: %v", subs)
	}
	if st, _ := g.store.LoadState(ctx, groupID); st.Lang != "" {
		t.Errorf("a member changed the group's language to %q", st.Lang)
	}
	// The admin can.
	mustContain(t, texts(g.sayAs(admin, "/abo")), "Gern!")
	mustContain(t, texts(g.sayAs(admin, "/meinedaten")), "Abos: Sozialraumbezirk Stadt Bad Fallingbostel")
	if subs, _ := g.store.Subscriptions(ctx, groupID); len(subs) != 1 {
		t.Errorf("the admin's /abo: subscriptions %v", subs)
	}
	// Sent as the group itself: an anonymous administrator, no lookup needed.
	calls := g.ar.calls
	u := g.as(1087968824)
	u.AsChat, u.Text = true, "/meinedaten"
	mustContain(t, texts(g.handleAs(u)), "Abos:")
	if g.ar.calls != calls {
		t.Errorf("an anonymous admin was looked up")
	}
}

// The answers are cached for a short while per chat and user; errors are not.
func TestGroupAdminCache(t *testing.T) {
	g := newGroup(t)
	g.sayAs(member, "/meinedaten")
	g.sayAs(member, "/meinedaten")
	g.sayAs(admin, "/meinedaten")
	if g.ar.calls != 2 {
		t.Errorf("%d lookups for two users, want 2 (cached)", g.ar.calls)
	}
	g.now = g.now.Add(10 * time.Minute)
	g.ar.admins[member] = true // promoted meanwhile
	mustContain(t, texts(g.sayAs(member, "/meinedaten")), "nichts gespeichert")
	if g.ar.calls != 3 {
		t.Errorf("%d lookups after the cache expired, want 3", g.ar.calls)
	}
	g.now = g.now.Add(10 * time.Minute)
	g.ar.err = errors.New("getChatMember: 502")
	for range 2 {
		mustContain(t, texts(g.sayAs(member, "/loeschen")), "nicht prüfen")
	}
	if g.ar.calls != 5 {
		t.Errorf("%d lookups, want 5: failed lookups are not cached", g.ar.calls)
	}
	if strings.Contains(g.logs.String(), "/loeschen") {
		t.Error("message text in the log")
	}
}

// A replier that cannot tell administrators gets the group actions refused.
func TestGroupWithoutAdminCheckerRefuses(t *testing.T) {
	g := newGroup(t)
	u := g.as(admin)
	u.Text = "/loeschen"
	if err := g.h.Handle(context.Background(), g.r, u); err != nil {
		t.Fatal(err)
	}
	mustContain(t, texts(g.r.Take()), "nur ihre Admins")
}

// Only the member who asked /loeschen can confirm (or cancel) it; another
// member's press, even an admin's, deletes nothing.
func TestGroupDeleteConfirmOnlyByTheAsker(t *testing.T) {
	g := newGroup(t)
	g.ar.admins[member] = true // another admin
	ctx := context.Background()
	g.sayAs(admin, "Dorfmark")
	g.sayAs(admin, "/abo")
	outs := g.sayAs(admin, "/loeschen")
	yes, no := button(t, outs, "v1|x|"), button(t, outs, "v1|k")
	for _, data := range []string{yes.Data, no.Data} {
		outs = g.pressAs(member, data)
		if kinds(outs) != "callback" || !strings.Contains(outs[0].Callback, "wer /loeschen geschickt hat") {
			t.Errorf("another member's press %s: %+v", data, outs)
		}
	}
	if subs, _ := g.store.Subscriptions(ctx, groupID); len(subs) != 1 {
		t.Fatalf("another member's press deleted: %v", subs)
	}
	mustContain(t, texts(g.pressAs(admin, yes.Data)), "Alle Daten")
	if subs, _ := g.store.Subscriptions(ctx, groupID); len(subs) != 0 {
		t.Errorf("the asker's press did not delete: %v", subs)
	}
}

// Being added to a group gets one short introduction that says how to ask
// there, and nothing is stored for it.
func TestGroupJoinedIntroduction(t *testing.T) {
	g := newGroup(t)
	u := g.as(admin)
	u.Joined = true
	outs := g.handleAs(u)
	if kinds(outs) != "send" {
		t.Fatalf("joined: %s", kinds(outs))
	}
	mustContain(t, texts(outs), "<code>@SozialraumBot Dorfmark</code>", "/hilfe", "/abo")
	if n := g.rdb.Exists(context.Background(), g.pfx+":chat:"+"-100777").Val(); n != 0 {
		t.Error("joining stored state")
	}
	// /start and /hilfe in a group say how to ask there; no location keyboard.
	for _, cmd := range []string{"/start", "/hilfe"} {
		outs := g.sayAs(member, cmd)
		mustContain(t, texts(outs), "In einer Gruppe antworte ich nur")
		if outs[0].Msg.LocationButton != "" {
			t.Errorf("%s offers a location keyboard in a group", cmd)
		}
	}
	mustNotContain(t, texts(g.say("/start")), "In einer Gruppe") // a private chat (Group false)
}

// A bare mention in a group (the transport strips "@ourbot") is answered with
// how to ask there, not with "I received no text".
func TestGroupBareMention(t *testing.T) {
	g := newGroup(t)
	outs := g.sayAs(member, "")
	mustContain(t, texts(outs), "<code>@SozialraumBot Dorfmark</code>")
	mustNotContain(t, texts(outs), "keinen Text")
	mustContain(t, texts(g.say("")), "keinen Text") // a private chat
}

// SetBotUsername, for a transport that learns the name after start, reaches the
// hints.
func TestSetBotUsername(t *testing.T) {
	c := newChat(t, func(cfg *handlers.Config) { cfg.BotUsername = "" })
	mustNotContain(t, texts(c.say("/hilfe")), "@")
	c.h.SetBotUsername("@HeideBot")
	mustContain(t, texts(c.say("/hilfe")), "<code>@HeideBot Ortsname</code>")
}
