package main

import (
	"slices"

	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// staffMembers converts the configured staff list for handlers.Config.
func staffMembers(staff []config.Staff) []handlers.StaffMember {
	out := make([]handlers.StaffMember, 0, len(staff))
	for _, s := range staff {
		out = append(out, handlers.StaffMember{UserID: s.UserID, All: s.All, Districts: slices.Clone(s.Districts)})
	}
	return out
}
