package main

import (
	"context"
	"errors"
)

// runConfig is not built yet (placeholder owned by the issue that builds it).
func runConfig(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
