package container

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	Cmd  string // upper case, e.g. RUN
	Args string // the rest, continuation lines joined with a space
	Line int
}

// stage is one FROM ... [AS name] section.
type stage struct {
	Name   string
	From   string
	Instrs []instruction
}

// dockerfile is the parsed Dockerfile: global ARG defaults and the stages.
type dockerfile struct {
	Args   map[string]string
	Stages []stage
}

// parseDockerfile reads a Dockerfile: comments and empty lines are dropped
// (also inside continuations, as Docker does), lines ending in "\" continue.
func parseDockerfile(path string) (*dockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	df := &dockerfile{Args: map[string]string{}}
	var cur strings.Builder
	start, n := 0, 0
	flush := func() error {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return nil
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: start}
		switch {
		case in.Cmd == "FROM":
			fields := strings.Fields(in.Args)
			st := stage{From: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				st.Name = fields[2]
			}
			df.Stages = append(df.Stages, st)
		case len(df.Stages) == 0 && in.Cmd == "ARG":
			k, v, _ := strings.Cut(in.Args, "=")
			df.Args[k] = v
		case len(df.Stages) == 0:
			return fmt.Errorf("line %d: %s before FROM", in.Line, in.Cmd)
		default:
			st := &df.Stages[len(df.Stages)-1]
			st.Instrs = append(st.Instrs, in)
		}
		return nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if body, cont := strings.CutSuffix(line, "\\"); cont {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(line)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return df, nil
}

// stageNamed returns the stage with this name.
func (df *dockerfile) stageNamed(name string) (stage, bool) {
	for _, s := range df.Stages {
		if s.Name == name {
			return s, true
		}
	}
	return stage{}, false
}

// all returns the arguments of every instruction cmd of a stage.
func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.Instrs {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// last returns the last instruction cmd of a stage (the one Docker uses for
// ENTRYPOINT, CMD, USER, HEALTHCHECK).
func (s stage) last(cmd string) (instruction, bool) {
	all := s.all(cmd)
	if len(all) == 0 {
		return instruction{}, false
	}
	return all[len(all)-1], true
}

// flags splits leading --name=value flags off an instruction's arguments.
func flags(args string) (map[string]string, string) {
	out := map[string]string{}
	for strings.HasPrefix(args, "--") {
		tok, rest, _ := strings.Cut(args, " ")
		k, v, _ := strings.Cut(strings.TrimPrefix(tok, "--"), "=")
		out[k] = v
		args = strings.TrimSpace(rest)
	}
	return out, args
}

// execForm decodes the JSON (exec) form of CMD, ENTRYPOINT or HEALTHCHECK CMD.
func execForm(args string) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil || len(out) == 0 {
		return nil, fmt.Errorf("%q is not the exec (JSON) form", args)
	}
	return out, nil
}

// envPairs decodes ENV k=v [k=v ...] (values may be double-quoted).
func envPairs(args string) (map[string]string, error) {
	out := map[string]string{}
	re := regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)`)
	rest := strings.TrimSpace(re.ReplaceAllStringFunc(args, func(m string) string {
		sub := re.FindStringSubmatch(m)
		v := sub[2]
		if strings.HasPrefix(v, `"`) {
			if err := json.Unmarshal([]byte(v), &v); err != nil {
				v = strings.Trim(sub[2], `"`)
			}
		}
		out[sub[1]] = v
		return ""
	}))
	if rest != "" {
		return nil, fmt.Errorf("ENV %q: cannot read %q (use the k=v form)", args, rest)
	}
	return out, nil
}

// ignoreRule is one line of .dockerignore.
type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// readDockerignore reads .dockerignore rules (Docker's syntax: Go filepath
// patterns, "**" for any number of directories, "!" for exceptions; a pattern
// that matches a directory excludes everything in it).
func readDockerignore(path string) ([]ignoreRule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rules []ignoreRule
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			r.negate, line = true, strings.TrimSpace(rest)
		}
		line = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")
		var re strings.Builder
		re.WriteString("^")
		segs := strings.Split(line, "/")
		for i, seg := range segs {
			last := i == len(segs)-1
			if seg == "**" {
				if last {
					re.WriteString(".*")
				} else {
					re.WriteString("(?:.*/)?")
				}
				continue
			}
			for _, c := range seg {
				switch c {
				case '*':
					re.WriteString("[^/]*")
				case '?':
					re.WriteString("[^/]")
				default:
					re.WriteString(regexp.QuoteMeta(string(c)))
				}
			}
			if !last {
				re.WriteString("/")
			}
		}
		re.WriteString("$")
		r.re, err = regexp.Compile(re.String())
		if err != nil {
			return nil, fmt.Errorf(".dockerignore %q: %w", line, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// ignored says whether a context path (slash-separated, relative) is left out:
// the last rule that matches it or one of its parent directories decides.
func ignored(rules []ignoreRule, rel string) bool {
	out := false
	for _, r := range rules {
		p := rel
		for {
			if r.re.MatchString(p) {
				out = !r.negate
				break
			}
			i := strings.LastIndex(p, "/")
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	return out
}

// copyContext copies the build context (root minus .dockerignore) to dst and
// returns the number of files copied.
func copyContext(t *testing.T, root, dst string) int {
	t.Helper()
	rules, err := readDockerignore(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if ignored(rules, rel) {
			if d.IsDir() && !hasException(rules) {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			n++
			return os.WriteFile(target, b, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func hasException(rules []ignoreRule) bool {
	for _, r := range rules {
		if r.negate {
			return true
		}
	}
	return false
}

// TestDockerignore pins the matcher to Docker's rules for the patterns used.
func TestDockerignore(t *testing.T) {
	dir := t.TempDir()
	ign := ".git\n# comment\n*.env\nsecrets/\n**/*_test.go\nDockerfile\ndocs/**\n!docs/keep.md\n"
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte(ign), 0o644); err != nil {
		t.Fatal(err)
	}
	rules, err := readDockerignore(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		".git": true, ".git/config": true, "x.env": true, "a/x.env": false, "secrets/token": true,
		"bot/bot_test.go": true, "bot_test.go": true, "bot/bot.go": false, "Dockerfile": true,
		"cmd/Dockerfile": false, "docs/a.md": true, "docs/keep.md": false, "go.mod": false, ".gitignore": false,
	} {
		if got := ignored(rules, path); got != want {
			t.Errorf("ignored(%q) = %v, want %v", path, got, want)
		}
	}
}
