package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// newAnnounceEnv is newStaffEnv with broadcast options (quiet hours, clock).
func newAnnounceEnv(t *testing.T, o broadcast.Options, staff ...handlers.StaffMember) *staffEnv {
	t.Helper()
	rdb := redistest.Client(t)
	pfx := redistest.Prefix(t)
	store := redisstore.New(rdb, pfx)
	bc := broadcast.New(rdb, pfx, store, o)
	c := newChatWithStore(t, store, rdb, pfx, func(cfg *handlers.Config) {
		cfg.Broadcaster = bc
		cfg.Staff = staff
	})
	return &staffEnv{chat: c, bc: bc, store: store}
}

// photo is a flyer the staff member sends into the dialogue.
func (c *chat) photo(caption string) []out {
	c.t.Helper()
	u := c.update()
	u.Text = caption
	u.Media = &handlers.Media{Kind: handlers.MediaPhoto, FileID: "AgACflyer-1", Width: 1280}
	return c.handle(u)
}

func meta(t *testing.T, e *staffEnv, id, field string) string {
	t.Helper()
	v, err := e.rdb.HGet(context.Background(), e.pfx+":bc:"+id, field).Result()
	if err != nil {
		t.Fatalf("bc:%s %s: %v", id, field, err)
	}
	return v
}

// A flyer whose caption is too long: the staff member is told the length, the
// limit and what to cut, and can send picture and text as two messages; the
// preview then shows exactly that, and so does the queued broadcast.
func TestAnnounceFlyerCaptionTooLong(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.subscribe(t, "walsrode", 1, 2)
	e.say("/ankuendigung")
	e.say("walsrode")
	long := strings.Repeat("Wir basteln Laternen. ", 60) // about 1,300 characters
	outs := e.photo(long + "\nOrt: Familienzentrum")
	mustContain(t, texts(outs), "zu lang", "Telegram erlaubt unter einem Bild oder einer Datei 1024", "kürzen")
	split := button(t, outs, "v1|s|sp|")
	outs = e.press(split.Data)
	if len(outs) < 4 || outs[1].Post == nil || outs[1].Post.Media == nil || outs[1].Post.Media.FileID != "AgACflyer-1" {
		t.Fatalf("preview %s / %+v", kinds(outs), outs)
	}
	caption, text := outs[1].Msg.Text, outs[2].Msg.Text
	if n := len([]rune(caption)); n > 1024 || !strings.Contains(caption, "Familienzentrum") || strings.Contains(caption, "Laternen") {
		t.Errorf("short caption (%d): %q", n, caption)
	}
	mustContain(t, text, "Wir basteln Laternen.", "Familienzentrum", "/abbestellen")
	outs = e.press(button(t, outs, "v1|s|ok|").Data)
	mustContain(t, texts(outs), "wird an 2 Chats verschickt")
	id := e.broadcasts(t)[0].ID
	var r handlers.Rendition
	if err := json.Unmarshal([]byte(meta(t, e, id, "r:de")), &r); err != nil || r.HTML != caption || r.Text != text {
		t.Errorf("queued rendition %+v, %v", r, err)
	}
	if m := meta(t, e, id, "media"); !strings.Contains(m, `"file_id":"AgACflyer-1"`) {
		t.Errorf("queued media %s", m)
	}
}

// A translation: the staff member adds English; the preview shows both versions
// (the date written out in each language); both are queued.
func TestAnnounceTranslation(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.subscribe(t, "walsrode", 1)
	e.say("/ankuendigung")
	e.say("walsrode")
	outs := e.say("Elterncafé\nDatum: 14.01.2027 15:00\nBis: 17:00")
	outs = e.press(button(t, outs, "v1|s|t|").Data)
	outs = e.press(button(t, outs, "v1|s|t|").Data + "") // the first language offered
	mustContain(t, texts(outs), "English", "Elterncafé")
	outs = e.say("Parents' café")
	all := texts(outs)
	mustContain(t, all, "Donnerstag, 14. Januar 2027, 15:00–17:00 Uhr", "Thursday, 14 January 2027, 15:00–17:00",
		"Parents&#39; café", "Announcement ·", "Fassung für English")
	outs = e.press(button(t, outs, "v1|s|ok|").Data)
	mustContain(t, texts(outs), "wird an 1 Chats verschickt")
	id := e.broadcasts(t)[0].ID
	if langs := meta(t, e, id, "langs"); langs != "de,en" {
		t.Errorf("langs %q", langs)
	}
	var en handlers.Rendition
	_ = json.Unmarshal([]byte(meta(t, e, id, "r:en")), &en)
	if !strings.Contains(en.HTML, "Parents&#39; café") || !strings.Contains(string(en.ICS), "SUMMARY:Parents' café") ||
		en.Remind != "🔔 Remind me" || !strings.Contains(en.Reminder, "Reminder: tomorrow") {
		t.Errorf("English rendition %+v", en)
	}
}

