package main

import (
	"context"
	"fmt"
	"log/slog"
)

// slogRedisLogger routes go-redis's internal log lines (dial failures during an
// outage) into the process's structured, redacting slog logger.
type slogRedisLogger struct{ log *slog.Logger }

// Printf implements go-redis's internal.Logging.
func (l slogRedisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
