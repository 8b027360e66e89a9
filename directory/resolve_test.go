package directory

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

type resolveCase struct {
	query    string
	status   Status
	district string // for match
	place    string // Place.ID for match, outside town name for outside ("" = any)
	method   Method // for match ("" = any)
	covers   []string
}

func checkResolve(t *testing.T, d *Directory, tt resolveCase) {
	t.Helper()
	r := d.Resolve(tt.query)
	if r.Status != tt.status {
		t.Fatalf("Resolve(%q).Status = %s (district %q, outside %v, candidates %v), want %s", tt.query, r.Status, r.District, r.Outside, candidateIDs(r), tt.status)
	}
	switch r.Status {
	case StatusMatch:
		if r.Place == nil || r.District != r.Place.District {
			t.Fatalf("Resolve(%q): match without consistent place: %+v", tt.query, r)
		}
		if r.District != tt.district {
			t.Errorf("Resolve(%q).District = %q, want %q", tt.query, r.District, tt.district)
		}
		if tt.place != "" && r.Place.ID != tt.place {
			t.Errorf("Resolve(%q).Place = %q, want %q", tt.query, r.Place.ID, tt.place)
		}
		if tt.method != "" && r.Method != tt.method {
			t.Errorf("Resolve(%q).Method = %q, want %q", tt.query, r.Method, tt.method)
		}
		if len(r.Candidates) == 0 || r.Candidates[0].Place.ID != r.Place.ID {
			t.Errorf("Resolve(%q): first candidate %v is not the place %q", tt.query, candidateIDs(r), r.Place.ID)
		}
	case StatusOutside:
		if r.Outside == nil || r.Place != nil || r.District != "" {
			t.Fatalf("Resolve(%q): outside without town, or with a place: %+v", tt.query, r)
		}
		if tt.place != "" && r.Outside.Name != tt.place {
			t.Errorf("Resolve(%q).Outside = %q, want %q", tt.query, r.Outside.Name, tt.place)
		}
	case StatusAmbiguous:
		if r.Place != nil || r.District != "" {
			t.Errorf("Resolve(%q): ambiguous with a place: %+v", tt.query, r)
		}
		var ds []string
		for _, c := range r.Candidates {
			ds = append(ds, c.District)
		}
		for _, want := range tt.covers {
			if !slices.Contains(ds, want) && !slices.Contains(candidateIDs(r), want) {
				t.Errorf("Resolve(%q): candidates %v do not cover %q", tt.query, candidateIDs(r), want)
			}
		}
	case StatusUnknown:
		if r.Place != nil || r.Outside != nil || r.District != "" {
			t.Errorf("Resolve(%q): unknown with a place: %+v", tt.query, r)
		}
	}
	for i := 1; i < len(r.Candidates); i++ {
		if r.Candidates[i].Score > r.Candidates[i-1].Score {
			t.Errorf("Resolve(%q): candidates not ranked: %+v", tt.query, r.Candidates)
		}
	}
}

func candidateIDs(r Result) []string {
	var ids []string
	for _, c := range r.Candidates {
		ids = append(ids, c.Place.ID)
	}
	return ids
}

const (
	sn = "schneverdingen-neuenkirchen"
	mb = "munster-bispingen"
	sw = "soltau-wietzendorf"
	bo = "bad-fallingbostel-osterheide"
	wa = "walsrode"
	ar = "ahlden-rethem-schwarmstedt"
)

