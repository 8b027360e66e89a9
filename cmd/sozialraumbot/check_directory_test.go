package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDirectoryEmbedded(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check-directory"}, envFor(strings.NewReader(""), &out, &errb, nil))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"heidekreis.yaml (embedded): valid", "districts: 6", "walsrode", "postal codes: 12", "outside towns:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckDirectoryFile(t *testing.T) {
	var out, errb bytes.Buffer
	small := filepath.Join("..", "..", "directory", "testdata", "small.yaml")
	if code := run(context.Background(), []string{"check-directory", small}, envFor(nil, &out, &errb, nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "small.yaml: valid") || !strings.Contains(out.String(), "places: 5 (4 with coordinates)") {
		t.Errorf("summary:\n%s", out.String())
	}

	data, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	broken := strings.Replace(string(data), "district: nord, postal_codes: [\"29640\"], lat: 53.15", "district: west, postal_codes: [\"29640\"], lat: 53.15", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"check-directory", bad}, envFor(nil, &out, &errb, nil)); code != 1 {
		t.Fatalf("exit %d for a bad file", code)
	}
	for _, want := range []string{"bad.yaml:", `places[1] "Kleindorf"`, "district", `unknown district "west"`} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("error lacks %q:\n%s", want, errb.String())
		}
	}
	if code := run(context.Background(), []string{"check-directory", "a", "b"}, envFor(nil, &out, &errb, nil)); code != 2 {
		t.Errorf("two files: exit %d, want 2", code)
	}
}
