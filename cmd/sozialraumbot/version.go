package main

import (
	"context"
	"errors"
)

// runVersion is not built yet (placeholder owned by the issue that builds it).
func runVersion(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
