package main

import (
	"context"
	"errors"
)

// runLookup is not built yet (placeholder owned by the issue that builds it).
func runLookup(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
