// Package workhours is the teams' working time: weekly windows such as
// "Mo-Fr 08:00-16:00" in Europe/Berlin, and how much of it has passed. Callback
// requests are reminded and escalated after so much working time unclaimed, so
// a request on Friday evening is not escalated on Saturday night.
package workhours

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hours are weekly working windows in one time zone. The zero value is always
// open (no working-hours restriction).
type Hours struct {
	days [7][]window // by time.Weekday
	loc  *time.Location
	text string
}

// window is one working interval of a day, in minutes after midnight.
type window struct{ from, to int }

// Always is open at every moment.
const Always = "always"

// ErrSyntax is wrapped by every error of Parse.
var ErrSyntax = errors.New("working hours")

// dayNames maps German and English day abbreviations to weekdays.
var dayNames = map[string]time.Weekday{
	"mo": time.Monday, "mon": time.Monday, "di": time.Tuesday, "tu": time.Tuesday, "tue": time.Tuesday,
	"mi": time.Wednesday, "we": time.Wednesday, "wed": time.Wednesday, "do": time.Thursday, "th": time.Thursday,
	"thu": time.Thursday, "fr": time.Friday, "fri": time.Friday, "sa": time.Saturday, "sat": time.Saturday,
	"so": time.Sunday, "su": time.Sunday, "sun": time.Sunday,
}

// Parse reads working hours: segments separated by ";", each days and a time
// range, e.g. "Mo-Do 08:00-16:00; Fr 08:00-13:00" (days German or English,
// a single day, a range or a comma list), or "always". loc is the time zone
// of the times (nil: Europe/Berlin).
func Parse(s string, loc *time.Location) (Hours, error) {
	if loc == nil {
		loc = berlin()
	}
	h := Hours{loc: loc, text: strings.TrimSpace(s)}
	if strings.EqualFold(h.text, Always) {
		h.text = Always
		h.loc = nil
		return h, nil
	}
	if h.text == "" {
		return Hours{}, fmt.Errorf("%w: empty; use e.g. Mo-Fr 08:00-16:00, or always", ErrSyntax)
	}
	any := false
	for _, seg := range strings.Split(h.text, ";") {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		sp := strings.LastIndexAny(seg, " \t")
		if sp < 0 {
			return Hours{}, fmt.Errorf("%w: %q needs days and a time range, e.g. Mo-Fr 08:00-16:00", ErrSyntax, seg)
		}
		days, err := parseDays(strings.TrimSpace(seg[:sp]))
		if err != nil {
			return Hours{}, err
		}
		w, err := parseRange(seg[sp+1:])
		if err != nil {
			return Hours{}, err
		}
		for _, d := range days {
			for _, o := range h.days[d] {
				if w.from < o.to && o.from < w.to {
					return Hours{}, fmt.Errorf("%w: %q overlaps another range of %s", ErrSyntax, seg, d)
				}
			}
			h.days[d] = append(h.days[d], w)
			any = true
		}
	}
	if !any {
		return Hours{}, fmt.Errorf("%w: no working time; use e.g. Mo-Fr 08:00-16:00, or always", ErrSyntax)
	}
	for d := range h.days {
		ws := h.days[d]
		for i := 1; i < len(ws); i++ { // few windows: insertion sort by start
			for j := i; j > 0 && ws[j].from < ws[j-1].from; j-- {
				ws[j], ws[j-1] = ws[j-1], ws[j]
			}
		}
	}
	return h, nil
}

// MustParse is Parse for constants; it panics on an error.
func MustParse(s string) Hours {
	h, err := Parse(s, nil)
	if err != nil {
		panic(err)
	}
	return h
}

