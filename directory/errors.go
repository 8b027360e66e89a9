package directory

import (
	"errors"
	"fmt"
)

// Errors a data file can fail with; each is wrapped in a *FieldError that names
// the file, the entry and the field. Check them with errors.Is.
var (
	ErrMissing         = errors.New("missing value")
	ErrUnknownDistrict = errors.New("unknown district")
	ErrDuplicate       = errors.New("duplicate")
	ErrBadPhone        = errors.New("unparsable phone number")
	ErrBadCoordinates  = errors.New("bad coordinates")
	ErrBadPostalCode   = errors.New("bad postal code")
	ErrBadID           = errors.New("bad id")
	ErrBadValue        = errors.New("bad value")
	ErrSyntax          = errors.New("not a valid directory file") // YAML syntax, wrong types, unknown fields
)

// FieldError is a problem with one field of one entry of a data file.
type FieldError struct {
	File  string // the name given to Parse, or the path given to LoadFile
	Line  int    // 1-based line of the entry or field in the file, 0 when unknown
	Entry string // e.g. `places[12] "Dorfmark"`
	Field string // e.g. "district"
	Err   error  // one of the Err* values above, wrapped with details
}

// Error reads like "heidekreis.yaml:123: places[12] "Dorfmark": district: unknown district "x"".
func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s: %v", loc, e.Entry, e.Err)
	}
	return fmt.Sprintf("%s: %s: %s: %v", loc, e.Entry, e.Field, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrUnknownDistrict) works.
func (e *FieldError) Unwrap() error { return e.Err }
