package container

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/goccy/go-yaml"
)

// composeService is the part of a compose service the check uses.
type composeService struct {
	Build struct {
		Context string            `yaml:"context"`
		Args    map[string]string `yaml:"args"`
	} `yaml:"build"`
	Command         []string          `yaml:"command"`
	Environment     map[string]string `yaml:"environment"`
	Secrets         []string          `yaml:"secrets"`
	Ports           []string          `yaml:"ports"`
	ReadOnly        bool              `yaml:"read_only"`
	StopGracePeriod string            `yaml:"stop_grace_period"`
}

// composeFile is the part of compose.yaml the check uses.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Secrets  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

func readCompose(t *testing.T, path string) composeFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// interpolate expands ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}
// and ${VAR?error} as compose does, with vars as the environment (.env).
func interpolate(s string, vars map[string]string) (string, error) {
	var err error
	out := interpolation.ReplaceAllStringFunc(s, func(m string) string {
		sub := interpolation.FindStringSubmatch(m)
		name, op, arg := sub[1], sub[2], sub[3]
		v, set := vars[name]
		empty := !set || (op != "" && op[0] == ':' && v == "")
		switch op {
		case ":-", "-":
			if empty {
				return arg
			}
		case ":?", "?":
			if empty {
				err = fmt.Errorf("%s: %s", name, arg)
				return ""
			}
		}
		return v
	})
	return out, err
}

func TestInterpolate(t *testing.T) {
	vars := map[string]string{"A": "x", "E": ""}
	for in, want := range map[string]string{
		"${A}": "x", "${B}": "", "${B:-d}": "d", "${E:-d}": "d", "${E-d}": "", "${A:?no}": "x", "a${A}b": "axb",
	} {
		got, err := interpolate(in, vars)
		if err != nil || got != want {
			t.Errorf("interpolate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := interpolate("${B:?set B}", vars); err == nil {
		t.Error("${B:?...} with B unset: want an error")
	}
}
