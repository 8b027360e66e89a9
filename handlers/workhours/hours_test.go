package workhours_test

import (
	"errors"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/workhours"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAdd(t *testing.T) {
	week := workhours.MustParse("Mo-Fr 08:00-16:00")
	split := workhours.MustParse("Mo-Do 08:00-12:00; Mo-Do 13:00-16:00; Fr 08:00-13:00")
	tests := []struct {
		name  string
		h     workhours.Hours
		start string
		d     time.Duration
		want  string
	}{
		{"within the day", week, "2026-12-01 09:00", 2 * time.Hour, "2026-12-01 11:00"}, // a Tuesday
		{"before opening", week, "2026-12-01 06:30", 2 * time.Hour, "2026-12-01 10:00"},
		{"across the evening", week, "2026-12-01 15:00", 2 * time.Hour, "2026-12-02 09:00"},
		{"Friday evening to Monday", week, "2026-12-04 17:00", 2 * time.Hour, "2026-12-07 10:00"},
		{"Friday afternoon over the weekend", week, "2026-12-04 15:30", 2 * time.Hour, "2026-12-07 09:30"},
		{"Saturday", week, "2026-12-05 11:00", time.Hour, "2026-12-07 09:00"},
		{"exactly the window", week, "2026-12-01 08:00", 8 * time.Hour, "2026-12-01 16:00"},
		{"lunch break", split, "2026-12-01 11:00", 2 * time.Hour, "2026-12-01 14:00"},
		{"short Friday", split, "2026-12-04 12:00", 2 * time.Hour, "2026-12-07 09:00"},
		{"several days", week, "2026-12-01 08:00", 20 * time.Hour, "2026-12-03 12:00"},
		{"always", workhours.Hours{}, "2026-12-05 23:00", 2 * time.Hour, "2026-12-06 01:00"},
		// 29 March 2026: clocks go forward at 02:00 in Berlin; working time is elapsed time (3 h after midnight is 04:00 CEST).
		{"across the DST change", workhours.MustParse("Sa-So 00:00-24:00"), "2026-03-28 23:00", 4 * time.Hour, "2026-03-29 04:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.h.Add(at(tc.start), tc.d)
			if want := at(tc.want); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.start, tc.d, got.In(berlin), want)
			}
		})
	}
}

func TestOpenAndNext(t *testing.T) {
	h := workhours.MustParse("Mo-Fr 08:00-16:00")
	tests := []struct {
		t    string
		open bool
		next string
	}{
		{"2026-12-01 08:00", true, "2026-12-01 08:00"},
		{"2026-12-01 15:59", true, "2026-12-01 15:59"},
		{"2026-12-01 16:00", false, "2026-12-02 08:00"},
		{"2026-12-05 10:00", false, "2026-12-07 08:00"},
	}
	for _, tc := range tests {
		if got := h.Open(at(tc.t)); got != tc.open {
			t.Errorf("Open(%s) = %v", tc.t, got)
		}
		if got := h.Next(at(tc.t)); !got.Equal(at(tc.next)) {
			t.Errorf("Next(%s) = %s, want %s", tc.t, got.In(berlin), tc.next)
		}
	}
}

func TestParse(t *testing.T) {
	good := []string{"Mo-Fr 08:00-16:00", "mon-fri 8:00-16:00", "Mo,Mi,Fr 09:00-12:00", "Sa-Mo 10:00-11:00",
		"Mo-Do 08:00-16:00; Fr 08:00-13:00", "always", "ALWAYS", "So 00:00-24:00"}
	for _, s := range good {
		if _, err := workhours.Parse(s, nil); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	bad := []string{"", "Mo-Fr", "08:00-16:00", "Xy 08:00-16:00", "Mo-Fr 16:00-08:00", "Mo-Fr 08:00-25:00",
		"Mo-Fr 8-16", "Mo 08:00-12:00; Mo 11:00-13:00", ";", "Mo-Fr 08:60-09:00"}
	for _, s := range bad {
		if _, err := workhours.Parse(s, nil); !errors.Is(err, workhours.ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want a syntax error", s, err)
		}
	}
	h := workhours.MustParse("Sa-Mo 10:00-11:00")
	for _, d := range []string{"2026-12-05 10:30", "2026-12-06 10:30", "2026-12-07 10:30"} {
		if !h.Open(at(d)) {
			t.Errorf("Sa-Mo: %s should be open", d)
		}
	}
	if h.Open(at("2026-12-08 10:30")) {
		t.Error("Sa-Mo: Tuesday should be closed")
	}
}