func TestResolve(t *testing.T) {
	d := mustDefault(t)
	groups := map[string][]resolveCase{
		"exact": {
			{query: "Dorfmark", status: StatusMatch, district: bo, place: "dorfmark-bad-fallingbostel", method: MethodExact},
			{query: "Ahlden (Aller)", status: StatusMatch, district: ar, place: "ahlden-aller", method: MethodExact},
			{query: "  Soltau  ", status: StatusMatch, district: sw, place: "soltau", method: MethodExact},
			{query: "Rethem-Moor", status: StatusMatch, district: ar, place: "rethem-moor-rethem-aller", method: MethodExact},
		},
		"case, spaces, hyphens, punctuation": {
			{query: "DORFMARK", status: StatusMatch, district: bo, method: MethodNormalised},
			{query: "dorfmark", status: StatusMatch, district: bo, method: MethodNormalised},
			{query: "Dorfmark!!!", status: StatusMatch, district: bo, method: MethodNormalised},
			{query: "„Dorfmark“.", status: StatusMatch, district: bo, method: MethodNormalised},
			{query: "Rethem Moor", status: StatusMatch, district: ar, place: "rethem-moor-rethem-aller"},
			{query: "rethemmoor", status: StatusMatch, district: ar, place: "rethem-moor-rethem-aller"},
			{query: "Schwarm-stedt", status: StatusMatch, district: ar, place: "schwarmstedt"},
			{query: "Groß   Häuslingen", status: StatusMatch, district: ar, place: "gross-haeuslingen-haeuslingen"},
			{query: "🏠 Dorfmark 🙂", status: StatusMatch, district: bo, method: MethodNormalised},
		},
		"umlauts and ß": {
			{query: "Adolfsglück", status: StatusMatch, district: ar, method: MethodExact},
			{query: "Adolfsglueck", status: StatusMatch, district: ar, method: MethodNormalised},
			{query: "Adolfsgluck", status: StatusMatch, district: ar, method: MethodNormalised},
			{query: "Adolfsglu\u0308ck", status: StatusMatch, district: ar, method: MethodNormalised}, // decomposed ü
			{query: "DÜSHORN", status: StatusMatch, district: wa},
			{query: "Dueshorn", status: StatusMatch, district: wa},
			{query: "Gross Haeuslingen", status: StatusMatch, district: ar, place: "gross-haeuslingen-haeuslingen"},
			{query: "Groß Hauslingen", status: StatusMatch, district: ar, place: "gross-haeuslingen-haeuslingen"},
			{query: "Boehme", status: StatusMatch, district: ar, place: "boehme"},
			{query: "Töpingen", status: StatusMatch, district: mb},
			{query: "Topingen", status: StatusMatch, district: mb},
		},
		"prefixes and qualifiers": {
			{query: "Bad Fallingbostel", status: StatusMatch, district: bo, place: "bad-fallingbostel", method: MethodExact},
			{query: "Fallingbostel", status: StatusMatch, district: bo, place: "bad-fallingbostel"},
			{query: "Stadt Walsrode", status: StatusMatch, district: wa, place: "walsrode", method: MethodNormalised},
			{query: "Gemeinde Bispingen", status: StatusMatch, district: mb, method: MethodNormalised},
			{query: "SG Ahlden", status: StatusMatch, district: ar, place: "ahlden-aller"},
			{query: "Samtgemeinde Schwarmstedt", status: StatusMatch, district: ar},
			{query: "Rethem/Aller", status: StatusMatch, district: ar, place: "rethem-aller", method: MethodNormalised},
			{query: "Rethem (Aller)", status: StatusMatch, district: ar, place: "rethem-aller", method: MethodExact},
			{query: "Rethem", status: StatusMatch, district: ar, place: "rethem-aller"},
			{query: "Hodenhagen (Aller)", status: StatusMatch, district: ar, place: "hodenhagen", method: MethodNormalised},
			{query: "Marbostel bei Soltau", status: StatusMatch, district: sw, place: "marbostel-soltau"},
			{query: "Marbostel bei Wietzendorf", status: StatusMatch, district: sw, place: "marbostel-wietzendorf"},
			{query: "Ostenholz bei Walsrode", status: StatusMatch, district: bo, place: "ostenholz-osterheide"},
			{query: "Walsrode OT Düshorn", status: StatusMatch, district: wa, place: "dueshorn-walsrode"},
			{query: "Borstel in der Kuhle", status: StatusMatch, district: mb, place: "borstel-bispingen", method: MethodExact},
		},
		"postal codes": {
			{query: "29614", status: StatusMatch, district: sw, place: "soltau", method: MethodPostal},
			{query: "PLZ 29614", status: StatusMatch, district: sw, method: MethodPostal},
			{query: "29693", status: StatusMatch, district: ar, method: MethodPostal},
			{query: "D-29699", status: StatusMatch, district: wa, method: MethodPostal},
			{query: "29664", status: StatusAmbiguous, covers: []string{"walsrode", "ostenholz-osterheide"}},
			{query: "29664 Ostenholz", status: StatusMatch, district: bo, place: "ostenholz-osterheide"},
			{query: "29664 Walsrode", status: StatusMatch, district: wa, place: "walsrode"},
			{query: "29221", status: StatusUnknown},
			{query: "1234", status: StatusUnknown},
			{query: "296144", status: StatusUnknown},
		},
		"typos scaled to length": {
			{query: "Soltu", status: StatusMatch, district: sw, place: "soltau", method: MethodTypo},
			{query: "Sotlau", status: StatusMatch, district: sw, place: "soltau", method: MethodTypo}, // swap
			{query: "Avlern", status: StatusMatch, district: mb, method: MethodTypo},
			{query: "Coirngen", status: StatusMatch, district: wa, method: MethodTypo}, // swap and a deletion
			{query: "Wietzendrof", status: StatusMatch, district: sw, method: MethodTypo},
			{query: "Schneverringen", status: StatusMatch, district: sn, method: MethodTypo},
			{query: "Bad Fllingvostel", status: StatusMatch, district: bo, method: MethodTypo},
			{query: "Heer", status: StatusMatch, district: sn, place: "heber-schneverdingen"},
			{query: "Soltxx", status: StatusUnknown}, // two typos in six letters
			{query: "Brk", status: StatusUnknown},    // short words must be exact
		},
		"sound-alike": {
			{query: "Vallingbosstehl", status: StatusMatch, district: bo, method: MethodPhonetic},
			{query: "Bommlietz", status: StatusMatch, district: wa, method: MethodPhonetic},
		},
		"sentences": {
			{query: "Hallo, wir wohnen in Dorfmark und brauchen Hilfe", status: StatusMatch, district: bo, method: MethodSentence},
			{query: "Wir sind aus Bomlitz", status: StatusMatch, district: wa, method: MethodSentence},
			{query: "I live near Soltau", status: StatusMatch, district: sw},
			{query: "bei Soltau", status: StatusMatch, district: sw},
			{query: "Hi, we live in hillern", status: StatusMatch, district: sn, method: MethodSentence},
			{query: "ich wohne in der Nähe von Walsrode", status: StatusMatch, district: wa},
			{query: "Guten Tag, meine Familie ist nach Schwarmstedt gezogen. Wer hilft uns?", status: StatusMatch, district: ar},
			{query: "we moved to Neuenkirchen last year", status: StatusMatch, district: sn},
			{query: "Wir wohnen in Dorfmakr", status: StatusMatch, district: bo, method: MethodTypo},
			{query: "Hope bitte", status: StatusMatch, district: ar},
			{query: "I hope you can help", status: StatusUnknown},
			{query: "Ich komme aus insel", status: StatusMatch, district: sn},
			{query: "Soltau und Munster", status: StatusAmbiguous, covers: []string{sw, mb}},
		},
		"strict names": {
			{query: "Einem", status: StatusMatch, district: sn, place: "einem-schneverdingen"},
			{query: "Ich wohne in einem Dorf bei Soltau", status: StatusMatch, district: sw, place: "soltau"},
			{query: "wir wohnen in einem kleinen Ort", status: StatusUnknown},
			{query: "Texas", status: StatusMatch, district: bo},
			{query: "Ich komme aus Texas und wohne in Walsrode", status: StatusMatch, district: wa},
			{query: "Langwedel", status: StatusOutside, place: "Langwedel"}, // the municipality near Verden wins over the hamlet
			{query: "Wir wohnen in Langwedel", status: StatusOutside, place: "Langwedel"},
			{query: "im Westen von Soltau", status: StatusMatch, district: sw},
			{query: "wohnort: borg", status: StatusMatch, district: wa},
		},
		"same district": {
			{query: "Marbostel", status: StatusMatch, district: sw},
			{query: "Marbostell", status: StatusMatch, district: sw},
		},
		"outside": {
			{query: "Celle", status: StatusOutside, place: "Celle"},
			{query: "Cele", status: StatusOutside, place: "Celle"},
			{query: "Lüneburg", status: StatusOutside, place: "Lüneburg"},
			{query: "Lueneburg", status: StatusOutside, place: "Lüneburg"},
			{query: "Luneburg", status: StatusOutside, place: "Lüneburg"},
			{query: "Verden", status: StatusOutside, place: "Verden (Aller)"},
			{query: "Verden (Aller)", status: StatusOutside, place: "Verden (Aller)"},
			{query: "Rotenburg", status: StatusOutside, place: "Rotenburg (Wümme)"},
			{query: "Rothenburg", status: StatusOutside, place: "Rotenburg (Wümme)"},
			{query: "Uelzen", status: StatusOutside, place: "Uelzen"},
			{query: "Hamburg", status: StatusOutside, place: "Hamburg"},
			{query: "Wir wohnen in Hamburg", status: StatusOutside, place: "Hamburg"},
			{query: "Wietze", status: StatusOutside, place: "Wietze"},
			{query: "Essen", status: StatusOutside, place: "Essen"},
			{query: "Buchholz in der Nordheide", status: StatusOutside, place: "Buchholz in der Nordheide"},
			{query: "Buchholz/Nordheide", status: StatusOutside, place: "Buchholz in der Nordheide"},
			{query: "Ich wohne in Verden, nahe Rethem", status: StatusOutside, place: "Verden (Aller)"},
		},
		"Buchholz and Münster": {
			{query: "Buchholz", status: StatusMatch, district: ar, place: "buchholz-aller"},
			{query: "Buchholz (Aller)", status: StatusMatch, district: ar, place: "buchholz-aller", method: MethodExact},
			{query: "Münster", status: StatusMatch, district: mb, place: "munster"},
			{query: "Muenster", status: StatusMatch, district: mb, place: "munster"},
		},
		"unknown": {
			{query: "", status: StatusUnknown},
			{query: "?", status: StatusUnknown},
			{query: "Hallo", status: StatusUnknown},
			{query: "Ich brauche Hilfe", status: StatusUnknown},
			{query: "asdfgh", status: StatusUnknown},
			{query: "Москва", status: StatusUnknown},
			{query: "東京", status: StatusUnknown},
			{query: "\xff\xfe", status: StatusUnknown},
			{query: "ich eilte nach Hause", status: StatusUnknown},
		},
	}
	for name, cases := range groups {
		t.Run(name, func(t *testing.T) {
			for _, tt := range cases {
				checkResolve(t, d, tt)
			}
		})
	}
}

