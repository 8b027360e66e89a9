package i18n

import (
	"fmt"
	"time"
)

// dateNames are the weekday (Sunday first) and month names of a language, the
// months in the form used after a day number (Ukrainian genitive).
type dateNames struct {
	weekdays [7]string
	months   [12]string
}

// names holds the date words of every supported language (CLDR wide forms).
var names = map[string]dateNames{
	"de": {
		[7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		[12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	},
	"en": {
		[7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		[12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	},
	"uk": {
		[7]string{"неділя", "понеділок", "вівторок", "середа", "четвер", "пʼятниця", "субота"},
		[12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
	},
	"ar": {
		[7]string{"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"},
		[12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
	},
	"tr": {
		[7]string{"Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"},
		[12]string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"},
	},
}

// Date writes a day out in lang: "Donnerstag, 24. Dezember 2026",
// "Thursday, 24 December 2026", "четвер, 24 грудня 2026 р.",
// "الخميس، 24 ديسمبر 2026", "24 Aralık 2026 Perşembe".
func Date(lang string, t time.Time) string {
	lang = Match(lang)
	n := names[lang]
	wd, d, m, y := n.weekdays[t.Weekday()], t.Day(), n.months[t.Month()-1], t.Year()
	switch lang {
	case "en":
		return fmt.Sprintf("%s, %d %s %d", wd, d, m, y)
	case "uk":
		return fmt.Sprintf("%s, %d %s %d р.", wd, d, m, y)
	case "ar":
		return fmt.Sprintf("%s، %d %s %d", wd, d, m, y)
	case "tr":
		return fmt.Sprintf("%d %s %d %s", d, m, y, wd)
	}
	return fmt.Sprintf("%s, %d. %s %d", wd, d, m, y)
}

// Clock writes a time of day in lang: "18:00 Uhr", "18:00", ...
func Clock(lang string, t time.Time) string {
	if Match(lang) == "de" {
		return t.Format("15:04") + " Uhr"
	}
	return t.Format("15:04")
}

// When writes an event's time out in lang, in loc: the date, and the time unless
// it is midnight (a date without time); with an end, the range ("18:00–20:00
// Uhr" on one day, else both dates).
func When(lang string, start, end time.Time, loc *time.Location) string {
	start = start.In(loc)
	allDay := start.Hour() == 0 && start.Minute() == 0
	s := Date(lang, start)
	if end.IsZero() || !end.After(start) {
		if allDay {
			return s
		}
		return s + ", " + Clock(lang, start)
	}
	end = end.In(loc)
	sameDay := end.YearDay() == start.YearDay() && end.Year() == start.Year()
	switch {
	case sameDay && !allDay:
		return s + ", " + start.Format("15:04") + "–" + Clock(lang, end)
	case allDay && end.Hour() == 0 && end.Minute() == 0:
		return s + " – " + Date(lang, end)
	case allDay:
		return s + " – " + Date(lang, end) + ", " + Clock(lang, end)
	}
	return s + ", " + Clock(lang, start) + " – " + Date(lang, end) + ", " + Clock(lang, end)
}
