package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// scripted is a Replier whose calls fail with the given errors in turn, then succeed.
type scripted struct {
	errs  []error
	calls int
}

func (s *scripted) next() error {
	s.calls++
	if len(s.errs) == 0 {
		return nil
	}
	err := s.errs[0]
	s.errs = s.errs[1:]
	return err
}

func (s *scripted) Send(context.Context, int64, handlers.Message) error        { return s.next() }
func (s *scripted) SendContact(context.Context, int64, handlers.Contact) error { return s.next() }
func (s *scripted) AnswerCallback(context.Context, string, string) error       { return s.next() }
func (s *scripted) AnswerInline(context.Context, string, []handlers.InlineResult) error {
	return s.next()
}

func TestRetrier(t *testing.T) {
	ra := func(s int) error {
		return fmt.Errorf("wrapped: %w", &handlers.RetryAfterError{After: time.Duration(s) * time.Second})
	}
	temp := fmt.Errorf("x: %w", handlers.ErrTemporary)
	tests := []struct {
		name      string
		errs      []error
		wantCalls int
		wantWaits []time.Duration
		wantErr   error
	}{
		{"success", nil, 1, nil, nil},
		{"429 waits exactly retry_after", []error{ra(3)}, 2, []time.Duration{3 * time.Second}, nil},
		{"429 too long is returned", []error{ra(31)}, 1, nil, &handlers.RetryAfterError{}},
		{"5xx backs off", []error{temp, temp}, 3, []time.Duration{500 * time.Millisecond, time.Second}, nil},
		{"5xx gives up", []error{temp, temp, temp, temp}, 4,
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, handlers.ErrTemporary},
		{"403 not retried", []error{handlers.ErrBlocked}, 1, nil, handlers.ErrBlocked},
		{"400 not retried", []error{handlers.ErrBadRequest}, 1, nil, handlers.ErrBadRequest},
		{"429 bounded", []error{ra(1), ra(1), ra(1), ra(1), ra(1)}, 5,
			[]time.Duration{time.Second, time.Second, time.Second, time.Second}, &handlers.RetryAfterError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &scripted{errs: slices.Clone(tt.errs)}
			r := NewRetrier(next)
			r.Log = slog.New(slog.DiscardHandler)
			var waits []time.Duration
			r.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			err := r.Send(context.Background(), 1, handlers.Message{Text: "x"})
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Errorf("err = %v", err)
				}
			case *handlers.RetryAfterError:
				if !errors.As(err, &want) {
					t.Errorf("err = %v, want RetryAfterError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if next.calls != tt.wantCalls || !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("calls %d waits %v, want %d %v", next.calls, waits, tt.wantCalls, tt.wantWaits)
			}
		})
	}
}

func TestRetrierStopsWithContext(t *testing.T) {
	next := &scripted{errs: []error{&handlers.RetryAfterError{After: 20 * time.Second}}}
	r := NewRetrier(next)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.AnswerCallback(ctx, "x", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if next.calls != 1 {
		t.Errorf("calls = %d", next.calls)
	}
}

func TestRetrierOverTheAPI(t *testing.T) {
	s, api, _ := newTestSender(t)
	r := NewRetrier(s)
	r.Log = slog.New(slog.DiscardHandler)
	r.Backoff = time.Millisecond
	api.FailNext("sendMessage", 1, 429, 1)
	api.FailNext("sendMessage", 1, 502, 0)
	api.FailNext("sendMessage", 1, 0, 0) // connection dropped
	api.SetLatency("sendMessage", 5*time.Millisecond)
	if err := r.Send(context.Background(), 8, handlers.Message{Text: "einmal"}); err != nil {
		t.Fatal(err)
	}
	reqs := api.Requests("sendMessage")
	var statuses []int
	for _, q := range reqs {
		statuses = append(statuses, q.Status)
	}
	if !slices.Equal(statuses, []int{429, 502, 0, 200}) {
		t.Errorf("statuses %v", statuses)
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second {
		t.Errorf("resent %v after a 429 with retry_after 1 s", gap)
	}
	if got := len(api.Sent("sendMessage", 8)); got != 1 {
		t.Errorf("%d messages delivered", got)
	}
	api.FailChat(8, 403, -1)
	if err := r.Send(context.Background(), 8, handlers.Message{Text: "x"}); !errors.Is(err, handlers.ErrBlocked) {
		t.Errorf("blocked: %v", err)
	}
	if got := len(api.ChatRequests(8)); got != 5 {
		t.Errorf("a blocked chat was tried %d times", got-4)
	}
}
