package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers/workhours"
)

// Callbacks configures callback requests ("📞 Rückruf erbitten"): where each
// district's requests go, when an unclaimed one is reminded and escalated, and
// how long a request is kept.
//
//	callbacks:
//	  routes:
//	    - {district: walsrode, chat_id: -1001234567890}   # the team's Telegram group
//	    - {district: soltau-wietzendorf, staff: true}     # the district's staff, privately
type Callbacks struct {
	// RemindAfter is the working time a request may wait unclaimed before the
	// team is reminded (once).
	RemindAfter time.Duration `env:"CALLBACK_REMIND_AFTER" yaml:"remind_after"`
	// EscalateAfter is the working time after which an unclaimed request goes
	// to the staff with all: true.
	EscalateAfter time.Duration `env:"CALLBACK_ESCALATE_AFTER" yaml:"escalate_after"`
	// WorkingHours are the teams' working hours (Europe/Berlin), e.g.
	// "Mo-Fr 08:00-16:00" or "Mo-Do 08:00-16:00; Fr 08:00-13:00", or "always".
	WorkingHours string `env:"CALLBACK_WORKING_HOURS" yaml:"working_hours"`
	// KeepDays is how many days a request is kept after "Erledigt" or "Nicht erreicht".
	KeepDays int `env:"CALLBACK_KEEP_DAYS" yaml:"keep_days"`
	// MaxAge is the longest life of any request.
	MaxAge time.Duration `env:"CALLBACK_MAX_AGE" yaml:"max_age"`
	// DailyCap is how many requests one chat may send per day.
	DailyCap int `env:"CALLBACK_DAILY_CAP" yaml:"daily_cap"`
	// Routes say where each district's requests go; a district without a route
	// offers no callback request. File only.
	Routes []CallbackRoute `env:"-" yaml:"routes"`
}

// CallbackRoute is where one district's requests go: a Telegram group of the
// district's team (ChatID, negative), or (Staff) the staff members who have the
// district in their list, each privately.
type CallbackRoute struct {
	District string `yaml:"district"`
	ChatID   int64  `yaml:"chat_id"`
	Staff    bool   `yaml:"staff"`
}

// Limits of the callback settings.
const (
	MinCallbackRemind = 10 * time.Minute
	MaxCallbackRemind = 72 * time.Hour
	MaxCallbackKeep   = 90 // days
	MaxCallbackAge    = 90 * 24 * time.Hour
	MaxCallbackCap    = 20
)

func defaultCallbacks() Callbacks {
	return Callbacks{RemindAfter: defaults.CallbackRemindAfter, EscalateAfter: defaults.CallbackEscalateAfter,
		WorkingHours: "Mo-Fr 08:00-16:00", KeepDays: defaults.CallbackKeepDays, MaxAge: defaults.CallbackMaxAge,
		DailyCap: defaults.CallbackDailyCap}
}

// Hours parses the working hours (validated by Load).
func (c Callbacks) Hours() workhours.Hours {
	h, err := workhours.Parse(c.WorkingHours, nil)
	if err != nil {
		return workhours.MustParse(defaultCallbacks().WorkingHours)
	}
	return h
}

func (c *Config) validateCallbacks(p *problems) {
	cb := c.Callbacks
	if cb.RemindAfter < MinCallbackRemind || cb.RemindAfter > MaxCallbackRemind {
		p.add("CALLBACK_REMIND_AFTER (callbacks.remind_after)", "is %s; use %s to %s of working time", cb.RemindAfter, MinCallbackRemind, MaxCallbackRemind)
	}
	if cb.EscalateAfter <= cb.RemindAfter || cb.EscalateAfter > 2*MaxCallbackRemind {
		p.add("CALLBACK_ESCALATE_AFTER (callbacks.escalate_after)", "is %s; use more than CALLBACK_REMIND_AFTER (%s) and at most %s", cb.EscalateAfter, cb.RemindAfter, 2*MaxCallbackRemind)
	}
	if _, err := workhours.Parse(cb.WorkingHours, nil); err != nil {
		p.wrap("CALLBACK_WORKING_HOURS (callbacks.working_hours)", fmt.Sprintf("is %q", cb.WorkingHours), err)
	}
	if cb.KeepDays < 1 || cb.KeepDays > MaxCallbackKeep {
		p.add("CALLBACK_KEEP_DAYS (callbacks.keep_days)", "is %d; use 1 to %d days", cb.KeepDays, MaxCallbackKeep)
	}
	if cb.MaxAge < 24*time.Hour || cb.MaxAge > MaxCallbackAge || cb.MaxAge < time.Duration(cb.KeepDays)*24*time.Hour {
		p.add("CALLBACK_MAX_AGE (callbacks.max_age)", "is %s; use 24h to %s, and at least CALLBACK_KEEP_DAYS (%d days)", cb.MaxAge, MaxCallbackAge, cb.KeepDays)
	}
	if cb.DailyCap < 1 || cb.DailyCap > MaxCallbackCap {
		p.add("CALLBACK_DAILY_CAP (callbacks.daily_cap)", "is %d; use 1 to %d requests per chat and day", cb.DailyCap, MaxCallbackCap)
	}
	seen := map[string]int{}
	for i, r := range cb.Routes {
		at := fmt.Sprintf("callbacks.routes[%d]", i)
		if !slugRE.MatchString(r.District) {
			p.add(at+".district", "%q is not a district id like walsrode", r.District)
		} else if j, dup := seen[r.District]; dup {
			p.add(at+".district", "%q has two routes (also callbacks.routes[%d]); give each district one", r.District, j)
		} else {
			seen[r.District] = i
		}
		switch {
		case r.Staff && r.ChatID != 0:
			p.add(at, "has both chat_id and staff: true; use one")
		case !r.Staff && r.ChatID == 0:
			p.add(at, "has neither chat_id (the team's Telegram group) nor staff: true")
		case r.ChatID > 0:
			p.add(at+".chat_id", "is %d; a Telegram group's id is negative (e.g. -1001234567890); for staff privately use staff: true", r.ChatID)
		}
	}
}

// checkCallbackRoutes checks the routes against the directory's districts and
// the staff list: a route to the staff needs a staff member with the district
// in their list.
func (c Config) checkCallbackRoutes(valid []string, p *problems) {
	for i, r := range c.Callbacks.Routes {
		at := fmt.Sprintf("callbacks.routes[%d]", i)
		if !slices.Contains(valid, r.District) {
			p.add(at+".district", "%q is not a district of the directory; known: %s", r.District, strings.Join(valid, ", "))
			continue
		}
		if r.Staff && !slices.ContainsFunc(c.Staff, func(s Staff) bool { return slices.Contains(s.Districts, r.District) }) {
			p.add(at, "sends %s's requests to its staff, but no staff member has %s in their districts", r.District, r.District)
		}
	}
}
