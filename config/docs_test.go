package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEDocumentsEverySetting keeps the operator documentation complete: each
// environment variable and YAML key appears in README.md's configuration table.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readme)
	for _, s := range settingsOf(&Config{}) {
		if !strings.Contains(doc, "`"+s.Env+"`") {
			t.Errorf("README.md does not document %s", s.Env)
		}
		if s.YAML != "" && !strings.Contains(doc, "`"+s.YAML+"`") {
			t.Errorf("README.md does not document the YAML key %s", s.YAML)
		}
	}
	for _, s := range settingsOf(&secretFiles{}) {
		if !strings.Contains(doc, "`"+strings.TrimSuffix(s.Env, "_FILE")+"` / `_FILE`") {
			t.Errorf("README.md does not document %s", s.Env)
		}
	}
	for _, d := range flagDefs {
		if !strings.Contains(doc, "-"+d.name) {
			t.Errorf("README.md does not document the flag -%s", d.name)
		}
	}
}

// TestCIRunsTheREADMETestCommand: the command the README tells people to run is
// the one CI runs.
func TestCIRunsTheREADMETestCommand(t *testing.T) {
	const cmd = "go test -race ./..."
	for _, f := range []string{"README.md", filepath.Join(".ci", "run")} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\n"+cmd+"\n") && !strings.Contains(string(b), "\ngo test -race ./... ||") {
			t.Errorf("%s does not run %q on a line of its own", f, cmd)
		}
	}
}
