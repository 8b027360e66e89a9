//go:build !loadtest

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestLoadtestNotBuiltIn: the product binary has no load tool, and says how to
// run it.
func TestLoadtestNotBuiltIn(t *testing.T) {
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	if code := run(context.Background(), []string{"loadtest", "-parents", "10"}, e); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "go run -tags loadtest ./cmd/sozialraumbot loadtest") {
		t.Errorf("stderr does not say how to run the load tool:\n%s", errb.String())
	}
	out.Reset()
	run(context.Background(), []string{"help"}, e)
	if !strings.Contains(out.String(), "-tags loadtest") {
		t.Errorf("usage does not name the build tag:\n%s", out.String())
	}
}
