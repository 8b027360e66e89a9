package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type lookupJSON struct {
	Query      string `json:"query"`
	Status     string `json:"status"`
	District   string `json:"district"`
	Place      string `json:"place"`
	Candidates []struct {
		Place    string  `json:"place"`
		District string  `json:"district"`
		Score    float64 `json:"score"`
	} `json:"candidates"`
	Intent string   `json:"intent"`
	Topics []string `json:"topics"`
}

func lookupEnv(stdin io.Reader, env map[string]string) (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return envFor(stdin, &out, &errb, env), &out, &errb
}

func envFor(stdin io.Reader, out, errw io.Writer, vars map[string]string) env {
	return env{stdin: stdin, stdout: out, stderr: errw, getenv: func(k string) string { return vars[k] }}
}

func decodeLines(t *testing.T, out string) []lookupJSON {
	t.Helper()
	var res []lookupJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if !utf8.Valid(sc.Bytes()) {
			t.Fatalf("invalid UTF-8 line %q", sc.Text())
		}
		var a lookupJSON
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		res = append(res, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestLookupJSONArgs(t *testing.T) {
	e, out, _ := lookupEnv(strings.NewReader(""), nil)
	err := runLookup(context.Background(), []string{"--json", "Dorfmark", "29664", "Cele", "asdfgh", "Hallo, wir wohnen in Düshorn"}, e)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeLines(t, out.String())
	want := []struct{ status, district, place string }{
		{"match", "bad-fallingbostel-osterheide", "Dorfmark"},
		{"ambiguous", "", ""},
		{"outside", "", "Celle"},
		{"unknown", "", ""},
		{"match", "walsrode", "Düshorn"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		if got[i].Status != w.status || got[i].District != w.district || got[i].Place != w.place {
			t.Errorf("answer %d = %+v, want %+v", i, got[i], w)
		}
		if got[i].Candidates == nil {
			t.Errorf("answer %d: candidates must be an array, not null", i)
		}
	}
	if got[0].Query != "Dorfmark" || got[0].Candidates[0].District != "bad-fallingbostel-osterheide" || got[0].Candidates[0].Score != 1 {
		t.Errorf("first answer = %+v", got[0])
	}
	if len(got[1].Candidates) < 2 {
		t.Errorf("ambiguous answer without choices: %+v", got[1])
	}
	// Raw shape: exactly the documented keys.
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(first, `{"query":"Dorfmark","status":"match","district":"bad-fallingbostel-osterheide","place":"Dorfmark","candidates":[{"place":"Dorfmark","district":"bad-fallingbostel-osterheide","score":1}],"intent":"place"}`) {
		t.Errorf("first line = %s", first)
	}
}

func TestLookupStdinOrderAndOddLines(t *testing.T) {
	long := strings.Repeat("x", maxLookupLine+10)
	in := "Soltau\r\n\n\xff\xfeWalsrode\n" + long + "\nMunster" // no final newline
	e, out, _ := lookupEnv(strings.NewReader(in), nil)
	if err := runLookup(context.Background(), []string{"--json"}, e); err != nil {
		t.Fatal(err)
	}
	got := decodeLines(t, out.String())
	if len(got) != 5 {
		t.Fatalf("%d answers for 5 lines", len(got))
	}
	checks := []struct{ query, status, district string }{
		{"Soltau", "match", "soltau-wietzendorf"},
		{"", "unknown", ""},
		{"\uFFFDWalsrode", "match", "walsrode"}, // a run of invalid bytes becomes one U+FFFD
		{"", "unknown", ""},                     // query checked below
		{"Munster", "match", "munster-bispingen"},
	}
	for i, c := range checks {
		if (i != 3 && got[i].Query != c.query) || got[i].Status != c.status || got[i].District != c.district {
			t.Errorf("answer %d = %q %s %s, want %q %s %s", i, got[i].Query, got[i].Status, got[i].District, c.query, c.status, c.district)
		}
	}
	if len(got[3].Query) != maxLookupLine {
		t.Errorf("overlong line echoed with %d bytes, want it cut to %d", len(got[3].Query), maxLookupLine)
	}
}

func TestLookup100kLines(t *testing.T) {
	queries := []string{"Dorfmark", "Soltu", "29664", "Hallo, wir wohnen in Bomlitz", "Celle", "asdf"}
	var in strings.Builder
	const n = 100000
	for i := range n {
		in.WriteString(queries[i%len(queries)])
		in.WriteByte('\n')
	}
	e, out, _ := lookupEnv(strings.NewReader(in.String()), nil)
	start := time.Now()
	if err := runLookup(context.Background(), []string{"--json"}, e); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines out for %d in", len(lines), n)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, fmt.Sprintf(`{"query":%q,`, queries[i%len(queries)])) {
			t.Fatalf("line %d out of order: %s", i, l)
		}
	}
	t.Logf("%d lines in %v (%.1f µs/line)", n, elapsed, float64(elapsed.Microseconds())/n)
}

// TestLookupStreams writes one line at a time into a pipe and reads each
// answer before writing the next: answers must not wait for the end of input.
func TestLookupStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	e := envFor(inR, outW, io.Discard, nil)
	done := make(chan error, 1)
	go func() {
		err := runLookup(context.Background(), []string{"--json"}, e)
		outW.CloseWithError(err)
		done <- err
	}()
	answers := bufio.NewReader(outR)
	for _, q := range []string{"Dorfmark", "Soltau", "Cele"} {
		if _, err := io.WriteString(inW, q+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := answers.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, fmt.Sprintf(`"query":%q`, q)) {
			t.Fatalf("answer %s for %q", line, q)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLookupText(t *testing.T) {
	e, out, _ := lookupEnv(strings.NewReader("Dorfmark\n29664\nCelle\nSoltxx\n"), nil)
	if err := runLookup(context.Background(), nil, e); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 4 {
		t.Errorf("%d lines out for 4 in", n)
	}
	for _, want := range []string{
		`"Dorfmark": Dorfmark (Bad Fallingbostel) -> Sozialraumbezirk Stadt Bad Fallingbostel / Gemeindefreier Bezirk Osterheide [bad-fallingbostel-osterheide, exact]`,
		`"29664": ambiguous, one of: Ostenholz (Osterheide) -> bad-fallingbostel-osterheide | Walsrode -> walsrode` + "\n",
		`"Celle": outside the Heidekreis: Celle (Landkreis Celle)`,
		`"Soltxx": unknown, did you mean: Soltau (soltau-wietzendorf)`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestLookupDirectoryFile(t *testing.T) {
	small := filepath.Join("..", "..", "directory", "testdata", "small.yaml")
	e, out, _ := lookupEnv(strings.NewReader(""), nil)
	if err := runLookup(context.Background(), []string{"--json", "--directory", small, "Nordstadt"}, e); err != nil {
		t.Fatal(err)
	}
	if got := decodeLines(t, out.String()); len(got) != 1 || got[0].District != "nord" {
		t.Errorf("with --directory: %s", out)
	}
	e, out, _ = lookupEnv(strings.NewReader(""), map[string]string{"DIRECTORY_FILE": small})
	if err := runLookup(context.Background(), []string{"--json", "Nordstadt"}, e); err != nil {
		t.Fatal(err)
	}
	if got := decodeLines(t, out.String()); len(got) != 1 || got[0].District != "nord" {
		t.Errorf("with DIRECTORY_FILE: %s", out)
	}
	e, _, _ = lookupEnv(strings.NewReader(""), nil)
	if err := runLookup(context.Background(), []string{"--directory", "missing.yaml", "x"}, e); err == nil {
		t.Error("missing directory file: no error")
	}
}

func TestLookupUsage(t *testing.T) {
	e, _, _ := lookupEnv(strings.NewReader(""), nil)
	if err := runLookup(context.Background(), []string{"--bogus"}, e); !errors.Is(err, errUsage) {
		t.Errorf("err = %v, want errUsage", err)
	}
}

func TestLookupCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e, _, _ := lookupEnv(strings.NewReader("Soltau\n"), nil)
	if err := runLookup(ctx, []string{"--json"}, e); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestLookupIntent: every answer says what the text is about; a crisis or a
// need without a place is never a match, whatever ordinary words it has.
func TestLookupIntent(t *testing.T) {
	e, out, _ := lookupEnv(strings.NewReader(""), nil)
	err := runLookup(context.Background(), []string{"--json",
		"Mein Mann schlägt mich", "Ich will nicht mehr leben", "Ich brauche Hilfe mit meinem Sohn",
		"wir suchen eine tagesmutter in walsrode", "Hallo", "Dorfmark", "hallo wir wohnen in bispingen",
		"Sprechen Sie Englisch?", "чоловік мене б'є"}, e)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		intent, status, district, topic string
	}{
		{"crisis", "unknown", "", ""},
		{"crisis", "unknown", "", ""},
		{"need", "unknown", "", "family-counselling"},
		{"need", "match", "walsrode", "childcare"},
		{"smalltalk", "unknown", "", ""},
		{"place", "match", "bad-fallingbostel-osterheide", ""},
		{"place", "match", "munster-bispingen", ""},
		{"other", "unknown", "", ""},
		{"crisis", "unknown", "", ""},
	}
	got := decodeLines(t, out.String())
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Intent != w.intent || g.Status != w.status || g.District != w.district {
			t.Errorf("%q: intent %s status %s district %q, want %s %s %q", g.Query, g.Intent, g.Status, g.District, w.intent, w.status, w.district)
		}
		if w.topic != "" && (len(g.Topics) == 0 || g.Topics[0] != w.topic) {
			t.Errorf("%q: topics %v, want %s first", g.Query, g.Topics, w.topic)
		}
		if (w.intent == "crisis" || w.intent == "need") && w.status == "unknown" && len(g.Candidates) > 0 {
			t.Errorf("%q: candidates %v for a %s without a place", g.Query, g.Candidates, w.intent)
		}
	}
}
