package directory

import (
	"slices"
	"strings"
)

// candidate is a place or outside town with the best hit that named it.
type candidate struct {
	place, outside int32
	score          float64
	method         Method
	demoted        bool // named only as a point of reference ("bei Soltau")
	first, last    int
}

// decide turns the hits of s into a Result.
func (d *Directory) decide(q string, s *scratch) Result {
	res := Result{Query: q, Status: StatusUnknown}
	ix := d.index(s)
	// Accept the best hits that do not overlap, preferring higher scores and
	// longer stretches ("Buchholz in der Nordheide" over "Buchholz"). Hits on
	// the same stretch with the same score are all kept: they tie.
	hits := s.hits
	for i := range hits {
		hits[i].covers = s.covers(hits[i])
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.suggestion != b.suggestion {
			if a.suggestion {
				return 1
			}
			return -1
		}
		if a.covers != b.covers {
			return b.covers - a.covers // "Buchholz in der Nordhiede" over "Buchholz"
		}
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return (b.last - b.first) - (a.last - a.first)
	})
	accepted := s.accepted[:0]
	suggestions := s.suggestions[:0]
	defer func() { s.accepted, s.suggestions = accepted[:0], suggestions[:0] }()
	for _, h := range hits {
		if s.weak(ix, h) || s.commonInSentence(ix, h) {
			continue
		}
		if h.suggestion {
			suggestions = append(suggestions, h)
			continue
		}
		ok := true
		for _, a := range accepted {
			if h.overlaps(a) && !(h.first == a.first && h.last == a.last && h.score == a.score) {
				ok = false
				break
			}
		}
		if ok {
			accepted = append(accepted, h)
		}
	}

	// Turn hits into candidates, one per place or outside town.
	cands := s.cands[:0]
	defer func() { s.cands = cands[:0] }()
	addCand := func(c candidate) {
		for i := range cands {
			if cands[i].place == c.place && cands[i].outside == c.outside {
				if c.score > cands[i].score {
					cands[i] = c
				}
				return
			}
		}
		cands = append(cands, c)
	}
	for _, h := range accepted {
		demoted := s.demoted(h.first)
		if h.key < 0 {
			for _, p := range ix.postal[h.postal] {
				addCand(candidate{place: p, outside: -1, score: h.score, method: h.method, demoted: demoted, first: h.first, last: h.last})
			}
			continue
		}
		if o := s.markedTown(ix, h); o >= 0 {
			// "Buchholz, Landkreis Harburg", "Winsen (Luhe)": a word next
			// to the name picks one outside town among what it stands for.
			score := h.score
			if h.score < scoreExact {
				score += kindPrior(KindStadt)
			}
			addCand(candidate{place: -1, outside: o, score: score, method: h.method, demoted: demoted, first: h.first, last: h.last})
			continue
		}
		for _, e := range ix.keys[h.key].entries {
			score := h.score
			if h.score < scoreExact {
				kind := KindStadt // outside towns rank like municipalities
				if e.place >= 0 {
					kind = d.places[e.place].Kind
				}
				score += kindPrior(kind)
			}
			addCand(candidate{place: e.place, outside: e.outside, score: score, method: h.method, demoted: demoted, first: h.first, last: h.last})
		}
	}
	// A place named only as a reference point yields to another one.
	if slices.ContainsFunc(cands, func(c candidate) bool { return !c.demoted }) {
		for i := range cands {
			if cands[i].demoted {
				cands[i].score /= 2
			}
		}
	}
	bestLocal, bestOut := -1.0, -1.0
	out := -1
	for _, c := range cands {
		if c.place >= 0 {
			bestLocal = max(bestLocal, c.score)
		} else if c.score > bestOut {
			bestOut, out = c.score, int(c.outside)
		}
	}

	switch {
	case out >= 0 && (bestOut > bestLocal+scoreEpsilon || (bestOut >= bestLocal-scoreEpsilon && bestOut < scoreExact)):
		// An outside town named at least as well as any place of the county:
		// never a local match for "Cele" or "Verden". Only when both are
		// named exactly ("Celle, Soltau") does the place of the county win.
		o := d.outside[out]
		res.Status, res.Outside = StatusOutside, &o
		return res
	case bestLocal < 0:
		res.Candidates = d.suggest(s, suggestions)
		return res
	}

	local := s.local[:0]
	defer func() { s.local = local[:0] }()
	for _, c := range cands {
		if c.place >= 0 {
			local = append(local, c)
		}
	}
	slices.SortStableFunc(local, func(a, b candidate) int {
		if a.score > b.score {
			return -1
		}
		if a.score < b.score {
			return 1
		}
		return 0
	})
	top := 0
	for top < len(local) && local[top].score >= bestLocal-scoreEpsilon {
		top++
	}
	// Among equally good places, those whose municipality is also named win
	// ("Marbostel bei Soltau", "Kleindorf, Nordstadt").
	named := func(c candidate) bool {
		m := d.places[c.place].Municipality
		return slices.ContainsFunc(local, func(o candidate) bool {
			return o.place != c.place && o.first != c.first && d.places[o.place].Name == m && IsMunicipality(d.places[o.place].Kind)
		})
	}
	slices.SortStableFunc(local[:top], func(a, b candidate) int {
		na, nb := named(a), named(b)
		switch {
		case na && !nb:
			return -1
		case nb && !na:
			return 1
		}
		return 0
	})
	if named(local[0]) {
		n := 1
		for n < top && named(local[n]) {
			n++
		}
		top = n
	}
	district := d.places[local[0].place].District
	for _, c := range local[:top] {
		if d.places[c.place].District != district {
			res.Status = StatusAmbiguous
			res.Candidates = d.candidates(local)
			return res
		}
	}
	chosen := local[0]
	res.Candidates = d.candidates(local)
	p := &res.Candidates[0].Place
	res.Status = StatusMatch
	res.District = p.District
	res.Place = p
	res.Method = chosen.method
	switch {
	case chosen.method != MethodNormalised:
	case s.leftover(accepted):
		res.Method = MethodSentence
	case isName(strings.TrimSpace(q), *p):
		res.Method = MethodExact
	}
	return res
}

