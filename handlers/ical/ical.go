// Package ical makes the calendar file (.ics, RFC 5545) of an announced event,
// with github.com/arran4/golang-ical. Times are written in UTC ("...Z"), which
// every calendar shows in the phone's own time zone; a date without time is an
// all-day event.
package ical

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Event is one calendar entry.
type Event struct {
	UID         string    // unique and stable, e.g. "bc-12@sozialraumbot.heidekreis"
	Summary     string    // the title, plain text
	Description string    // plain text
	Location    string    // the place, plain text
	Start       time.Time // required
	End         time.Time // optional
	AllDay      bool      // Start (and End) are dates
	Lat, Lon    float64   // the place's coordinates when Geo is set
	Geo         bool
	Stamp       time.Time // when the file was made (DTSTAMP)
}

// Make renders the event as an iCalendar file.
func Make(e Event) ([]byte, error) {
	if e.Start.IsZero() || e.UID == "" {
		return nil, errors.New("ical: an event needs a start and a UID")
	}
	cal := ics.NewCalendarFor("Sozialraumbot Heidekreis")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(e.UID)
	ev.SetDtStampTime(e.Stamp)
	if e.AllDay {
		ev.SetAllDayStartAt(e.Start)
		end := e.End
		if end.IsZero() || !end.After(e.Start) {
			end = e.Start
		}
		y, m, d := end.Date()
		ev.SetAllDayEndAt(time.Date(y, m, d+1, 0, 0, 0, 0, end.Location())) // DTEND of a date is exclusive
	} else {
		ev.SetStartAt(e.Start)
		if !e.End.IsZero() && e.End.After(e.Start) {
			ev.SetEndAt(e.End)
		}
	}
	ev.SetSummary(oneLine(e.Summary))
	if e.Description != "" {
		ev.SetDescription(e.Description)
	}
	if e.Location != "" {
		ev.SetLocation(oneLine(e.Location))
	}
	if e.Geo {
		ev.SetGeo(e.Lat, e.Lon)
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLine("\r\n")); err != nil { // RFC 5545: CRLF
		return nil, fmt.Errorf("ical: %w", err)
	}
	return b.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
