package directory

import (
	"testing"

	"github.com/agnivade/levenshtein"
)

var benchQueries = []struct{ name, query string }{
	{"exact", "Dorfmark"},
	{"typo", "Wietzendrof"},
	{"sentence", "Hallo, wir wohnen in Dorfmark und brauchen Hilfe"},
	{"postal", "29614"},
	{"unknown", "asdfghjk"},
	{"long", "Sehr geehrte Damen und Herren, unsere Tochter besucht seit August die Grundschule, wir sind im Frühjahr " +
		"umgezogen und suchen Beratung wegen Kinderbetreuung, Nachmittagsangeboten und Ferienprogrammen; " +
		"unsere Adresse lautet Lindenstraße siebzehn in Schwarmstedt, Telefonnummer folgt später. Vielen Dank!"},
}

// BenchmarkResolve measures Resolve; compare with BenchmarkNaive:
//
//	go test ./directory -run '^$' -bench . -benchmem
func BenchmarkResolve(b *testing.B) {
	d := mustDefault(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Resolve(q.query)
			}
		})
	}
}

// naiveResolve is the baseline: fold the text the same way, then run plain
// Levenshtein (github.com/agnivade/levenshtein) against every name, and the
// same for every word of a sentence.
func naiveResolve(d *Directory, text string) (best string, dist int) {
	var t tokens
	tokenise(text, &t, false)
	dist = 1 << 30
	for i := range t.list {
		w := string(t.bytes(i))
		for _, k := range d.idx.keys {
			if x := levenshtein.ComputeDistance(w, k.s); x < dist {
				best, dist = k.s, x
			}
		}
	}
	return best, dist
}

func BenchmarkNaive(b *testing.B) {
	d := mustDefault(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveResolve(d, q.query)
			}
		})
	}
}

func TestNaiveBaselineAgrees(t *testing.T) {
	// The baseline finds the same name for the typo benchmark, so the
	// comparison is fair.
	d := mustDefault(t)
	best, dist := naiveResolve(d, "Wietzendrof")
	r := d.Resolve("Wietzendrof")
	if best != "wietzendorf" || dist != 2 || r.Place == nil || r.Place.ID != "wietzendorf" {
		t.Errorf("naive %q/%d, Resolve %+v", best, dist, r.Place)
	}
}

func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDistance measures distance alone: one Levenshtein call for most
// pairs, a swap search for pairs two Levenshtein edits or more apart, and
// words longer than the 32 bytes for which agnivade/levenshtein and the string
// conversion have room on the stack.
func BenchmarkDistance(b *testing.B) {
	for _, c := range []struct{ name, a, b string }{
		{"typo", "wietzendrof", "wietzendorf"},  // Levenshtein 2, one swap
		{"subst", "wietzendorg", "wietzendorf"}, // Levenshtein 1
		{"far", "wietzendorf", "winkelsett"},    // beyond the bound
		{"long", "schneverdingenerheidegemeindeteil", "schneverdingenerheidegemeindetiel"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			w := []byte(c.a)
			for b.Loop() {
				distance(w, c.b, 2)
			}
		})
	}
}
