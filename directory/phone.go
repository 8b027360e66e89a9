package directory

import (
	"fmt"
	"strings"
)

// normalisePhone turns a German number as published ("(05193) 975-604",
// "0151-12866299", "+49 5193 975604") into E.164 ("+495193975604").
func normalisePhone(published string) (string, error) {
	s := strings.TrimSpace(published)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrBadPhone)
	}
	var digits strings.Builder
	international := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			international = true
		case r == ' ' || r == '-' || r == '/' || r == '(' || r == ')' || r == '.':
		default:
			return "", fmt.Errorf("%w: %q has the character %q", ErrBadPhone, published, r)
		}
	}
	d := digits.String()
	switch {
	case international:
		if !strings.HasPrefix(d, "49") {
			return "", fmt.Errorf("%w: %q is not a German number", ErrBadPhone, published)
		}
		d = d[2:]
	case strings.HasPrefix(d, "0049"):
		d = d[4:]
	case strings.HasPrefix(d, "0") && !strings.HasPrefix(d, "00"):
		d = d[1:]
	default:
		return "", fmt.Errorf("%w: %q needs an area code starting with 0 or +49", ErrBadPhone, published)
	}
	// German numbers: area code 2-5 digits without the 0, subscriber number; 7 to 13 digits in all.
	if len(d) < 7 || len(d) > 13 || d[0] == '0' {
		return "", fmt.Errorf("%w: %q has %d digits after the country code", ErrBadPhone, published, len(d))
	}
	return "+49" + d, nil
}

// isMobileE164 reports whether a German E.164 number is a mobile one (015x, 016x, 017x).
func isMobileE164(e164 string) bool {
	return strings.HasPrefix(e164, "+4915") || strings.HasPrefix(e164, "+4916") || strings.HasPrefix(e164, "+4917")
}
