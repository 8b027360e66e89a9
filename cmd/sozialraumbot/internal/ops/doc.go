// Package ops serves the operations endpoints of a bot process on their own
// listener (OPS_LISTEN), apart from the webhook:
//
//	/healthz  200 while the process runs (liveness; for Docker's HEALTHCHECK)
//	/readyz   200 when every readiness check passes, else 503 (Redis reachable,
//	          Telegram reached at start); 503 as soon as shutdown begins
//	/metrics  Prometheus metrics
//
// Bodies are small JSON documents; they never hold secrets (errors are passed
// through Options.Redact).
package ops
