package handlers

import "testing"

func TestSanitize(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Dorfmark", "Dorfmark"},
		{"", ""},
		{"\u200b", ""},
		{"a\u200bb\u200cc\u200dd\u2060e\ufefff", "abcdef"},
		{"\u202aa\u202bb\u202cc\u202dd\u202ee", "abcde"},
		{"\u2066a\u2067b\u2068c\u2069", "abc"},
		{"\u200ea\u200f\u061c", "a"},
		{"a\x00b\x01c\x1fd\x7fe\u0080f\u009fg", "abcdefg"},
		{"line 1\r\nline 2\rline 3\u2028line 4\u0085line 5", "line 1\nline 2\nline 3\nline 4\nline 5"},
		{"tab\there\n", "tab\there\n"},
		{"Cafe\u0301", "Café"}, // NFC
		{"ok\xff\xfe", "ok"},   // invalid UTF-8
		{"Dorf\u00admark", "Dorfmark"},
		{"👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"}, // an emoji sequence stays joined
		{"Dorf\u200dmark", "Dorfmark"},
		{"مرحبا", "مرحبا"},
		{"Привіт, Ґ", "Привіт, Ґ"},
	} {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"Dorfmark", "\u202e\u200b\x00", "a\r\nb", "Cafe\u0301", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := sanitize(s)
		if again := sanitize(got); again != got {
			t.Errorf("not idempotent: %q -> %q -> %q", s, got, again)
		}
		if !isPlain(got) {
			t.Errorf("sanitize(%q) = %q still has something to clean", s, got)
		}
	})
}