func parseDays(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		from, to, isRange := strings.Cut(part, "-")
		a, ok := dayNames[strings.TrimSpace(from)]
		if !ok {
			return nil, fmt.Errorf("%w: %q is not a day (Mo Di Mi Do Fr Sa So, or Mon … Sun)", ErrSyntax, from)
		}
		if !isRange {
			out = append(out, a)
			continue
		}
		b, ok := dayNames[strings.TrimSpace(to)]
		if !ok {
			return nil, fmt.Errorf("%w: %q is not a day (Mo Di Mi Do Fr Sa So, or Mon … Sun)", ErrSyntax, to)
		}
		// Weeks start on Monday: Mo-So is the whole week, Sa-Mo wraps.
		for d := mondayIndex(a); ; d = (d + 1) % 7 {
			out = append(out, time.Weekday((d+1)%7))
			if d == mondayIndex(b) {
				break
			}
		}
	}
	return out, nil
}

// mondayIndex counts Monday as 0 and Sunday as 6.
func mondayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

func parseRange(s string) (window, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return window{}, fmt.Errorf("%w: %q is not a time range like 08:00-16:00", ErrSyntax, s)
	}
	from, err1 := parseClock(a)
	to, err2 := parseClock(b)
	if err := errors.Join(err1, err2); err != nil {
		return window{}, err
	}
	if to <= from {
		return window{}, fmt.Errorf("%w: %q ends before it starts (a range cannot cross midnight)", ErrSyntax, s)
	}
	return window{from, to}, nil
}

func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%w: %q is not a time like 08:00", ErrSyntax, s)
	}
	return h*60 + m, nil
}

// String is the hours as parsed ("always" for the zero value).
func (h Hours) String() string {
	if h.loc == nil {
		return Always
	}
	return h.text
}

// IsAlways reports whether every moment is working time.
func (h Hours) IsAlways() bool { return h.loc == nil }

// at is the instant of minute m of the day of t in the hours' zone.
func (h Hours) at(y int, mo time.Month, d, m int) time.Time {
	return time.Date(y, mo, d, m/60, m%60, 0, 0, h.loc)
}

// maxDays bounds the search for working time (a week always has some).
const maxDays = 8

// Open reports whether t is working time.
func (h Hours) Open(t time.Time) bool {
	if h.loc == nil {
		return true
	}
	lt := t.In(h.loc)
	y, mo, d := lt.Date()
	for _, w := range h.days[lt.Weekday()] {
		if !t.Before(h.at(y, mo, d, w.from)) && t.Before(h.at(y, mo, d, w.to)) {
			return true
		}
	}
	return false
}

// Next is t when t is working time, else the start of the next working window.
func (h Hours) Next(t time.Time) time.Time {
	if h.loc == nil {
		return t
	}
	lt := t.In(h.loc)
	y, mo, d := lt.Date()
	for i := 0; i <= maxDays; i++ {
		day := time.Date(y, mo, d+i, 12, 0, 0, 0, h.loc)
		dy, dm, dd := day.Date()
		for _, w := range h.days[day.Weekday()] {
			from, to := h.at(dy, dm, dd, w.from), h.at(dy, dm, dd, w.to)
			if t.Before(to) {
				if t.Before(from) {
					return from
				}
				return t
			}
		}
	}
	return t // unreachable: Parse requires some working time
}

// Add returns the moment when d of working time has passed since t: the
// remaining time runs only within the working windows.
func (h Hours) Add(t time.Time, d time.Duration) time.Time {
	if h.loc == nil || d <= 0 {
		return t.Add(max(d, 0))
	}
	for range 1000 { // each round ends a window or the wait
		t = h.Next(t)
		end := h.windowEnd(t)
		if left := end.Sub(t); d <= left {
			return t.Add(d)
		} else {
			d -= left
			t = end
		}
	}
	return t.Add(d)
}

// windowEnd is the end of the working window t lies in (t must be working time).
func (h Hours) windowEnd(t time.Time) time.Time {
	lt := t.In(h.loc)
	y, mo, d := lt.Date()
	for _, w := range h.days[lt.Weekday()] {
		from, to := h.at(y, mo, d, w.from), h.at(y, mo, d, w.to)
		if !t.Before(from) && t.Before(to) {
			return to
		}
	}
	return t
}

func berlin() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}
