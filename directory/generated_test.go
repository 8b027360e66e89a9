package directory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAccuracyGenerated measures the resolver on queries the development set
// does not have: every place of the data file (also the Wohnplätze the set
// predates) in sentence frames of its own, and with random typos within the
// budget. A typo can make a name equally close to another place, so typo
// queries count as right when they match the district or ask back with it.
func TestAccuracyGenerated(t *testing.T) {
	res := map[string]*tally{}
	d := mustDefault(t)
	for seed := uint64(1); seed <= 5; seed++ {
		generatedRound(t, d, rand.New(rand.NewPCG(seed, 11)), res)
	}
	floors := map[string]float64{"exact": 0.99, "sentence": 0.98, "sentence-lower": 0.95, "typo1": 0.95, "typo2": 0.85, "outside-typo": 0.97, "outside-sentence": 0.98}
	cats := make([]string, 0, len(res))
	for c := range res {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		x := res[c]
		acc := float64(x.ok) / float64(x.n)
		t.Logf("%-16s %5d/%5d %6.2f%%", c, x.ok, x.n, 100*acc)
		if acc < floors[c] {
			t.Errorf("%s: %.2f%% below %.0f%%", c, 100*acc, 100*floors[c])
		}
	}
}

type tally struct{ n, ok int }

func generatedRound(t *testing.T, d *Directory, rng *rand.Rand, res map[string]*tally) {
	frames := []string{
		"%s", "Wir sind aus %s", "I live in %s", "we live near %s", "Moin! Wir wohnen jetzt in %s.",
		"Ich wohne in %s, wer hilft mir?", "%s 🙂", "Familie aus %s", "Hello, my family lives in %s, who can help?",
		"wohnort: %s", "Wir sind nach %s gezogen", "%s, bitte", "Hallo 👋 %s",
	}
	count := func(cat string, ok bool, q string, r Result, want string) {
		x := res[cat]
		if x == nil {
			x = &tally{}
			res[cat] = x
		}
		x.n++
		if ok {
			x.ok++
		} else if testing.Verbose() {
			t.Logf("miss [%s] %q: want %s, got %s %q %v", cat, q, want, r.Status, r.District, candidateIDs(r))
		}
	}
	matchOK := func(r Result, district string, lenient bool) bool {
		if r.Status == StatusMatch {
			return r.District == district
		}
		if lenient && r.Status == StatusAmbiguous {
			return slices.ContainsFunc(r.Candidates, func(c Candidate) bool { return c.District == district })
		}
		return false
	}
	for i, p := range d.places {
		if d.strict[i] {
			continue // strict names count only alone; checked in TestResolve
		}
		name := p.Name
		r := d.Resolve(name)
		// A place whose name is also a municipality's elsewhere in the same
		// district, or that shares its name across districts, may ask back.
		count("exact", matchOK(r, p.District, true), name, r, p.District)
		frame := frames[rng.IntN(len(frames))]
		q := fmt.Sprintf(frame, name)
		r = d.Resolve(q)
		count("sentence", matchOK(r, p.District, true), q, r, p.District)
		q = fmt.Sprintf(frame, strings.ToLower(name))
		r = d.Resolve(q)
		count("sentence-lower", matchOK(r, p.District, true), q, r, p.District)
		key, _ := keyOf(name, false)
		for _, typos := range []int{1, 2} {
			if budget(len(key)) < typos {
				continue
			}
			q := typo(rng, name, typos)
			r := d.Resolve(q)
			count(fmt.Sprintf("typo%d", typos), matchOK(r, p.District, true), q, r, p.District)
		}
	}
	// Outside towns with a typo must never become a local match.
	for _, o := range d.outside {
		if d.Resolve(o.Name).Status != StatusOutside {
			continue // shadowed by a place of the county ("Münster" is taken for Munster)
		}
		for range 3 {
			q := typo(rng, o.Name, 1)
			r := d.Resolve(q)
			count("outside-typo", r.Status != StatusMatch, q, r, "not a match")
		}
		q := fmt.Sprintf(frames[rng.IntN(len(frames))], o.Name)
		r := d.Resolve(q)
		count("outside-sentence", r.Status == StatusOutside, q, r, "outside")
	}
}

// typo applies n random edits (substitution, deletion, insertion, swap) to the
// letters of s, away from the first letter.
func typo(rng *rand.Rand, s string, n int) string {
	r := []rune(s)
	letters := []rune("abcdefghijklmnopqrstuvwxyz")
	for range n {
		if len(r) < 3 {
			break
		}
		i := 1 + rng.IntN(len(r)-1)
		switch rng.IntN(4) {
		case 0:
			r[i] = letters[rng.IntN(len(letters))]
		case 1:
			r = append(r[:i], r[i+1:]...)
		case 2:
			r = slices.Insert(r, i, letters[rng.IntN(len(letters))])
		case 3:
			if i+1 < len(r) {
				r[i], r[i+1] = r[i+1], r[i]
			}
		}
	}
	return string(r)
}
