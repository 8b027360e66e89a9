package handlers

import (
	"errors"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Errors of NormalisePhone.
var (
	// ErrPhoneInvalid: the text is not a phone number that can be dialled.
	ErrPhoneInvalid = errors.New("not a valid phone number")
	// ErrPhoneKind: a valid number nobody can be called back on (a service,
	// premium-rate or toll-free number, a pager).
	ErrPhoneKind = errors.New("not a number to call a person back on")
)

// maxPhoneInput bounds the text taken for a phone number.
const maxPhoneInput = 40

// NormalisePhone reads a phone number as parents write it ("0151 23456789",
// "+49 5161 12345", "0049 (5161) 12345", "05161/12345") or as Telegram shares
// it ("4915123456789", without "+"), with Germany as the default country, and
// returns it in E.164 ("+4915123456789"). Numbers of other countries are
// accepted with their country code (families keep their Ukrainian or Syrian
// numbers). Only numbers of a person (fixed line, mobile, VoIP, personal) pass;
// libphonenumber (github.com/nyaruka/phonenumbers) knows the numbering plans.
func NormalisePhone(s string, shared bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len([]rune(s)) > maxPhoneInput {
		return "", ErrPhoneInvalid
	}
	for _, r := range s {
		// Digits, a leading "+", and the separators people write; anything else
		// (letters, a second number in words) is not a phone number.
		if !unicode.IsDigit(r) && !strings.ContainsRune("+ -/().\u00a0", r) {
			return "", ErrPhoneInvalid
		}
	}
	if shared && !strings.HasPrefix(s, "+") {
		// Telegram shares numbers in international form without the plus.
		s = "+" + s
	}
	n, err := phonenumbers.Parse(s, "DE")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrPhoneInvalid
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE,
		phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER:
	default:
		return "", ErrPhoneKind
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}
