package main

import (
	"context"
	"errors"
)

// runCheckDirectory is not built yet (placeholder owned by the issue that builds it).
func runCheckDirectory(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
