package directory

import (
	"testing"
	"unicode/utf8"
)

// FuzzResolve: any input gives a consistent Result with valid UTF-8, never a panic.
//
//	go test ./directory -run '^$' -fuzz FuzzResolve -fuzztime 60s
func FuzzResolve(f *testing.F) {
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"Dorfmark", "Hallo, wir wohnen in Dorfmark", "29664", "Cele", "Münster", "Ha\u0308uslingen",
		"\xff\xfe", "Я живу в Soltau", "🏠 Soltau", "Buchholz in der Nordheide", "a b c d e f g h",
		"Marbostel bei Soltau", "ẞ", "ÄÖÜäöüß", "0000000000", "Soltau\x00Walsrode",
	} {
		f.Add(s)
	}
	valid := map[Status]bool{StatusMatch: true, StatusAmbiguous: true, StatusOutside: true, StatusUnknown: true}
	f.Fuzz(func(t *testing.T, s string) {
		r := d.Resolve(s)
		if !valid[r.Status] {
			t.Fatalf("status %q", r.Status)
		}
		if !utf8.ValidString(r.Query) {
			t.Fatalf("invalid UTF-8 query echo %q", r.Query)
		}
		if utf8.ValidString(s) && r.Query != s {
			t.Fatalf("query echo %q, want %q", r.Query, s)
		}
		switch r.Status {
		case StatusMatch:
			if r.Place == nil || r.Place.District != r.District || r.District == "" || r.Outside != nil || r.Method == "" {
				t.Fatalf("inconsistent match %+v", r)
			}
		case StatusOutside:
			if r.Outside == nil || r.Place != nil || r.District != "" {
				t.Fatalf("inconsistent outside %+v", r)
			}
		case StatusAmbiguous:
			ds := map[string]bool{}
			for _, c := range r.Candidates {
				ds[c.District] = true
			}
			if len(ds) < 2 || r.Place != nil {
				t.Fatalf("ambiguous without two districts: %+v", r)
			}
		case StatusUnknown:
			if r.Place != nil || r.Outside != nil || r.District != "" {
				t.Fatalf("inconsistent unknown %+v", r)
			}
		}
		for _, c := range r.Candidates {
			if c.Score < 0 || c.Score > 1 || c.District != c.Place.District {
				t.Fatalf("bad candidate %+v", c)
			}
			for _, str := range []string{c.Place.Name, c.Place.ID, string(c.Method)} {
				if !utf8.ValidString(str) {
					t.Fatalf("invalid UTF-8 in candidate %+v", c)
				}
			}
		}
		if r.Place != nil && !utf8.ValidString(r.Place.Name) || r.Outside != nil && !utf8.ValidString(r.Outside.Name) {
			t.Fatalf("invalid UTF-8 in %+v", r)
		}
	})
}

// FuzzDistance compares distance with damerauReference on any two ASCII
// strings (distance compares folded text; cut as distance cuts them) and any
// bound up to 4.
func FuzzDistance(f *testing.F) {
	for _, p := range [][2]string{{"alvern", "avlern"}, {"cordingen", "coirngen"}, {"ca", "abc"}, {"abcd", "badc"}, {"", "x"}} {
		f.Add(p[0], p[1], uint8(2))
	}
	f.Fuzz(func(t *testing.T, a, b string, m uint8) {
		ascii := func(s string) string {
			b := []byte(s[:min(len(s), maxDistLen)])
			for i := range b {
				b[i] &= 0x7f
			}
			return string(b)
		}
		a, b = ascii(a), ascii(b)
		max := int(m % 5)
		want := min(damerauReference(a, b), max+1)
		if got := distance([]byte(a), b, max); got != want {
			t.Fatalf("distance(%q, %q, %d) = %d, want %d", a, b, max, got, want)
		}
	})
}
