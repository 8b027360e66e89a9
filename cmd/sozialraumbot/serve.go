package main

import (
	"context"
	"errors"
)

// runServe is not built yet (placeholder owned by the issue that builds it).
func runServe(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
