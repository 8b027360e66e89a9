package main

import (
	"slices"
	"testing"

	"github.com/heidekreis/sozialraumbot/config"
)

func TestStaffMembers(t *testing.T) {
	staff := []config.Staff{
		{UserID: 111, Name: "Anna", Districts: []string{"walsrode", "munster-bispingen"}},
		{UserID: 222, Name: "Jugendamt", All: true},
	}
	got := staffMembers(staff)
	if len(got) != 2 || got[0].UserID != 111 || got[0].All || !slices.Equal(got[0].Districts, staff[0].Districts) ||
		got[1].UserID != 222 || !got[1].All || len(got[1].Districts) != 0 {
		t.Fatalf("staffMembers = %+v", got)
	}
	got[0].Districts[0] = "changed"
	if staff[0].Districts[0] != "walsrode" {
		t.Error("the conversation's staff list shares its districts with the configuration")
	}
}