func TestResolveAmbiguousTypo(t *testing.T) {
	// In the fixture, Kleindorf exists in both districts: never guess.
	d, err := LoadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []resolveCase{
		{query: "Kleindorf", status: StatusAmbiguous, covers: []string{"nord", "sued"}},
		{query: "Kleindorff", status: StatusAmbiguous, covers: []string{"nord", "sued"}},
		{query: "Kleindorf bei Nordstadt", status: StatusMatch, district: "nord", place: "kleindorf-nordstadt"},
		{query: "29640", status: StatusAmbiguous, covers: []string{"nord", "sued"}},
		{query: "29690", status: StatusMatch, district: "sued"},
		{query: "Fernstadt", status: StatusOutside, place: "Fernstadt"},
	} {
		checkResolve(t, d, tt)
	}
}

func TestResolveUnknownSuggests(t *testing.T) {
	d := mustDefault(t)
	r := d.Resolve("Soltxx")
	if r.Status != StatusUnknown || len(r.Candidates) == 0 || r.Candidates[0].Place.ID != "soltau" {
		t.Errorf("Resolve(Soltxx) = %s %v, want unknown suggesting soltau", r.Status, candidateIDs(r))
	}
}

func TestResolvePrefixSuggestions(t *testing.T) {
	d := mustDefault(t)
	for _, tt := range []struct{ query, want string }{
		{"Dorfm", "dorfmark-bad-fallingbostel"},
		{"wietzend", "wietzendorf"},
		{"Bisp", "bispingen"},
		{"Schnev", "schneverdingen"},
	} {
		r := d.Resolve(tt.query)
		if r.Status != StatusUnknown || len(r.Candidates) == 0 || r.Candidates[0].Place.ID != tt.want || r.Candidates[0].Method != MethodPrefix {
			t.Errorf("Resolve(%q) = %s %v, want unknown suggesting %s first", tt.query, r.Status, candidateIDs(r), tt.want)
		}
	}
	if r := d.Resolve("Do"); len(r.Candidates) != 0 {
		t.Errorf("two letters suggest %v", candidateIDs(r))
	}
}

