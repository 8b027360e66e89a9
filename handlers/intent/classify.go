package intent

import (
	"slices"
)

// Classifier classifies texts with the embedded lexicons. It is immutable
// and safe for concurrent use.
type Classifier struct {
	langs []*language
}

// New loads the embedded lexicons (lexicon/*.toml).
func New() (*Classifier, error) {
	langs, err := loadLexicons(lexiconFiles, "lexicon")
	if err != nil {
		return nil, err
	}
	return &Classifier{langs: langs}, nil
}

// Classify tells what text is about. The patterns of every language of the
// text's script are tried (a parent may mix languages): crisis first, then
// small talk (a message of small talk only), needs and questions. It never
// fails; a text with nothing recognised is Other.
func (c *Classifier) Classify(text string) Result {
	ws := words(text)
	res := Result{Intent: Other}
	if len(ws) == 0 {
		return res
	}
	sc := script(ws)
	var langs []*language
	for _, l := range c.langs {
		if l.script == sc {
			langs = append(langs, l)
		}
	}
	res.Lang = detect(langs, ws)
	// The detected language first: its patterns decide kinds and topics.
	slices.SortStableFunc(langs, func(a, b *language) int {
		switch {
		case a.lang == res.Lang && b.lang != res.Lang:
			return -1
		case b.lang == res.Lang && a.lang != res.Lang:
			return 1
		}
		return 0
	})

	for _, l := range langs {
		for _, r := range l.crisis {
			if r.p.match(ws, l.negations, l.negAfter) != nil {
				res.Intent = Crisis
				res.Kinds = appendNew(res.Kinds, Kind(r.kind))
			}
		}
	}
	if res.Intent != Crisis {
		// A message of small talk only ("vielen Dank für die Hilfe") is
		// small talk, even with a word of a need in it.
		if k, ok := smallTalk(langs, ws); ok {
			res.Intent, res.Kinds = SmallTalk, []Kind{k}
			return res
		}
	}
	for _, l := range langs {
		for _, r := range l.need {
			if r.p.match(ws, l.negations, l.negAfter) == nil {
				continue
			}
			if res.Intent == Other {
				res.Intent = Need
			}
			if r.kind != topicGeneral {
				res.Topics = appendNew(res.Topics, r.kind)
			}
		}
	}
	switch res.Intent {
	case Crisis:
		if res.Has(KindChild) {
			res.Topics = appendNew([]string{TopicChildProtection}, res.Topics...)
		}
		return res
	case Need:
		return res
	}
	for _, l := range langs {
		for _, r := range l.questions {
			if r.p.match(ws, nil, false) != nil {
				res.Kinds = appendNew(res.Kinds, Kind(r.kind))
			}
		}
	}
	return res // Other, with the question's kind if any
}

// smallTalk reports whether every word of ws belongs to a small-talk phrase
// or is a filler, and which kind the first phrase is.
func smallTalk(langs []*language, ws []string) (Kind, bool) {
	covered := make([]bool, len(ws))
	var first Kind
	firstPos := len(ws)
	for _, l := range langs {
		for _, r := range l.small {
			for start := range ws {
				pos := r.p.matchAt(ws, start)
				if pos == nil || pos[len(pos)-1]-pos[0] != len(pos)-1 {
					continue // small-talk phrases are contiguous
				}
				for _, p := range pos {
					covered[p] = true
				}
				if pos[0] < firstPos {
					first, firstPos = Kind(r.kind), pos[0]
				}
			}
		}
	}
	if first == "" {
		return "", false
	}
	for i, w := range ws {
		if covered[i] {
			continue
		}
		filler := false
		for _, l := range langs {
			filler = filler || l.fillers[w]
		}
		if !filler {
			return "", false
		}
	}
	return first, true
}

// detect picks the language of ws among langs by its marker words; "" when
// none has any (a lone place name). For Cyrillic, letters only Ukrainian
// (і, ї, є, ґ) or only Russian (ы, э, ъ) has decide first.
func detect(langs []*language, ws []string) string {
	if len(langs) == 1 {
		return langs[0].lang
	}
	// On a tie the bot's own languages win (Ukrainian before Russian).
	langs = slices.Clone(langs)
	slices.SortStableFunc(langs, func(a, b *language) int { return preference(a.lang) - preference(b.lang) })
	best, bestN := "", 0
	for _, l := range langs {
		n := 0
		for _, w := range ws {
			if l.markers[w] {
				n++
			}
			n += letterHint(l.lang, w)
		}
		if n > bestN {
			best, bestN = l.lang, n
		}
	}
	return best
}

// preference orders languages for ties: the bot's languages first.
func preference(lang string) int {
	if i := slices.Index([]string{"de", "en", "uk", "ar", "tr"}, lang); i >= 0 {
		return i
	}
	return 10
}

// letterHint counts letters that only one Cyrillic language uses.
func letterHint(lang, w string) int {
	n := 0
	for _, r := range w {
		switch r {
		case 'і', 'є':
			if lang == "uk" {
				n++
			}
		case 'ы', 'э', 'ъ':
			if lang == "ru" {
				n++
			}
		}
	}
	return n
}

func appendNew[T comparable](s []T, xs ...T) []T {
	for _, x := range xs {
		if !slices.Contains(s, x) {
			s = append(s, x)
		}
	}
	return s
}
