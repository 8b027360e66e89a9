package directory

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agnivade/levenshtein"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"soltau", "soltau", 2, 0},
		{"soltau", "soltu", 2, 1},
		{"alvern", "avlern", 2, 1},      // one swap
		{"cordingen", "coirngen", 2, 2}, // swap with a letter between: unrestricted Damerau
		{"ca", "abc", 3, 2},             // the textbook case OSA gets wrong (3)
		{"soltau", "xxxxxx", 2, 3},      // beyond max
		{"", "abc", 5, 3},               //
		{"abc", "", 1, 2},               // length difference alone exceeds max
		{"wietzendorf", "wietzendrof", 1, 1},
	}
	for _, tt := range tests {
		if got := distance([]byte(tt.a), []byte(tt.b), tt.max); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

// TestDistanceAgreesWithLevenshtein checks distance against
// github.com/agnivade/levenshtein on random words: never more, at least half,
// equal where no swap helps, and the bound is honoured.
func TestDistanceAgreesWithLevenshtein(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	letters := "abcdefgh"
	word := func() string {
		n := rng.IntN(10)
		var b strings.Builder
		for range n {
			b.WriteByte(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	for range 5000 {
		a, b := word(), word()
		lev := levenshtein.ComputeDistance(a, b)
		got := distance([]byte(a), []byte(b), 20)
		if got > lev {
			t.Fatalf("distance(%q, %q) = %d > Levenshtein %d", a, b, got, lev)
		}
		if 2*got < lev { // a swap saves at most one of Levenshtein's two edits
			t.Fatalf("distance(%q, %q) = %d, less than half of Levenshtein %d", a, b, got, lev)
		}
		// Bounded: the same answer, or max+1.
		for max := 0; max < 4; max++ {
			bd := distance([]byte(a), []byte(b), max)
			if (got <= max && bd != got) || (got > max && bd != max+1) {
				t.Fatalf("distance(%q, %q, %d) = %d, unbounded %d", a, b, max, bd, got)
			}
		}
	}
	// Without any adjacent pair to swap, Damerau equals Levenshtein.
	for _, p := range [][2]string{{"kitten", "sitting"}, {"flaw", "lawn"}, {"schneverdingen", "schneferdinhgen"}} {
		if got, want := distance([]byte(p[0]), []byte(p[1]), 20), levenshtein.ComputeDistance(p[0], p[1]); got != want {
			t.Errorf("distance(%q, %q) = %d, Levenshtein %d", p[0], p[1], got, want)
		}
	}
}

func TestColognePhonetic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"wikipedia", "3412"},
		{"mullerludenscheidt", "65752682"},
		{"breschnew", "17863"},
		{"fallingbostel", "35641825"},
		{"vallingbosstehl", "35641825"},
		{"soltau", "852"},
		{"zoltau", "852"},
		{"christoph", "47823"},
		{"xaver", "4837"},
	}
	for _, tt := range tests {
		if got := string(colognePhonetic(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("colognePhonetic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenise(t *testing.T) {
	tests := []struct {
		in      string
		plain   bool
		want    string // tokens joined by "|"
		umlauts int
		foreign int
	}{
		{"Hallo, wir wohnen in Dorfmark!", false, "hallo|wir|wohnen|in|dorfmark", 0, 0},
		{"Groß Häuslingen", false, "gross|haeuslingen", 1, 0},
		{"Groß Häuslingen", true, "gross|hauslingen", 1, 0},
		{"Ha\u0308uslingen", false, "haeuslingen", 1, 0},
		{"Ha\u0308uslingen", true, "hauslingen", 1, 0},
		{"Rethem-Moor/Aller", false, "rethem|moor|aller", 0, 0},
		{"PLZ29614", false, "plz|29614", 0, 0},
		{"Crème brûlée", false, "creme|brulee", 0, 0},
		{"Я живу в Soltau", false, "soltau", 0, 6},
		{"🏠Dorfmark🙂", false, "dorfmark", 0, 0},
		{"\xff\xfeSoltau", false, "soltau", 0, 0},
	}
	for _, tt := range tests {
		var tk tokens
		tokenise(tt.in, &tk, tt.plain)
		var parts []string
		for i := range tk.list {
			parts = append(parts, string(tk.bytes(i)))
		}
		if got := strings.Join(parts, "|"); got != tt.want || tk.umlauts != tt.umlauts || tk.foreign != tt.foreign {
			t.Errorf("tokenise(%q, %v) = %q (umlauts %d, foreign %d), want %q (%d, %d)", tt.in, tt.plain, got, tk.umlauts, tk.foreign, tt.want, tt.umlauts, tt.foreign)
		}
	}
	// Limits.
	var tk tokens
	tokenise(strings.Repeat("ab ", 1000), &tk, false)
	if len(tk.list) != maxTokens {
		t.Errorf("tokens = %d, want the first %d", len(tk.list), maxTokens)
	}
	tokenise(strings.Repeat("a", 1000), &tk, false)
	if len(tk.list) != 1 || len(tk.bytes(0)) != maxTokenLen {
		t.Errorf("long word: %d tokens, %d bytes", len(tk.list), len(tk.bytes(0)))
	}
}

func TestSlugAndID(t *testing.T) {
	tests := []struct{ name, muni, want string }{
		{"Marbostel", "Wietzendorf", "marbostel-wietzendorf"},
		{"Soltau", "Soltau", "soltau"},
		{"Ahlden (Aller)", "Ahlden (Aller)", "ahlden-aller"},
		{"Groß Häuslingen", "Häuslingen", "gross-haeuslingen-haeuslingen"},
		{"Rethem-Moor", "Rethem (Aller)", "rethem-moor-rethem-aller"},
	}
	for _, tt := range tests {
		got := placeID(tt.name, tt.muni)
		if got != tt.want || !validID(got) {
			t.Errorf("placeID(%q, %q) = %q (valid %v), want %q", tt.name, tt.muni, got, validID(got), tt.want)
		}
	}
	for _, bad := range []string{"", "-a", "a-", "a--b", "A", "ä", strings.Repeat("a", 41)} {
		if validID(bad) {
			t.Errorf("validID(%q) = true", bad)
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		in, want string
		mobile   bool
	}{
		{"(05193) 975-604", "+495193975604", false},
		{"0151-12866299", "+4915112866299", true},
		{"+49 5161 487272", "+495161487272", false},
		{"0049 171 5649867", "+491715649867", true},
		{"(05191) 4455", "+4951914455", false},
	}
	for _, tt := range tests {
		got, err := normalisePhone(tt.in)
		if err != nil || got != tt.want || isMobileE164(got) != tt.mobile {
			t.Errorf("normalisePhone(%q) = %q, %v (mobile %v), want %q (%v)", tt.in, got, err, isMobileE164(got), tt.want, tt.mobile)
		}
	}
	for _, bad := range []string{"", "975604", "+1 212 555 0100", "05193 / 97x", "0", "(05193) 975-604-1234567890"} {
		if got, err := normalisePhone(bad); err == nil {
			t.Errorf("normalisePhone(%q) = %q, want error", bad, got)
		}
	}
}