func TestResolveQueryEcho(t *testing.T) {
	d := mustDefault(t)
	if r := d.Resolve("Soltau\xff"); r.Query != "Soltau\uFFFD" || r.Status != StatusMatch {
		t.Errorf("Query = %q, status %s", r.Query, r.Status)
	}
}

func TestResolveLongInput(t *testing.T) {
	d := mustDefault(t)
	long := strings.Repeat("Hallo wir wohnen ", 100000) + "Soltau"
	if r := d.Resolve(long); r.Status != StatusUnknown {
		t.Errorf("a place after the first %d words: status %s, want unknown", maxTokens, r.Status)
	}
	if r := d.Resolve("Soltau " + long); r.Status != StatusMatch || r.District != sw {
		t.Errorf("long text starting with Soltau: %s %q", r.Status, r.District)
	}
	if r := d.Resolve(strings.Repeat("x", 1<<20)); r.Status != StatusUnknown {
		t.Errorf("one huge word: %s", r.Status)
	}
}

func TestResolveConcurrent(t *testing.T) {
	d := mustDefault(t)
	queries := []string{"Dorfmark", "Soltu", "29664", "Hallo, wir wohnen in Dueshorn", "Cele", "asdf"}
	want := make([]Result, len(queries))
	for i, q := range queries {
		want[i] = d.Resolve(q)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := n % len(queries)
				r := d.Resolve(queries[i])
				if r.Status != want[i].Status || r.District != want[i].District || len(r.Candidates) != len(want[i].Candidates) {
					t.Errorf("concurrent Resolve(%q) = %s %q, want %s %q", queries[i], r.Status, r.District, want[i].Status, want[i].District)
					return
				}
			}
		}()
	}
	wg.Wait()
}
