package config

import (
	"slices"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// StaffMembers converts the staff list for handlers.Config.
func (c Config) StaffMembers() []handlers.StaffMember {
	out := make([]handlers.StaffMember, 0, len(c.Staff))
	for _, s := range c.Staff {
		out = append(out, handlers.StaffMember{UserID: s.UserID, All: s.All, Districts: slices.Clone(s.Districts)})
	}
	return out
}
