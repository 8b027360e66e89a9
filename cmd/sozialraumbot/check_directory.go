package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/heidekreis/sozialraumbot/directory"
)

// runCheckDirectory validates a directory data file (the embedded one when no
// FILE is given) and prints a summary: districts, places per district, postal
// codes and outside towns. Invalid data is an error naming file, entry and field.
func runCheckDirectory(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("check-directory", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: sozialraumbot check-directory [FILE]")
		fmt.Fprintln(e.stderr, "Validates FILE (default: the embedded data file) and prints a summary.")
	}
	if help, err := parseFlags(fs, args, 1); help || err != nil {
		return err
	}
	var (
		dir *directory.Directory
		err error
	)
	if fs.NArg() == 1 {
		dir, err = directory.LoadFile(fs.Arg(0))
	} else {
		dir, err = directory.Default()
	}
	if err != nil {
		return fmt.Errorf("invalid directory:\n%w", err)
	}
	return printDirectorySummary(e.stdout, dir)
}

func printDirectorySummary(w io.Writer, dir *directory.Directory) error {
	var b strings.Builder
	places := dir.Places()
	withCoords := 0
	for _, p := range places {
		if p.HasCoordinates() {
			withCoords++
		}
	}
	prog := dir.Programme()
	fmt.Fprintf(&b, "%s: valid\n", dir.Name())
	fmt.Fprintf(&b, "programme: %s (facts from %s)\n", prog.Short, prog.SourceDate)
	fmt.Fprintf(&b, "languages: %s\n", languageSummary(dir.Languages()))
	fmt.Fprintf(&b, "districts: %d\n", len(dir.Districts()))
	for _, d := range dir.Districts() {
		n, munis := 0, 0
		for _, p := range places {
			if p.District == d.ID {
				n++
				if directory.IsMunicipality(p.Kind) {
					munis++
				}
			}
		}
		fmt.Fprintf(&b, "  %-30s %3d places (%d municipalities), %d phone numbers, provider %s\n", d.ID, n, munis, len(d.Phones), d.Provider)
	}
	fmt.Fprintf(&b, "places: %d (%d with coordinates)\n", len(places), withCoords)
	fmt.Fprintf(&b, "postal codes: %d (%s)\n", len(dir.PostalCodes()), strings.Join(dir.PostalCodes(), " "))
	fmt.Fprintf(&b, "outside towns: %d\n", len(dir.Outside()))
	_, err := io.WriteString(w, b.String())
	return err
}

// languageSummary says per language of the data file's parent-facing texts
// whether it is the source, complete, or shown in German on purpose.
func languageSummary(langs []directory.Language) string {
	parts := make([]string, 0, len(langs))
	for _, l := range langs {
		switch {
		case l.Code == directory.SourceLanguage:
			parts = append(parts, l.Code+" (source)")
		case l.Complete():
			parts = append(parts, l.Code+" (translated)")
		default:
			parts = append(parts, l.Code+" (falls back to "+l.Fallback+")")
		}
	}
	return strings.Join(parts, ", ")
}
