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
		{"avlern", "alvern", 1, 1},      // within a budget of one
		{"cordingen", "coirngen", 2, 2}, // swap across a dropped letter: unrestricted Damerau
		{"ca", "abc", 3, 2},             // the textbook case OSA gets wrong (3)
		{"abcd", "badc", 2, 2},          // two swaps: Levenshtein 4 = 2*max
		{"abcdef", "badcfe", 2, 3},      // three swaps, beyond max
		{"abcdef", "badcfe", 3, 3},      //
		{"soltau", "xxxxxx", 2, 3},      // beyond max
		{"", "abc", 5, 3},               //
		{"abc", "", 1, 2},               // length difference alone exceeds max
		{"soltau", "slotau", 0, 1},      // max 0: any typo is one too many
		{"wietzendorf", "wietzendrof", 1, 1},
		{"wietzendorf", "wietzendrof", 2, 1},
		{strings.Repeat("a", 50), strings.Repeat("a", 45), 1, 0}, // cut at maxDistLen
	}
	for _, tt := range tests {
		if got := distance([]byte(tt.a), tt.b, tt.max); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

// TestDistanceMatchesDamerau compares distance with damerauReference and
// osaReference on every pair of short strings over three letters, on random
// longer pairs, and on every name of the directory with random typos
// (substitutions, insertions, deletions and swaps). For each bound max it
// must return the reference distance when that is at most max, else max+1.
func TestDistanceMatchesDamerau(t *testing.T) {
	check := func(a, b string) {
		t.Helper()
		ref := damerauReference(a, b)
		if osa, lev := osaReference(a, b), levenshtein.ComputeDistance(a, b); ref > osa || osa > lev {
			t.Fatalf("references disagree on %q, %q: Damerau %d, OSA %d, Levenshtein %d", a, b, ref, osa, lev)
		}
		for max := range 5 {
			want := min(ref, max+1)
			if got := distance([]byte(a), b, max); got != want {
				t.Fatalf("distance(%q, %q, %d) = %d, want %d (Damerau-Levenshtein %d)", a, b, max, got, want, ref)
			}
		}
	}
	// Exhaustive: all strings of up to 5 letters over "abc" against all of up to 4.
	var short []string
	short = append(short, "")
	for i := 0; i < len(short) && len(short[i]) < 5; i++ {
		for _, c := range "abc" {
			short = append(short, short[i]+string(c))
		}
	}
	pairs := 0
	for _, a := range short {
		for _, b := range short {
			if len(b) <= 4 {
				check(a, b)
				pairs++
			}
		}
	}
	// Random pairs, and random typos in the names of the directory.
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int, letters string) string {
		var b strings.Builder
		for range n {
			b.WriteByte(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	for range 5000 {
		check(word(rng.IntN(12), "abcd"), word(rng.IntN(12), "abcd"))
		pairs++
	}
	d := mustDefault(t)
	for _, k := range d.idx.keys {
		for range 4 {
			check(k.s, typos(rng, k.s, 1+rng.IntN(4)))
			pairs++
		}
	}
	t.Logf("%d pairs agree", pairs)
}

// typos makes n random edits to s: substitutions, insertions, deletions and
// swaps of neighbouring letters.
func typos(rng *rand.Rand, s string, n int) string {
	b := []byte(s)
	for range n {
		i := rng.IntN(len(b) + 1)
		c := byte('a' + rng.IntN(26))
		switch op := rng.IntN(4); {
		case op == 0 && i < len(b):
			b[i] = c
		case op == 1:
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		case op == 2 && i < len(b):
			b = append(b[:i], b[i+1:]...)
		case i+1 < len(b):
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
	return string(b)
}

// damerauReference is the unrestricted Damerau-Levenshtein distance
// (Lowrance-Wagner): insertions, deletions, substitutions and swaps of
// adjacent letters, also with letters inserted or deleted between them.
// It is the textbook dynamic programme, kept here only to check distance.
func damerauReference(a, b string) int {
	la, lb := len(a), len(b)
	w := lb + 2
	h := make([]int, (la+2)*w)
	var da [256]int
	inf := la + lb
	h[0] = inf
	for i := 0; i <= la; i++ {
		h[(i+1)*w] = inf
		h[(i+1)*w+1] = i
	}
	for j := 0; j <= lb; j++ {
		h[j+1] = inf
		h[w+j+1] = j
	}
	for i := 1; i <= la; i++ {
		db := 0
		for j := 1; j <= lb; j++ {
			i1, j1 := da[b[j-1]], db
			cost := 1
			if a[i-1] == b[j-1] {
				cost, db = 0, j
			}
			h[(i+1)*w+j+1] = min(
				h[i*w+j]+cost,  // substitution or match
				h[(i+1)*w+j]+1, // insertion
				h[i*w+j+1]+1,   // deletion
				h[i1*w+j1]+(i-i1-1)+1+(j-j1-1), // transposition
			)
		}
		da[a[i-1]] = i
	}
	return h[(la+1)*w+lb+1]
}

// osaReference is the optimal string alignment distance (restricted
// Damerau-Levenshtein: no edits between swapped letters). It is never less
// than damerauReference and never more than Levenshtein.
func osaReference(a, b string) int {
	la, lb := len(a), len(b)
	w := lb + 1
	h := make([]int, (la+1)*w)
	for i := 0; i <= la; i++ {
		h[i*w] = i
	}
	for j := 0; j <= lb; j++ {
		h[j] = j
	}
	for i := 1; i <= la; i++ {
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(h[(i-1)*w+j-1]+cost, h[i*w+j-1]+1, h[(i-1)*w+j]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, h[(i-2)*w+j-2]+1)
			}
			h[i*w+j] = v
		}
	}
	return h[la*w+lb]
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
