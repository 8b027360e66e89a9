package handlers_test

import (
	"errors"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers"
)

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		in     string
		shared bool
		want   string
		err    error
	}{
		{"0151 23456789", false, "+4915123456789", nil},
		{"015123456789", false, "+4915123456789", nil},
		{"+49 151 23456789", false, "+4915123456789", nil},
		{"0049 151 23456789", false, "+4915123456789", nil},
		{"0049 (5161) 12345", false, "+49516112345", nil},
		{"05161/12345", false, "+49516112345", nil},
		{"(05162) 985573", false, "+495162985573", nil},
		{"0162-2084780", false, "+491622084780", nil},
		{"05191 1234-56", false, "+495191123456", nil},
		{"+380 67 123 4567", false, "+380671234567", nil}, // a Ukrainian mobile
		{"4915123456789", true, "+4915123456789", nil},    // as Telegram shares it
		{"+4915123456789", true, "+4915123456789", nil},
		{"12345", false, "", handlers.ErrPhoneInvalid},
		{"110", false, "", handlers.ErrPhoneInvalid},
		{"0151 2345", false, "", handlers.ErrPhoneInvalid},
		{"01512345678901234", false, "", handlers.ErrPhoneInvalid},
		{"ruf mich an", false, "", handlers.ErrPhoneInvalid},
		{"0151 23456789 oder 05161 12345", false, "", handlers.ErrPhoneInvalid},
		{"", false, "", handlers.ErrPhoneInvalid},
		{"0900 1234567", false, "", handlers.ErrPhoneKind}, // premium rate
		{"0800 1110111", false, "", handlers.ErrPhoneKind}, // toll free
		{"0180 5123456", false, "", handlers.ErrPhoneKind}, // shared cost
	}
	for _, tc := range tests {
		got, err := handlers.NormalisePhone(tc.in, tc.shared)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("NormalisePhone(%q, %v) = %q, %v; want %q, %v", tc.in, tc.shared, got, err, tc.want, tc.err)
		}
	}
}