// weak reports whether h names a strict key inside a longer text without the
// signs of a place name. An everyday word ("hope", "Insel", "einem") counts
// when capitalised, or right after "in", "aus", "from", ... unless it is a
// filler itself ("in einem Dorf"). Any other strict name ("Kamerun",
// "Langwedel") counts only without other content words around it.
func (s *scratch) weak(ix *index, h hit) bool {
	if h.key < 0 || !ix.keys[h.key].strict || len(s.content) < 2 {
		return false
	}
	ti := s.content[h.first]
	w := s.t.bytes(ti)
	if h.first == h.last && commonWords[string(w)] {
		prep := ti > 0 && placePrepositions[string(s.t.bytes(ti-1))]
		return !(s.t.list[ti].upper || prep && !fillers[string(w)])
	}
	for c, tj := range s.content {
		if (c < h.first || c > h.last) && !fillers[string(s.t.bytes(tj))] {
			return true
		}
	}
	return false
}

// kindPrior slightly prefers, among equally close misspellings, the larger
// kind of place: a municipality over an Ortsteil over a Wohnplatz ("Avlern" is
// Alvern, not the hamlet Avern). Equally close places of the same kind in
// different districts stay ambiguous.
func kindPrior(kind string) float64 {
	switch {
	case IsMunicipality(kind):
		return 0.004
	case kind == KindOrtsteil:
		return 0.002
	}
	return 0
}

// covers counts the words of h that are not fillers.
func (s *scratch) covers(h hit) int {
	n := 0
	for c := h.first; c <= h.last; c++ {
		if !fillers[string(s.t.bytes(s.content[c]))] {
			n++
		}
	}
	return n
}

// demoted reports whether the word at content position c follows "bei",
// "near", "in der Nähe von" and the like.
func (s *scratch) demoted(c int) bool {
	ti := s.content[c]
	for back := 1; back <= 3 && ti-back >= 0; back++ {
		w := s.t.bytes(ti - back)
		if nearWords[string(w)] {
			return true
		}
		if !fillers[string(w)] {
			return false
		}
	}
	return false
}

// leftover reports whether the text has words besides the accepted hits,
// qualifiers and reference words: a place found inside a sentence.
func (s *scratch) leftover(accepted []hit) bool {
	for c := range s.content {
		covered := false
		for _, h := range accepted {
			if c >= h.first && c <= h.last {
				covered = true
				break
			}
		}
		if !covered {
			return true
		}
	}
	return false
}

func isName(q string, p Place) bool {
	return q == p.Name || slices.Contains(p.Aliases, q)
}

func (d *Directory) candidates(cs []candidate) []Candidate {
	n := min(len(cs), maxCandidates)
	out := make([]Candidate, 0, n)
	for _, c := range cs[:n] {
		p := d.places[c.place]
		out = append(out, Candidate{Place: p, District: p.District, Score: c.score, Method: c.method})
	}
	return out
}

// minPrefix is the shortest beginning of a name that is completed.
const minPrefix = 3

// suggest turns near misses into ranked suggestions, places only; a single
// word that begins a name ("Dorfm", typed into inline mode) suggests the names
// it begins.
func (d *Directory) suggest(s *scratch, hs []hit) []Candidate {
	var out []Candidate
	add := func(place int32, score float64, m Method) {
		if len(out) == maxSuggestions || slices.ContainsFunc(out, func(c Candidate) bool { return c.Place.ID == d.places[place].ID }) {
			return
		}
		p := d.places[place]
		out = append(out, Candidate{Place: p, District: p.District, Score: score, Method: m})
	}
	ix := d.index(s)
	for _, h := range hs {
		for _, e := range ix.keys[h.key].entries {
			if e.place >= 0 {
				add(e.place, h.score, MethodTypo)
			}
		}
	}
	if len(s.content) == 1 && !s.t.list[s.content[0]].digits {
		w := s.t.bytes(s.content[0])
		if len(w) >= minPrefix {
			var found []int32
			ix.withPrefix(w, func(k int32) bool {
				found = append(found, k)
				return len(found) < 4*maxSuggestions
			})
			// Shorter completions first: "Wietz" suggests Wietzendorf before Wietzendorfer Moor.
			slices.SortStableFunc(found, func(a, b int32) int { return len(d.idx.keys[a].s) - len(d.idx.keys[b].s) })
			for _, k := range found {
				key := ix.keys[k]
				for _, e := range key.entries {
					if e.place >= 0 {
						add(e.place, scoreSuggestion*(0.5+0.5*float64(len(w))/float64(len(key.s))), MethodPrefix)
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return out
}