// Send later: the time is asked, the broadcast is scheduled, listed as scheduled
// and can be cancelled; during quiet hours the preview says when it will go.
func TestAnnounceLaterAndQuietHours(t *testing.T) {
	q, _ := broadcast.ParseQuietHours("12:00-14:00", nil) // the test clock says 13:00 in Berlin
	e := newAnnounceEnv(t, broadcast.Options{Quiet: q}, everything)
	e.say("/ankuendigung")
	e.say("walsrode")
	outs := e.say("Flohmarkt")
	mustContain(t, texts(outs), "Jetzt ist Ruhezeit: der Versand beginnt um 14:00 Uhr")
	outs = e.press(button(t, outs, "v1|s|u|").Data)
	mustContain(t, texts(outs), "dringend: wird auch in der Ruhezeit zugestellt")
	mustNotContain(t, texts(outs), "Jetzt ist Ruhezeit")
	outs = e.press(button(t, outs, "v1|s|l|").Data)
	mustContain(t, texts(outs), "Wann soll die Ankündigung verschickt werden")
	outs = e.say("24.11.2026 09:00")
	mustContain(t, texts(outs), "in der Vergangenheit")
	outs = e.say("01.12.2026 09:30")
	mustContain(t, texts(outs), "geplant für Dienstag, 1. Dezember 2026, 09:30 Uhr")
	l := e.broadcasts(t)
	if len(l) != 1 || !l[0].Scheduled || !l[0].Urgent || l[0].SendAt.Format("02.01. 15:04") != "01.12. 08:30" {
		t.Fatalf("broadcasts %+v", l)
	}
	outs = e.say("/ankuendigungen")
	mustContain(t, texts(outs), "geplant", "Versand am 01.12.2026, 09:30")
	outs = e.press(button(t, outs, "v1|s|c|"+l[0].ID).Data)
	mustContain(t, texts(outs), "ist abgesagt")
	if st, _ := e.bc.Status(context.Background(), l[0].ID); !st.Cancelled || st.Scheduled {
		t.Errorf("not cancelled: %+v", st)
	}
}

// Parents: the reminder button switches the reminder on (the notice says when)
// and off; /termine shows the event written out with its buttons; /meinedaten
// lists the reminder; /loeschen forgets it.
func TestReminderButtonAndEvents(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.subscribe(t, "walsrode", e.id)
	e.say("/ankuendigung")
	e.say("walsrode")
	outs := e.say("Laternenumzug\nDatum: 11.12.2026 17:00\nOrt: Schulhof")
	e.press(button(t, outs, "v1|s|ok|").Data)
	id := e.broadcasts(t)[0].ID
	outs = e.press(handlers.RemindCallback(id))
	if len(outs) != 1 || !strings.Contains(outs[0].Callback, "Ich erinnere Sie am Donnerstag, 10. Dezember 2026, 10:00 Uhr") {
		t.Fatalf("reminder on: %+v", outs)
	}
	outs = e.say("/meinedaten")
	mustContain(t, texts(outs), "Erinnerung an Ankündigung Nr. "+id+": am 10.12.2026, 10:00")
	outs = e.press(handlers.RemindCallback(id))
	if len(outs) != 1 || !strings.Contains(outs[0].Callback, "abbestellt") {
		t.Fatalf("reminder off: %+v", outs)
	}
	outs = e.say("/termine")
	mustContain(t, texts(outs), "Freitag, 11. Dezember 2026, 17:00 Uhr", "Schulhof", "Laternenumzug")
	cal := button(t, outs, "v1|i|"+id)
	button(t, outs, "v1|r|"+id)
	outs = e.press(cal.Data)
	if len(outs) != 2 || outs[1].Post == nil || outs[1].Post.Media == nil || !strings.Contains(string(outs[1].Post.Media.Data), "DTSTART:20261211T160000Z") {
		t.Fatalf("calendar file: %s %+v", kinds(outs), outs)
	}
	e.press(handlers.RemindCallback(id))
	outs = e.say("/loeschen")
	e.press(button(t, outs, "v1|x|").Data)
	ex, err := e.bc.ExportChat(context.Background(), e.id)
	if err != nil || ex["Erinnerungen"] != "" {
		t.Errorf("after /loeschen: %v, %v", ex, err)
	}
	if n, _ := e.rdb.ZCard(context.Background(), e.pfx+":rem:due").Result(); n != 0 {
		t.Errorf("%d reminders left after /loeschen", n)
	}
	// A stale or forged reminder button is answered, nothing more.
	outs = e.press(handlers.RemindCallback("99999"))
	if len(outs) != 1 || outs[0].Kind != "callback" || !strings.Contains(outs[0].Callback, "gibt es nicht mehr") {
		t.Errorf("unknown event: %+v", outs)
	}
}

// Correcting or recalling what cannot be changed says why.
func TestAnnounceCorrectRecallRefusals(t *testing.T) {
	e := newStaffEnv(t, everything)
	e.say("/ankuendigung")
	e.say("walsrode")
	outs := e.say("Sommerfest") // nobody subscribed: done at once, nothing delivered
	e.press(button(t, outs, "v1|s|ok|").Data)
	id := e.broadcasts(t)[0].ID
	outs = e.say("/korrigieren " + id)
	mustContain(t, texts(outs), "Korrektur von Ankündigung <b>#"+id, "Sommerfest")
	outs = e.say("Sommerfest, neu")
	mustContain(t, texts(outs), "nach der Korrektur")
	outs = e.press(button(t, outs, "v1|s|ok|").Data)
	mustContain(t, texts(outs), "geht das nicht mehr")
	outs = e.say("/zurueckholen " + id)
	outs = e.press(button(t, outs, "v1|s|ry|").Data)
	mustContain(t, texts(outs), "geht das nicht mehr")
	outs = e.say("/korrigieren abc")
	mustContain(t, texts(outs), "/korrigieren 12")
}
