package intent

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:embed lexicon/*.toml
var lexiconFiles embed.FS

// lexiconFile is the schema of lexicon/<lang>.toml.
type lexiconFile struct {
	Lang string `toml:"lang"`
	// Script is "latin", "cyrillic" or "arabic".
	Script string `toml:"script"`
	// Markers are frequent words that tell the language.
	Markers []string `toml:"markers"`
	// Negations cancel a match near them ("nicht", "kein").
	Negations []string `toml:"negations"`
	// NegationAfter: a negation right after a match cancels it too ("er
	// schlägt mich nicht"); in languages that negate before the verb it
	// belongs to the next clause ("підліток не слухається").
	NegationAfter bool `toml:"negation_after"`
	// Fillers may accompany small talk ("sehr", "vielen", "ihnen").
	Fillers []string `toml:"fillers"`
	// Crisis patterns by kind (violence, child, sexual, suicide, threat).
	Crisis map[string][]string `toml:"crisis"`
	// Need patterns by topic (an offering id, or "general").
	Need map[string][]string `toml:"need"`
	// SmallTalk words or phrases by kind (hello, thanks, bye, yes, no):
	// a message of these words and fillers only is small talk.
	SmallTalk map[string][]string `toml:"smalltalk"`
	// Questions by kind (cost, hours, language, visit).
	Questions map[string][]string `toml:"questions"`
}

// language is one compiled lexicon.
type language struct {
	lang      string
	script    rune
	markers   map[string]bool
	negations map[string]bool
	negAfter  bool
	fillers   map[string]bool
	crisis    []rule
	need      []rule
	small     []rule
	questions []rule
}

// rule is a pattern with what it stands for.
type rule struct {
	kind string // crisis kind, need topic, small-talk kind or question kind
	p    pattern
}

// loadLexicons compiles every lexicon/*.toml of fsys.
func loadLexicons(fsys fs.FS, dir string) ([]*language, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, fmt.Errorf("intent: listing lexicons: %w", err)
	}
	var out []*language
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("intent: reading %s: %w", f, err)
		}
		var lf lexiconFile
		md, err := toml.Decode(string(b), &lf)
		if err != nil {
			return nil, fmt.Errorf("intent: %s: %w", f, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return nil, fmt.Errorf("intent: %s: unknown keys %v", f, und)
		}
		l, err := compileLexicon(lf)
		if err != nil {
			return nil, fmt.Errorf("intent: %s: %w", f, err)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("intent: no lexicon in %s", dir)
	}
	return out, nil
}

var (
	crisisKinds = []string{string(KindViolence), string(KindChild), string(KindSexual), string(KindSuicide), string(KindThreat)}
	smallKinds  = []string{string(KindHello), string(KindThanks), string(KindBye), string(KindYes), string(KindNo)}
	questKinds  = []string{string(KindCost), string(KindHours), string(KindLanguage), string(KindVisit)}
	needTopics  = []string{TopicChildProtection, TopicChildcare, TopicInformationEvents, TopicProjects,
		TopicFamilyCounselling, TopicLowThreshold, topicGeneral}
)

func compileLexicon(lf lexiconFile) (*language, error) {
	l := &language{lang: lf.Lang, markers: set(lf.Markers), negations: set(lf.Negations), negAfter: lf.NegationAfter, fillers: set(lf.Fillers)}
	switch lf.Script {
	case "latin":
		l.script = 'L'
	case "cyrillic":
		l.script = 'C'
	case "arabic":
		l.script = 'A'
	default:
		return nil, fmt.Errorf("script %q is not latin, cyrillic or arabic", lf.Script)
	}
	if l.lang == "" {
		return nil, fmt.Errorf("lang missing")
	}
	var err error
	if l.crisis, err = rules(lf.Crisis, crisisKinds); err != nil {
		return nil, fmt.Errorf("crisis: %w", err)
	}
	if l.need, err = rules(lf.Need, needTopics); err != nil {
		return nil, fmt.Errorf("need: %w", err)
	}
	if l.small, err = rules(lf.SmallTalk, smallKinds); err != nil {
		return nil, fmt.Errorf("smalltalk: %w", err)
	}
	if l.questions, err = rules(lf.Questions, questKinds); err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	return l, nil
}

// rules compiles the patterns of known kinds, in the order of kinds.
func rules(m map[string][]string, kinds []string) ([]rule, error) {
	for k := range m {
		if !slices.Contains(kinds, k) {
			return nil, fmt.Errorf("unknown kind %q (known: %s)", k, strings.Join(kinds, ", "))
		}
	}
	var out []rule
	for _, k := range kinds {
		for _, src := range m[k] {
			p := compile(src)
			if len(p.words) == 0 {
				return nil, fmt.Errorf("%s: pattern %q has no words", k, src)
			}
			out = append(out, rule{kind: k, p: p})
		}
	}
	return out, nil
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		for _, v := range spellings(w) {
			for _, n := range words(v) {
				m[n] = true
			}
		}
	}
	return m
}
