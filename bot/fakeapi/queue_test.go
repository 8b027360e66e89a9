package fakeapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

func TestQueue(t *testing.T) {
	ctx := context.Background()
	q := fakeapi.NewQueue(10)
	if ids := q.Push(models.Update{}, models.Update{ID: 20}, models.Update{}); ids[0] != 10 || ids[1] != 20 || ids[2] != 21 {
		t.Fatalf("ids = %v", ids)
	}
	if got := q.Poll(ctx, 0, 2, 0, nil); len(got) != 2 {
		t.Errorf("limit 2: %d updates", len(got))
	}
	q.Confirm(21)
	if q.Pending() != 1 || q.Confirmed() != 21 {
		t.Errorf("after confirming 21: pending %d, confirmed %d", q.Pending(), q.Confirmed())
	}
	q.Confirm(5) // an older offset confirms nothing more
	if q.Confirmed() != 21 {
		t.Errorf("confirmed went back to %d", q.Confirmed())
	}

	// A long poll gets the next push (whether it waits for it or comes after it).
	got := make(chan int, 1)
	go func() { got <- len(q.Poll(ctx, 22, 100, time.Minute, nil)) }()
	q.Push(models.Update{})
	if n := <-got; n != 1 {
		t.Errorf("long poll returned %d updates", n)
	}

	done := make(chan struct{})
	close(done)
	if out := q.Poll(ctx, 1000, 100, time.Minute, done); out != nil {
		t.Errorf("a closed server's poll returned %d updates", len(out))
	}
	q.Drop()
	if q.Pending() != 0 {
		t.Errorf("pending after Drop: %d", q.Pending())
	}
}
