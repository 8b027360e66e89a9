package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers/intent"
)

// maxLookupLine is the longest input line resolved; a longer line still gets
// one answer (status unknown) and the command carries on.
const maxLookupLine = 1 << 20

// runLookup resolves place names: each TEXT argument, or else each line of
// standard input, streaming one answer line per input line in input order
// (JSON with --json, else a line for a person).
func runLookup(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per input line")
	file := fs.String("directory", "", "directory data `file` replacing the embedded one (env DIRECTORY_FILE)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: sozialraumbot lookup [--json] [--directory FILE] [TEXT...]")
		fmt.Fprintln(e.stderr, "Resolves each TEXT, or each line of standard input when none is given, and says what")
		fmt.Fprintln(e.stderr, "it is about (intent: crisis, need, smalltalk, place or other).")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args, -1); help || err != nil {
		return err
	}
	dir, err := openDirectory(*file, e)
	if err != nil {
		return err
	}
	cls, err := intent.New()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	answer := func(q string) error {
		c := cls.Classify(q)
		r := withIntent(dir.Resolve(q), c)
		if *asJSON {
			return writeLookupJSON(w, q, r, c)
		}
		return writeLookupText(w, dir, r, c)
	}
	if fs.NArg() > 0 {
		for _, q := range fs.Args() {
			if err := answer(q); err != nil {
				return err
			}
		}
		return w.Flush()
	}

	r := bufio.NewReaderSize(e.stdin, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			w.Flush()
			return err
		}
		// Flush before a read that may wait, so answers stream to a pipe
		// while a file is still answered in large writes.
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
		line, tooLong, err := readLine(r)
		if err != nil && line == "" && !tooLong {
			if errors.Is(err, io.EOF) {
				return w.Flush()
			}
			w.Flush()
			return fmt.Errorf("reading standard input: %w", err)
		}
		if tooLong {
			res := directory.Result{Query: line, Status: directory.StatusUnknown}
			c := intent.Result{Intent: intent.Other}
			if *asJSON {
				err = writeLookupJSON(w, line, res, c)
			} else {
				err = writeLookupText(w, dir, res, c)
			}
		} else {
			err = answer(line)
		}
		if err != nil {
			return err
		}
	}
}

// openDirectory loads the file named by the flag or DIRECTORY_FILE
// (SOZIALRAUMBOT_DIRECTORY is also accepted), or the embedded data file.
func openDirectory(file string, e env) (*directory.Directory, error) {
	if file == "" && e.getenv != nil {
		file = e.getenv("DIRECTORY_FILE")
		if file == "" {
			file = e.getenv("SOZIALRAUMBOT_DIRECTORY")
		}
	}
	if file == "" {
		return directory.Default()
	}
	return directory.LoadFile(file)
}

// readLine reads one line without its line ending. A line longer than
// maxLookupLine is returned cut to that length with tooLong set; the rest of it
// is skipped. At the end of input it returns the last unterminated line, if
// any, and io.EOF with the next call.
func readLine(r *bufio.Reader) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(b)+len(chunk) > maxLookupLine {
			chunk = chunk[:maxLookupLine-len(b)]
			tooLong = true
		}
		b = append(b, chunk...)
		if err != nil {
			if len(b) > 0 || tooLong {
				return string(b), tooLong, nil
			}
			return "", false, err
		}
		if !isPrefix {
			return string(b), tooLong, nil
		}
		if tooLong {
			// skip the rest of the line
			for isPrefix && err == nil {
				_, isPrefix, err = r.ReadLine()
			}
			return string(b), true, nil
		}
	}
}

type lookupCandidate struct {
	Place    string  `json:"place"`
	District string  `json:"district"`
	Score    float64 `json:"score"`
}

type lookupAnswer struct {
	Query      string            `json:"query"`
	Status     directory.Status  `json:"status"`
	District   string            `json:"district"`
	Place      string            `json:"place"`
	Candidates []lookupCandidate `json:"candidates"`
	Intent     intent.Intent     `json:"intent"`
	Topics     []string          `json:"topics,omitempty"`
}

// withIntent keeps a crisis or need message that names no place from
// looking like a place answer: its status is unknown, never match, and its
// candidates (suggestions from ordinary words) are dropped. The bot answers
// such a message the same way (handlers.handleText).
func withIntent(r directory.Result, c intent.Result) directory.Result {
	if (c.Intent == intent.Crisis || c.Intent == intent.Need) && r.Status == directory.StatusUnknown {
		r.Candidates = nil
	}
	return r
}

func writeLookupJSON(w io.Writer, q string, r directory.Result, c intent.Result) error {
	a := lookupAnswer{
		Query:      strings.ToValidUTF8(q, "\uFFFD"),
		Status:     r.Status,
		District:   r.District,
		Candidates: []lookupCandidate{},
		Intent:     c.With(r.Status != directory.StatusUnknown),
		Topics:     c.Topics,
	}
	switch {
	case r.Place != nil:
		a.Place = r.Place.Name
	case r.Outside != nil:
		a.Place = r.Outside.Name
	}
	for _, c := range r.Candidates {
		a.Candidates = append(a.Candidates, lookupCandidate{Place: c.Place.Name, District: c.District, Score: math.Round(c.Score*1000) / 1000})
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

func writeLookupText(w io.Writer, dir *directory.Directory, r directory.Result, c intent.Result) error {
	q := strings.ToValidUTF8(r.Query, "\uFFFD")
	if len(q) > 200 {
		q = strings.ToValidUTF8(q[:200], "") + "…"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q: ", q)
	placeText := func(p directory.Place) string {
		if p.Name == p.Municipality {
			return p.Name
		}
		return fmt.Sprintf("%s (%s)", p.Name, p.Municipality)
	}
	switch r.Status {
	case directory.StatusMatch:
		name := r.District
		if d, ok := dir.District(r.District); ok {
			name = d.Name
		}
		fmt.Fprintf(&b, "%s -> %s [%s, %s]", placeText(*r.Place), name, r.District, r.Method)
	case directory.StatusAmbiguous:
		b.WriteString("ambiguous, one of:")
		for i, c := range r.Candidates {
			if i > 0 {
				b.WriteString(" |")
			}
			fmt.Fprintf(&b, " %s -> %s", placeText(c.Place), c.District)
		}
	case directory.StatusOutside:
		fmt.Fprintf(&b, "outside the Heidekreis: %s (%s)", r.Outside.Name, r.Outside.County)
	default:
		b.WriteString("unknown")
		if len(r.Candidates) > 0 {
			b.WriteString(", did you mean:")
			for _, c := range r.Candidates {
				fmt.Fprintf(&b, " %s (%s)", placeText(c.Place), c.District)
			}
		}
	}
	if in := c.With(r.Status != directory.StatusUnknown); in != intent.Place {
		fmt.Fprintf(&b, " [intent %s", in)
		if len(c.Topics) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(c.Topics, ", "))
		}
		b.WriteByte(']')
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}
