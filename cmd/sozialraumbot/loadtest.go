package main

import (
	"context"
	"errors"
)

// runLoadtest is not built yet (placeholder owned by the issue that builds it).
func runLoadtest(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
