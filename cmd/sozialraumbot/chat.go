package main

import (
	"context"
	"errors"
)

// runChat is not built yet (placeholder owned by the issue that builds it).
func runChat(ctx context.Context, args []string, e env) error {
	return errors.New("not built yet")
}
