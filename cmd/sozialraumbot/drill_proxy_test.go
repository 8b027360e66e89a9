package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"
)

// drillProxy is the load balancer in front of the replicas of a drill: a
// reverse proxy on 127.0.0.1 that sends each request to the next backend in
// turn and, when a backend does not answer (connection refused or reset), to
// the next one, as nginx with proxy_next_upstream does. When every backend
// fails it answers 502, and Telegram delivers again. It can also fail on its
// own, to make Telegram retry: refuseEvery turns every nth request away with
// 503 before forwarding it, loseEvery forwards every nth request and then
// answers 502 instead of the backend's answer (an acknowledgement lost on the
// way back: the update is in, and comes again).
type drillProxy struct {
	srv         *httptest.Server
	backends    []string // host:port
	transport   *http.Transport
	refuseEvery int
	loseEvery   int

	mu        sync.Mutex
	n         int // requests received
	next      int // round-robin position
	forwarded map[string]int
	failovers int // attempts on a backend that did not answer
	refused   int // turned away on purpose
	lost      int // answers replaced on purpose
	badGate   int // 502s because no backend answered
}

type proxySeqKey struct{}

// startDrillProxy starts the proxy; it is closed when the test ends.
func startDrillProxy(t *testing.T, backends []string, refuseEvery, loseEvery int) *drillProxy {
	t.Helper()
	p := &drillProxy{backends: backends, refuseEvery: refuseEvery, loseEvery: loseEvery, forwarded: map[string]int{}}
	p.transport = &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 32,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&url.URL{Scheme: "http", Host: backends[0]}) // the host is chosen in RoundTrip
			pr.Out.Host = pr.In.Host
		},
		Transport: p,
		ModifyResponse: func(resp *http.Response) error {
			if n, _ := resp.Request.Context().Value(proxySeqKey{}).(int); p.loseEvery > 0 && n%p.loseEvery == p.loseEvery/2 {
				p.mu.Lock()
				p.lost++
				p.mu.Unlock()
				return errors.New("answer lost on purpose")
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.n++
		n := p.n
		refuse := p.refuseEvery > 0 && n%p.refuseEvery == p.refuseEvery/2
		if refuse {
			p.refused++
		}
		p.mu.Unlock()
		if refuse {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), proxySeqKey{}, n)))
	}))
	t.Cleanup(func() {
		p.srv.Close()
		p.transport.CloseIdleConnections()
	})
	return p
}

// RoundTrip forwards to the next backend in turn, and on to the others while
// one does not answer. The body is kept to be sent again.
func (p *drillProxy) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("proxy: reading the body: %w", err)
	}
	p.mu.Lock()
	start := p.next
	p.next = (p.next + 1) % len(p.backends)
	p.mu.Unlock()
	var errs []error
	for i := range p.backends {
		host := p.backends[(start+i)%len(p.backends)]
		out := r.Clone(r.Context())
		out.URL.Host = host
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.ContentLength = int64(len(body))
		resp, err := p.transport.RoundTrip(out)
		if err == nil {
			p.mu.Lock()
			p.forwarded[host]++
			p.mu.Unlock()
			return resp, nil
		}
		errs = append(errs, err)
		if r.Context().Err() != nil {
			break
		}
		p.mu.Lock()
		p.failovers++
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.badGate++
	p.mu.Unlock()
	return nil, fmt.Errorf("proxy: no backend answered: %w", errors.Join(errs...))
}

// url is the proxy's URL with path.
func (p *drillProxy) url(path string) string { return p.srv.URL + path }

// stats describes what the proxy did.
func (p *drillProxy) stats() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("%d requests, forwarded %v, %d failovers, %d refused and %d answers lost on purpose, %d with no backend answering",
		p.n, p.forwarded, p.failovers, p.refused, p.lost, p.badGate)
}
