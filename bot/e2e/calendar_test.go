package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/ical"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// The calendar file of an announced event (the 📅 button in /termine) is
// uploaded once; after that it is sent by the file_id Telegram gave it,
// although the conversation's replies go out through the outbox, after the
// conversation returned.
func TestCalendarFileUploadedOnce(t *testing.T) {
	rdb, prefix := redistest.Client(t), redistest.Prefix(t)
	var bc *broadcast.Service // no worker runs
	w := start(t, config{rdb: rdb, prefix: prefix, hc: func(c *handlers.Config) {
		bc = broadcast.New(rdb, prefix, redisstore.New(rdb, prefix), broadcast.Options{Logger: c.Logger})
		c.Broadcaster = bc
	}})
	when := time.Now().AddDate(0, 0, 10).Truncate(time.Hour)
	ics, err := ical.Make(ical.Event{UID: "srb-e2e@x", Summary: "Laternenumzug", Start: when, Stamp: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	// Nobody subscribed: the broadcast is done at once and no worker ever
	// uploaded the calendar file.
	id, _, err := bc.Start(context.Background(), handlers.Announcement{
		Districts: []string{"walsrode"}, Text: "Laternenumzug", HTML: "Laternenumzug", When: when,
		Renditions: map[string]handlers.Rendition{"de": {HTML: "Laternenumzug", ICS: ics, ICSName: "termin.ics", ICSCaption: "📅 Laternenumzug"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.step(fakeapi.TextUpdate(chat, "de", "Walsrode")) // the chat's district
	termine := w.step(fakeapi.TextUpdate(chat, "de", "/termine"))
	if len(termine) != 1 || !strings.Contains(termine[0].Params["reply_markup"], `"v1|i|`+id+`"`) {
		t.Fatalf("/termine without the calendar button: %s %v", methods(termine), termine)
	}
	list, err := termine[0].Message()
	if err != nil {
		t.Fatal(err)
	}
	var docs []fakeapi.Request
	for range 2 {
		for _, r := range w.step(fakeapi.CallbackUpdate(chat, list.MessageID, "v1|i|"+id)) {
			if r.Method == "sendDocument" {
				docs = append(docs, r)
			}
		}
	}
	if len(docs) != 2 {
		t.Fatalf("%d calendar files sent for two presses", len(docs))
	}
	first, err := docs[0].Message()
	if err != nil || first.Document == nil || len(docs[0].Files) == 0 {
		t.Fatalf("first press: not an upload (%v, files %d)", err, len(docs[0].Files))
	}
	if got := docs[1].Params["document"]; got != first.Document.FileID || len(docs[1].Files) != 0 {
		t.Errorf("second press sent document %q with %d uploads; want the file_id %q of the first",
			got, len(docs[1].Files), first.Document.FileID)
	}
}
