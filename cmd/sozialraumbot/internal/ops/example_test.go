package ops_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/metrics"
	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/ops"
)

// How serve wires the listener: Redis and Telegram decide readiness, the
// process's collectors are served on /metrics.
func Example() {
	m := metrics.New()
	telegram := ops.NewOnce("telegram") // Done(err) after getMe at start
	srv := ops.New(ops.Options{
		Addr:    "127.0.0.1:9090",
		Checks:  []ops.Check{telegram.Check() /*, ops.Redis(redisClient) */},
		Metrics: m.Handler(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		// Redact: cfg.Redact, so no error text shows the token
	})
	// In serve: go srv.ListenAndServe(ctx); it drains /readyz and stops when ctx ends.

	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	telegram.Done(nil)
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 503 {"status":"fail","checks":{"telegram":"fail: not checked yet"}}
	// 200 {"status":"ok","checks":{"telegram":"ok"}}
}
