package config

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every *SettingError, so callers can test any
// configuration problem with errors.Is(err, config.ErrInvalid).
var ErrInvalid = errors.New("invalid configuration")

// SettingError is one problem with one setting.
type SettingError struct {
	// Setting names the setting: its environment variable (e.g. "BROADCAST_RATE"),
	// a flag ("-log-level"), or a path in the YAML file (e.g. "staff[1].districts").
	Setting string
	// Problem says what is wrong, in words an operator understands.
	Problem string
	// Err is the underlying error, if any.
	Err error
}

func (e *SettingError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Setting, e.Problem, e.Err)
	}
	return e.Setting + ": " + e.Problem
}

// Unwrap returns the underlying error and ErrInvalid.
func (e *SettingError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// problems collects SettingErrors so that one start shows every problem at once.
type problems []error

func (p *problems) add(setting, format string, args ...any) {
	*p = append(*p, &SettingError{Setting: setting, Problem: fmt.Sprintf(format, args...)})
}

func (p *problems) wrap(setting, problem string, err error) {
	*p = append(*p, &SettingError{Setting: setting, Problem: problem, Err: err})
}

func (p problems) err() error { return errors.Join(p...) }
