package main

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRunChat(t *testing.T) {
	var out, errOut strings.Builder
	e := env{
		stdin: strings.NewReader("Dorfmark\n/sprache\n"), stdout: &out, stderr: &errOut,
		getenv: func(k string) string {
			if k == "LANG" {
				return "en_GB.UTF-8"
			}
			return ""
		},
	}
	if err := runChat(context.Background(), nil, e); err != nil {
		t.Fatalf("runChat: %v (stderr: %s)", err, errOut.String())
	}
	for _, want := range []string{"Where do you live?", "Vier Linden GmbH & Co. KG", "Deutsch"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	e.stdin = strings.NewReader("")
	if err := runChat(context.Background(), []string{"--lang", "tr"}, e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Nerede oturuyorsunuz?") {
		t.Errorf("--lang tr: %s", out.String())
	}
	if err := runChat(context.Background(), []string{"--nope"}, e); !errors.Is(err, errUsage) {
		t.Errorf("bad flag: %v", err)
	}
	if err := runChat(context.Background(), []string{"--directory", "/no/such/file"}, e); err == nil {
		t.Error("missing directory file: want an error")
	}
}

func TestLangFromLocale(t *testing.T) {
	for in, want := range map[string]string{"": "de", "C": "de", "de_DE.UTF-8": "de-DE", "ar_SY.UTF-8@x": "ar-SY", "uk": "uk"} {
		if got := langFromLocale(in); got != want {
			t.Errorf("langFromLocale(%q) = %q, want %q", in, got, want)
		}
	}
}
