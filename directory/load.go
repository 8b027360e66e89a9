package directory

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

//go:embed data/heidekreis.yaml
var embedded []byte

// EmbeddedName is the name of the data file built into the binary.
const EmbeddedName = "heidekreis.yaml (embedded)"

// Embedded returns a copy of the data file built into the binary.
func Embedded() []byte { return bytes.Clone(embedded) }

// Default parses and validates the data file built into the binary. It builds
// a new Directory on every call; callers keep the one they need.
func Default() (*Directory, error) {
	return Parse(EmbeddedName, embedded)
}

// LoadFile reads, parses and validates a data file, e.g. a corrected copy
// named in the configuration.
func LoadFile(path string) (*Directory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse parses and validates a data file. name appears in errors; every
// validation problem is a *FieldError naming the file, entry and field, and all
// of them are returned together (errors.Join).
func Parse(name string, data []byte) (*Directory, error) {
	var f file
	if err := decodeYAML(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w:\n%s", name, ErrSyntax, yaml.FormatError(err, false, true))
	}
	l := &lines{data: data}
	d, err := build(name, &f, l)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// decodeYAML decodes data into f, rejecting unknown fields. The YAML library
// panics on some malformed input; such a panic becomes an error, so a broken
// data file is reported, never a crash.
func decodeYAML(data []byte, f *file) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML parser failed on this input: %v", p)
		}
	}()
	return yaml.UnmarshalWithOptions(data, f, yaml.DisallowUnknownField())
}

// lines finds the line of a YAML path for error messages, parsing the file
// into an AST only when there is an error to report.
type lines struct {
	data   []byte
	parsed bool
	file   *ast.File
}

// line returns the 1-based line of path (e.g. "$.places[3].district"), or 0.
func (l *lines) line(path string) int {
	if !l.parsed {
		l.parsed = true
		if f, err := parser.ParseBytes(l.data, 0); err == nil {
			l.file = f
		}
	}
	if l.file == nil {
		return 0
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return 0
	}
	n, err := p.FilterFile(l.file)
	if err != nil || n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}
