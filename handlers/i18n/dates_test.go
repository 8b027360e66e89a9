package i18n_test

import (
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

func TestWhen(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 24, 18, 0, 0, 0, loc)
	end := time.Date(2026, 12, 24, 20, 30, 0, 0, loc)
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, loc)
	tests := []struct {
		lang       string
		start, end time.Time
		want       string
	}{
		{"de", start, time.Time{}, "Donnerstag, 24. Dezember 2026, 18:00 Uhr"},
		{"de", start, end, "Donnerstag, 24. Dezember 2026, 18:00–20:30 Uhr"},
		{"en", start, end, "Thursday, 24 December 2026, 18:00–20:30"},
		{"uk", start, time.Time{}, "четвер, 24 грудня 2026 р., 18:00"},
		{"ar", start, time.Time{}, "الخميس، 24 ديسمبر 2026, 18:00"},
		{"tr", start, time.Time{}, "24 Aralık 2026 Perşembe, 18:00"},
		{"de", day, time.Time{}, "Montag, 1. März 2027"},
		{"tr", day, time.Time{}, "1 Mart 2027 Pazartesi"},
		{"de", day, day.AddDate(0, 0, 2), "Montag, 1. März 2027 – Mittwoch, 3. März 2027"},
		{"en", start, start.AddDate(0, 0, 1), "Thursday, 24 December 2026, 18:00 – Friday, 25 December 2026, 18:00"},
		{"fr", start, time.Time{}, "Donnerstag, 24. Dezember 2026, 18:00 Uhr"}, // German for others
		// The zone decides the day: 23:30 UTC is already the next day in Berlin.
		{"de", time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), time.Time{}, "Mittwoch, 1. Juli 2026, 01:30 Uhr"},
	}
	for _, tt := range tests {
		if got := i18n.When(tt.lang, tt.start, tt.end, loc); got != tt.want {
			t.Errorf("When(%s, %v, %v) = %q, want %q", tt.lang, tt.start, tt.end, got, tt.want)
		}
	}
}
