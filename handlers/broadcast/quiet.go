package broadcast

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// QuietHours is the daily time window in which announcements are not delivered
// (urgent ones excepted): From until To in the time zone Loc, e.g. 20:00–08:00.
// From == To (also the zero value) means no quiet hours.
type QuietHours struct {
	From, To time.Duration // time of day, since midnight
	Loc      *time.Location
}

// ParseQuietHours reads "20:00-08:00" (also with "–"); "" and "off" mean none.
func ParseQuietHours(s string, loc *time.Location) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") {
		return QuietHours{Loc: loc}, nil
	}
	from, to, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q: want FROM-TO like 20:00-08:00, or off", s)
	}
	f, err := parseClock(from)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	t, err := parseClock(to)
	if err != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: %w", s, err)
	}
	if f == t {
		return QuietHours{}, fmt.Errorf("quiet hours %q: start and end are the same; use off for none", s)
	}
	return QuietHours{From: f, To: t, Loc: loc}, nil
}

func parseClock(s string) (time.Duration, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day like 20:00", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// Off reports whether there are no quiet hours.
func (q QuietHours) Off() bool { return q.From == q.To }

// String renders the window as "20:00–08:00", or "off".
func (q QuietHours) String() string {
	if q.Off() {
		return "off"
	}
	c := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return c(q.From) + "–" + c(q.To)
}

func (q QuietHours) loc() *time.Location {
	if q.Loc == nil {
		return time.UTC
	}
	return q.Loc
}

// clock is t's time of day in the window's zone.
func (q QuietHours) clock(t time.Time) time.Duration {
	t = t.In(q.loc())
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
}

// In reports whether t lies in the quiet hours.
func (q QuietHours) In(t time.Time) bool {
	if q.Off() {
		return false
	}
	c := q.clock(t)
	if q.From < q.To {
		return c >= q.From && c < q.To
	}
	return c >= q.From || c < q.To // over midnight
}

// End is when the quiet hours around t end (t itself when t is not in them).
func (q QuietHours) End(t time.Time) time.Time {
	if !q.In(t) {
		return t
	}
	lt := t.In(q.loc())
	y, m, d := lt.Date()
	end := time.Date(y, m, d, int(q.To/time.Hour), int(q.To%time.Hour/time.Minute), 0, 0, q.loc())
	if !end.After(t) {
		end = time.Date(y, m, d+1, int(q.To/time.Hour), int(q.To%time.Hour/time.Minute), 0, 0, q.loc())
	}
	return end
}
