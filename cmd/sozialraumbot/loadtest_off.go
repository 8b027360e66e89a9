//go:build !loadtest

package main

import (
	"context"
	"errors"
)

// loadtestBuilt: the product binary has no load tool (see loadtest.go).
const loadtestBuilt = false

// errNoLoadtest is what `loadtest` answers in a binary built without the tag.
var errNoLoadtest = errors.New("this binary is built without the load tool (it links the fake Bot APIs); run it with: go run -tags loadtest ./cmd/sozialraumbot loadtest")

// runLoadtest says how to get the load tool.
func runLoadtest(_ context.Context, _ []string, _ env) error {
	return errNoLoadtest
}
