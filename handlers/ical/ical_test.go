package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/heidekreis/sozialraumbot/handlers/ical"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The file parses back with the same library, and its times are the same
// instants as the event's, whatever the zone of the machine.
func TestMakeParsesBack(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		name   string
		ev     ical.Event
		starts string // DTSTART as written
		ends   string
	}{
		{"winter evening", ical.Event{Start: time.Date(2026, 12, 24, 18, 0, 0, 0, loc), End: time.Date(2026, 12, 24, 20, 30, 0, 0, loc)},
			"20261224T170000Z", "20261224T193000Z"},
		{"summer, no end", ical.Event{Start: time.Date(2027, 7, 1, 9, 15, 0, 0, loc)}, "20270701T071500Z", ""},
		{"all day", ical.Event{Start: time.Date(2027, 3, 28, 0, 0, 0, 0, loc), AllDay: true}, "20270328", "20270329"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.ev
			e.UID, e.Summary, e.Location = "bc-7@test", "Elterncafé, mit Kuchen; und mehr", "Gemeindehaus\nAm Markt 1"
			e.Description = "Zeile 1\nZeile 2, mit Komma"
			e.Stamp = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			e.Geo, e.Lat, e.Lon = true, 52.86, 9.59
			b, err := ical.Make(e)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte("\r\n")) || !strings.HasPrefix(string(b), "BEGIN:VCALENDAR") {
				t.Fatalf("not an iCalendar file:\n%s", b)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, b)
			}
			evs := cal.Events()
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			ev := evs[0]
			if got := ev.GetProperty(ics.ComponentPropertyDtStart).Value; got != tt.starts {
				t.Errorf("DTSTART %s, want %s", got, tt.starts)
			}
			if p := ev.GetProperty(ics.ComponentPropertyDtEnd); (p == nil) != (tt.ends == "") || (p != nil && p.Value != tt.ends) {
				t.Errorf("DTEND %v, want %q", p, tt.ends)
			}
			if e.AllDay {
				got, err := ev.GetAllDayStartAt()
				if err != nil || got.Format("2006-01-02") != "2027-03-28" {
					t.Errorf("all-day start %v, %v", got, err)
				}
			} else {
				got, err := ev.GetStartAt()
				if err != nil || !got.Equal(e.Start) {
					t.Errorf("start %v, %v; want %v", got, err, e.Start)
				}
			}
			for prop, want := range map[ics.ComponentProperty]string{
				ics.ComponentPropertySummary:     "Elterncafé, mit Kuchen; und mehr",
				ics.ComponentPropertyLocation:    "Gemeindehaus Am Markt 1",
				ics.ComponentPropertyDescription: "Zeile 1\nZeile 2, mit Komma",
				ics.ComponentPropertyUniqueId:    "bc-7@test",
			} {
				if p := ev.GetProperty(prop); p == nil || p.Value != want {
					t.Errorf("%s = %v, want %q", prop, p, want)
				}
			}
			if p := ev.GetProperty(ics.ComponentPropertyGeo); p == nil || p.Value != "52.86;9.59" {
				t.Errorf("GEO = %v", p)
			}
		})
	}
}

func TestMakeNeedsStart(t *testing.T) {
	if _, err := ical.Make(ical.Event{UID: "x"}); err == nil {
		t.Error("an event without start must be refused")
	}
}
