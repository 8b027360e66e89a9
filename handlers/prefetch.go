package handlers

import (
	"context"
	"sync/atomic"
)

// Prefetched is a stored value the transport read in the same Redis call that
// handed it the update (the chat's state, read by the inbox scripts under the
// chat's lock), so that the store need not ask Redis again. Key is the store's
// key it was read from: a store uses it only for exactly that key, and only
// once (a second read in the same turn goes to Redis).
type Prefetched struct {
	Key   string
	Value []byte
	Found bool // false: nothing was stored under Key

	used atomic.Bool
}

type prefetchedKey struct{}

// WithPrefetched returns ctx carrying p for the conversation's store.
func WithPrefetched(ctx context.Context, p *Prefetched) context.Context {
	return context.WithValue(ctx, prefetchedKey{}, p)
}

// TakePrefetched returns the value prefetched for key in ctx, the first time it
// is asked for; ok is false when there is none (or it was taken already).
func TakePrefetched(ctx context.Context, key string) (value []byte, found, ok bool) {
	p, _ := ctx.Value(prefetchedKey{}).(*Prefetched)
	if p == nil || p.Key != key || !p.used.CompareAndSwap(false, true) {
		return nil, false, false
	}
	return p.Value, p.Found, true
}
