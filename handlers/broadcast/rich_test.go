package broadcast_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/broadcast"
	"github.com/heidekreis/sozialraumbot/handlers/ical"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// fastOpts are quick settings against the fake API.
func fastOpts() broadcast.Options {
	return broadcast.Options{Rate: 500, PerChatInterval: 20 * time.Millisecond, MaxAttempts: 3,
		Backoff: 10 * time.Millisecond, ClaimIdle: time.Second, Workers: 4, Logger: quiet(), Tick: 20 * time.Millisecond}
}

// langSubs is a fixed subscription list that also knows each chat's language.
type langSubs struct {
	subs
	langs map[int64]string
}

func (l *langSubs) Languages(_ context.Context, chats []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, c := range chats {
		if v, ok := l.langs[c]; ok {
			out[c] = v
		}
	}
	return out, nil
}

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// richAnnouncement has a flyer, a venue and a calendar file, in German and English.
func richAnnouncement(t testing.TB, media *handlers.Media) handlers.Announcement {
	t.Helper()
	when := time.Date(2027, 1, 14, 15, 0, 0, 0, berlin(t))
	rend := map[string]handlers.Rendition{}
	for _, lang := range []string{"de", "en"} {
		b, err := ical.Make(ical.Event{UID: "srb-test@x", Summary: "Elterncafé " + lang, Start: when,
			End: when.Add(2 * time.Hour), Location: "Familienzentrum", Stamp: when.AddDate(0, -1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		rend[lang] = handlers.Rendition{HTML: "<b>Elterncafé</b> " + lang, Remind: "🔔 " + lang, ICS: b,
			ICSName: "termin.ics", ICSCaption: "📅 " + lang, Reminder: "⏰ morgen " + lang}
	}
	return handlers.Announcement{Districts: []string{"walsrode"}, Text: "Elterncafé", When: when, Where: "Familienzentrum",
		Media: media, Venue: &handlers.Venue{Lat: 52.8617, Lon: 9.5934, Title: "Familienzentrum", Address: "Am Markt 1, Walsrode"},
		Renditions: rend, SenderID: 1, SenderChat: staffChat}
}

func startWorkers(t *testing.T, r broadcast.Sender, services ...*broadcast.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Go(func() { _ = s.Run(ctx, r) })
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// A flyer (photo) or a PDF (document) broadcast: every recipient gets the media
// with the caption of their language and the reminder button, then the venue,
// then the calendar file – uploaded once (multipart), then sent by its file_id –
// exactly once each, in this order; the .ics parses back to the event.
func TestMediaBroadcasts(t *testing.T) {
	for _, tt := range []struct {
		name, method, field string
		media               handlers.Media
	}{
		{"photo", "sendPhoto", "photo", handlers.Media{Kind: handlers.MediaPhoto, FileID: "AgACAgIAAxkBAAIBflyer"}},
		{"document", "sendDocument", "document", handlers.Media{Kind: handlers.MediaDocument, FileID: "BQACAgIAAxkBAAIBpdf", Name: "flyer.pdf"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			api := fakeapi.Start(t)
			chats := []int64{101, 102, 103, 104}
			s := &langSubs{subs: subs{chats: chats, unsub: make(chan int64, 4)}, langs: map[int64]string{102: "en", 104: "tr"}}
			prefix := redistest.Prefix(t)
			a := broadcast.New(redistest.Client(t), prefix, s, fastOpts())
			b := broadcast.New(redistest.Client(t), prefix, s, fastOpts())
			startWorkers(t, sender(t, api), a, b)
			m := tt.media
			id, n, err := a.Start(ctx, richAnnouncement(t, &m))
			if err != nil || n != 4 {
				t.Fatalf("Start = %d, %v", n, err)
			}
			if _, err := api.WaitFunc(4, time.Minute, func(r fakeapi.Request) bool {
				return r.Method == "sendDocument" && r.Params["document"] != tt.media.FileID
			}); err != nil {
				t.Fatal(err)
			}
			waitReport(t, api)
			uploads := 0
			for _, c := range chats {
				lang := "de"
				if c == 102 {
					lang = "en"
				}
				got := api.ChatRequests(c)
				var methods []string
				for _, r := range got {
					if r.Status != http.StatusOK {
						t.Errorf("chat %d: %s failed: %d", c, r.Method, r.Status)
					}
					methods = append(methods, r.Method)
				}
				want := []string{tt.method, "sendVenue", "sendDocument"}
				if !slices.Equal(methods, want) {
					t.Fatalf("chat %d got %v, want %v", c, methods, want)
				}
				main := got[0]
				if main.Params[tt.field] != tt.media.FileID || main.Params["caption"] != "<b>Elterncafé</b> "+lang ||
					main.Params["parse_mode"] != "HTML" {
					t.Errorf("chat %d main message %v", c, main.Params)
				}
				if want := `{"inline_keyboard":[[{"text":"🔔 ` + lang + `","callback_data":"v1|r|` + id + `"}]]}`; main.Params["reply_markup"] != want {
					t.Errorf("chat %d buttons %s, want %s", c, main.Params["reply_markup"], want)
				}
				if v := got[1].Params; v["latitude"] != "52.8617" || v["title"] != "Familienzentrum" || v["address"] != "Am Markt 1, Walsrode" {
					t.Errorf("venue %v", v)
				}
				doc := got[2]
				if doc.Params["caption"] != "📅 "+lang {
					t.Errorf("calendar caption %q", doc.Params["caption"])
				}
				if content, ok := doc.Files["document"]; ok {
					uploads++
					if doc.Params["document"] != "file:termin.ics" {
						t.Errorf("upload named %q", doc.Params["document"])
					}
					cal, err := ics.ParseCalendar(bytes.NewReader(content))
					if err != nil {
						t.Fatalf("the uploaded .ics does not parse: %v", err)
					}
					ev := cal.Events()[0]
					start, err := ev.GetStartAt()
					if err != nil || !start.Equal(time.Date(2027, 1, 14, 14, 0, 0, 0, time.UTC)) {
						t.Errorf("DTSTART %v, %v", start, err)
					}
					if p := ev.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Elterncafé "+lang {
						t.Errorf("SUMMARY %v", p)
					}
				} else if !strings.HasPrefix(doc.Params["document"], "fake-file-") {
					t.Errorf("chat %d: calendar file neither uploaded nor by file_id: %q", c, doc.Params["document"])
				}
			}
			// One upload per language; everybody else got the file_id (two
			// replicas may race for the first upload of a language).
			if uploads != 2 {
				t.Errorf("%d uploads of the calendar file, want one per language (2)", uploads)
			}
			st, _ := a.Status(ctx, id)
			if st.Delivered != 4 || !st.Done {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// waitReport waits for the delivery report to the staff chat.
func waitReport(t *testing.T, api *fakeapi.Server) fakeapi.Request {
	t.Helper()
	r, err := api.WaitFunc(1, time.Minute, func(r fakeapi.Request) bool { return r.ChatID == staffChat && r.Status == http.StatusOK })
	if err != nil {
		t.Fatal(err)
	}
	return r[len(r)-1]
}

var _ = strconv.Itoa
