package directory

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// devQueries is the development set, a copy of the project's shared reference
// data kept in testdata (see testdata/README.md).
var devQueries = filepath.Join("testdata", "dev_queries.tsv")

type devQuery struct {
	query, expect, category string
	districts               []string
}

func readDevQueries(t *testing.T) []devQuery {
	t.Helper()
	f, err := os.Open(devQueries)
	if err != nil {
		t.Fatalf("the development set is part of the repository: %v", err)
	}
	defer f.Close()
	var out []devQuery
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("bad line %q", sc.Text())
		}
		var ds []string
		if cols[2] != "" {
			ds = strings.Split(cols[2], "|")
		}
		out = append(out, devQuery{query: cols[0], expect: cols[1], districts: ds, category: cols[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 500 {
		t.Fatalf("%s has %d queries; is it cut short?", devQueries, len(out))
	}
	return out
}

// judge says whether r is a right answer for q, and whether it is a wrong confident match.
func judge(q devQuery, r Result) (ok, wrongMatch bool) {
	candDistricts := func() []string {
		var ds []string
		for _, c := range r.Candidates {
			ds = append(ds, c.District)
		}
		return ds
	}
	switch q.expect {
	case "match":
		return r.Status == StatusMatch && slices.Contains(q.districts, r.District), r.Status == StatusMatch && !slices.Contains(q.districts, r.District)
	case "ambiguous":
		cd := candDistricts()
		ok = r.Status == StatusAmbiguous
		for _, d := range q.districts {
			ok = ok && slices.Contains(cd, d)
		}
		return ok, r.Status == StatusMatch
	case "outside":
		return r.Status == StatusOutside, r.Status == StatusMatch
	case "reject":
		return r.Status == StatusOutside || r.Status == StatusUnknown, r.Status == StatusMatch
	case "either":
		if r.Status == StatusMatch {
			return slices.Contains(q.districts, r.District), !slices.Contains(q.districts, r.District)
		}
		return r.Status == StatusAmbiguous && slices.Contains(candDistricts(), q.districts[0]), false
	}
	return false, false
}

func TestAccuracyDevQueries(t *testing.T) {
	qs := readDevQueries(t)
	d := mustDefault(t)
	type tally struct{ n, ok int }
	perCat := map[string]*tally{}
	var answerable, answerableOK, outside, outsideOK, wrongConfident int
	for _, q := range qs {
		r := d.Resolve(q.query)
		ok, wrong := judge(q, r)
		c := perCat[q.category]
		if c == nil {
			c = &tally{}
			perCat[q.category] = c
		}
		c.n++
		if ok {
			c.ok++
		} else {
			t.Logf("miss [%s] %q: want %s %v, got %s %q (%s) %d candidates", q.category, q.query, q.expect, q.districts, r.Status, r.District, r.Method, len(r.Candidates))
		}
		switch q.expect {
		case "match", "ambiguous", "either":
			answerable++
			if ok {
				answerableOK++
			}
		case "outside", "reject":
			outside++
			if ok {
				outsideOK++
			}
		}
		if wrong && q.expect != "match" {
			wrongConfident++
		}
	}
	cats := make([]string, 0, len(perCat))
	for c := range perCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		x := perCat[c]
		t.Logf("%-10s %4d/%4d  %6.2f%%", c, x.ok, x.n, 100*float64(x.ok)/float64(x.n))
	}
	accA := float64(answerableOK) / float64(answerable)
	accO := float64(outsideOK) / float64(outside)
	t.Logf("answerable %d/%d = %.2f%%; outside/reject rejected %d/%d = %.2f%%; wrong confident matches on ambiguous/outside: %d",
		answerableOK, answerable, 100*accA, outsideOK, outside, 100*accO, wrongConfident)
	if accA < 0.98 {
		t.Errorf("answerable accuracy %.2f%% < 98%%", 100*accA)
	}
	if accO < 0.99 {
		t.Errorf("outside rejection %.2f%% < 99%%", 100*accO)
	}
	if wrongConfident > 0 {
		t.Errorf("%d wrong confident matches", wrongConfident)
	}
}

func mustDefault(tb testing.TB) *Directory {
	tb.Helper()
	d, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
