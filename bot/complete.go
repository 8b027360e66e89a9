package bot

import (
	"context"
	"sync"
	"time"
)

// completer shares Redis round trips between chats that finish an update at the
// same time (group commit): the first caller runs a completeMany for itself;
// callers that come while it is on its way queue up, and when it returns the
// first of them runs one completeMany for all of them. Under load the calls of
// all workers travel together; alone, a call costs one round trip as before.
type completer struct {
	q *inbox

	mu      sync.Mutex
	queue   []*completion
	running bool
}

// completion is one queued complete call and, once ready is closed, its answer.
type completion struct {
	d     done
	h     head
	err   error
	lead  bool // woken to run the next batch rather than with an answer
	ready chan struct{}
}

// completeTimeout bounds one completeMany: finishing a delivered update matters
// even during shutdown, so it does not run under the dispatcher's context.
const completeTimeout = 5 * time.Second

// complete completes one update (see inbox.completeMany).
func (c *completer) complete(cl *claim, id string) (head, error) {
	x := &completion{d: done{claim: cl, id: id}, ready: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, x)
	if c.running {
		c.mu.Unlock()
		<-x.ready
		if !x.lead {
			return x.h, x.err
		}
		c.mu.Lock()
	}
	c.running = true
	batch := c.queue
	c.queue = nil
	c.mu.Unlock()

	ds := make([]done, len(batch))
	for i, b := range batch {
		ds[i] = b.d
	}
	ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
	hs, err := c.q.completeMany(ctx, ds)
	cancel()
	for i, b := range batch {
		if err != nil {
			b.err = err
		} else {
			b.h = hs[i]
		}
		if b != x {
			close(b.ready)
		}
	}

	c.mu.Lock()
	if len(c.queue) > 0 {
		next := c.queue[0]
		next.lead = true
		close(next.ready)
	} else {
		c.running = false
	}
	c.mu.Unlock()
	return x.h, x.err
}
