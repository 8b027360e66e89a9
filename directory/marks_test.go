package directory

import (
	"strings"
	"testing"
)

// TestMarks checks that a word next to a name that belongs only to an outside
// town of that name picks the town, also when it is a qualifier otherwise set
// aside, while the name alone and the local place's own qualifier stay local.
func TestMarks(t *testing.T) {
	d := mustDefault(t)
	const ar, mb = "ahlden-rethem-schwarmstedt", "munster-bispingen"
	const nordheide = "Buchholz in der Nordheide"
	for _, tt := range []resolveCase{
		{query: "Buchholz Nordheide", status: StatusOutside, place: nordheide},
		{query: "Buchholz i.d. Nordheide", status: StatusOutside, place: nordheide},
		{query: "Buchholz/Nordheide", status: StatusOutside, place: nordheide},
		{query: "Buchholz (Nordheide)", status: StatusOutside, place: nordheide},
		{query: "Buchholz in der Nordheide", status: StatusOutside, place: nordheide},
		{query: "Buchholz Nordhiede", status: StatusOutside, place: nordheide},
		{query: "Buchholz Harburg", status: StatusOutside, place: nordheide},
		{query: "Buchholz, Landkreis Harburg", status: StatusOutside, place: nordheide},
		{query: "Bucholz, LK Harburg", status: StatusOutside, place: nordheide},
		{query: "Wir wohnen in Buchholz (Harburg)", status: StatusOutside, place: nordheide},
		{query: "Buchholz", status: StatusMatch, district: ar, place: "buchholz-aller"},
		{query: "Buchholz (Aller)", status: StatusMatch, district: ar, place: "buchholz-aller"},
		{query: "Buchholz Aller", status: StatusMatch, district: ar, place: "buchholz-aller"},
		{query: "Buchholz/Aller", status: StatusMatch, district: ar, place: "buchholz-aller"},
		{query: "Wir wohnen in Buchholz an der Aller", status: StatusMatch, district: ar, place: "buchholz-aller"},
		{query: "Buchholz Schwarmstedt", status: StatusMatch, district: ar, place: "buchholz-aller"},
		// Two outside towns of one name: the river picks one.
		{query: "Winsen", status: StatusOutside, place: "Winsen (Aller)"},
		{query: "Winsen (Aller)", status: StatusOutside, place: "Winsen (Aller)"},
		{query: "Winsen (Luhe)", status: StatusOutside, place: "Winsen (Luhe)"},
		{query: "Winsen/Luhe", status: StatusOutside, place: "Winsen (Luhe)"},
		{query: "Winsen an der Luhe", status: StatusOutside, place: "Winsen (Luhe)"},
		{query: "Winsen, Landkreis Harburg", status: StatusOutside, place: "Winsen (Luhe)"},
		// Münster is Munster of the county, unless the state says otherwise.
		{query: "Münster", status: StatusMatch, district: mb, place: "munster"},
		{query: "Münster Westfalen", status: StatusOutside, place: "Münster"},
		{query: "Munster (Nordrhein-Westfalen)", status: StatusOutside, place: "Münster"},
	} {
		t.Run(tt.query, func(t *testing.T) { checkResolve(t, d, tt) })
	}
}

// TestMarksFromData checks that marks come from the data file alone: a local
// Neudorf (Aller) and outside towns Neudorf (Weser) and Neudorf in der Marsch.
func TestMarksFromData(t *testing.T) {
	data := readTestdata(t, "small.yaml")
	data = strings.Replace(data, "outside:\n", `  - {name: "Neudorf (Aller)", kind: ortsteil, municipality: "Nordstadt", district: nord, postal_codes: ["29640"], lat: 53.12, lon: 9.85, source: "test"}
outside:
  - {name: "Neudorf (Weser)", county: "Landkreis Fern"}
  - {name: "Neudorf in der Marsch", county: "Landkreis Weit", aliases: ["Neudorf/Marsch"]}
  - {name: "Altdorf (Weser)", county: "Landkreis Fern"}
`, 1)
	d, err := Parse("marks.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	const neudorf = "neudorf-aller-nordstadt"
	for _, tt := range []resolveCase{
		{query: "Neudorf", status: StatusMatch, district: "nord", place: neudorf},
		{query: "Neudorf (Aller)", status: StatusMatch, district: "nord", place: neudorf},
		{query: "Neudorf Aller", status: StatusMatch, district: "nord", place: neudorf},
		{query: "Neudorf bei Nordstadt", status: StatusMatch, district: "nord", place: neudorf},
		{query: "Neudorf (Weser)", status: StatusOutside, place: "Neudorf (Weser)"},
		{query: "Neudorf Weser", status: StatusOutside, place: "Neudorf (Weser)"},
		{query: "Wir wohnen in Neudorf an der Weser", status: StatusOutside, place: "Neudorf (Weser)"},
		{query: "Neudorf, Landkreis Fern", status: StatusOutside, place: "Neudorf (Weser)"},
		{query: "Neudorf Marsch", status: StatusOutside, place: "Neudorf in der Marsch"},
		{query: "Neudorf, LK Weit", status: StatusOutside, place: "Neudorf in der Marsch"},
		{query: "Altdorf (Weser)", status: StatusOutside, place: "Altdorf (Weser)"},
		// A mark belongs to its name: "Weser" says nothing about Kleindorf,
		// and a mark far from the name does not count.
		{query: "Kleindorf (Weser)", status: StatusAmbiguous, covers: []string{"nord", "sued"}},
		{query: "Neudorf, und wir fahren oft zum Fluss Weser", status: StatusMatch, district: "nord", place: neudorf},
	} {
		t.Run(tt.query, func(t *testing.T) { checkResolve(t, d, tt) })
	}
}
