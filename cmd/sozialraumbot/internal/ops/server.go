package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. Only Addr is needed for ListenAndServe.
type Options struct {
	// Addr is the listen address, e.g. "127.0.0.1:9090".
	Addr string
	// Checks decide readiness; all must pass. Run concurrently on every /readyz.
	Checks []Check
	// Details are shown by /readyz beside the checks without deciding readiness.
	Details []Detail
	// CheckTimeout bounds each check (default 2s).
	CheckTimeout time.Duration
	// Metrics serves /metrics (e.g. metrics.Metrics.Handler()); nil: 404.
	Metrics http.Handler
	// Redact removes secrets from error texts before they are shown (e.g.
	// config.Config.Redact); nil: shown as they are.
	Redact func(string) string
	// ShutdownTimeout bounds the graceful shutdown (default 5s).
	ShutdownTimeout time.Duration
	// Logger for start, stop and failed checks (default slog.Default()).
	Logger *slog.Logger
}

// Server serves /healthz, /readyz and /metrics.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	draining atomic.Bool
}

// New returns a Server; it does not listen yet.
func New(opts Options) *Server {
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 5 * time.Second
	}
	if opts.Redact == nil {
		opts.Redact = func(s string) string { return s }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = http.NotFoundHandler()
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", opts.Metrics)
	return s
}

// Handler returns the HTTP handler of all endpoints.
func (s *Server) Handler() http.Handler { return s.mux }

// Drain makes /readyz answer 503 from now on, so load balancers stop sending
// traffic before the process stops. Serve calls it when its context ends.
func (s *Server) Drain() { s.draining.Store(true) }

// ListenAndServe listens on Options.Addr and serves until ctx ends, then shuts
// down gracefully. It returns nil after a clean shutdown.
func (s *Server) ListenAndServe(ctx context.Context) error {
	l, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("ops listener: %w", err)
	}
	return s.Serve(ctx, l)
}

// Serve serves on l until ctx ends, then drains and shuts down gracefully.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	s.opts.Logger.Info("ops listener started", "addr", l.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("ops listener: %w", err)
	case <-ctx.Done():
	}
	s.Drain()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.opts.Logger.Info("ops listener stopped")
	if err != nil {
		return fmt.Errorf("ops listener shutdown: %w", err)
	}
	return nil
}

type status struct {
	Status  string            `json:"status"`
	Checks  map[string]string `json:"checks,omitempty"`
	Details map[string]any    `json:"details,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, status{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, status{Status: "shutting down"})
		return
	}
	results := s.run(r.Context())
	st := status{Status: "ok", Checks: map[string]string{}}
	code := http.StatusOK
	names := make([]string, 0, len(results))
	for name := range results {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		err := results[name]
		if err == nil {
			st.Checks[name] = "ok"
			continue
		}
		msg := s.opts.Redact(err.Error())
		st.Checks[name] = "fail: " + msg
		st.Status, code = "fail", http.StatusServiceUnavailable
		s.opts.Logger.Warn("readiness check failed", "check", name, "err", msg)
	}
	st.Details = s.details()
	writeJSON(w, code, st)
}

// details collects the Details that have a value.
func (s *Server) details() map[string]any {
	var out map[string]any
	for _, d := range s.opts.Details {
		v := d.Value()
		if v == nil {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[d.Name] = v
	}
	return out
}

// run runs every check concurrently, each with its own timeout.
func (s *Server) run(ctx context.Context) map[string]error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := make(map[string]error, len(s.opts.Checks))
	for _, c := range s.opts.Checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
			defer cancel()
			err := runCheck(cctx, c)
			mu.Lock()
			defer mu.Unlock()
			if prev, seen := out[c.Name]; !seen || prev == nil { // a failure wins over a pass of the same name
				out[c.Name] = err
			}
		})
	}
	wg.Wait()
	return out
}

// runCheck runs one check, turning a panic or an overrun into an error.
func runCheck(ctx context.Context, c Check) (err error) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("check panicked: %v", r)
			}
		}()
		done <- c.Check(ctx)
	}()
	select {
	case err = <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("no answer in time: %w", ctx.Err())
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
