package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers"
)

// errLockLost: another worker owns the recipient now; leave the entry to it.
var errLockLost = errors.New("broadcast: recipient lock lost")

// errCancelled: the broadcast was cancelled while this worker waited to send.
var errCancelled = errors.New("broadcast: cancelled while waiting")

// lock is a worker's hold on one recipient (or part, reminder, report) of one
// broadcast, and on the stream entry it works on. meta, when set, is the
// broadcast checked for a cancel whenever the lock is renewed. entry and
// consumer name the stream entry each renewal keeps fresh ("" for none).
type lock struct {
	key, token, meta string
	entry, consumer  string
}

// lockTTL is the lifetime of a recipient lock without renewal: three quarters of
// ClaimIdle, so a dead worker's lock has expired when its entry is taken over.
// A live worker renews it (and its entry) every third of it, also while it
// waits for Telegram's answer (heartbeat).
func (s *Service) lockTTL() time.Duration {
	return max(s.opts.ClaimIdle*3/4, 100*time.Millisecond)
}

// send paces and sends one message, retrying as Telegram asks. It returns the
// outcome (delivered, blocked, failed), or an error when it gave up the entry
// (ctx cancelled, lock lost, Redis unavailable for pacing).
func (s *Service) send(ctx context.Context, r Sender, chat int64, text string, lk lock, count bool) (string, error) {
	return s.do(ctx, chat, lk, count, func(ctx context.Context) error {
		return r.Send(ctx, chat, handlers.Message{Text: text})
	})
}

// do paces one Bot API call into chat and makes it, retrying as Telegram asks
// (429: exactly retry_after; 5xx and network: with backoff, MaxAttempts times).
// It returns the outcome (delivered, blocked, failed), or an error when it gave
// up the entry (ctx cancelled, lock lost, Redis unavailable for pacing).
func (s *Service) do(ctx context.Context, chat int64, lk lock, count bool, call func(context.Context) error) (string, error) {
	attempts := 0
	for {
		if err := s.pace(ctx, chat, lk); err != nil {
			return "", err
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.SendTimeout)
		stop := s.heartbeat(ctx, lk)
		err := call(sctx)
		stop()
		cancel()
		var ra *handlers.RetryAfterError
		switch {
		case err == nil:
			return outDelivered, nil
		case errors.Is(err, handlers.ErrBlocked):
			return outBlocked, nil
		case errors.Is(err, handlers.ErrBadRequest):
			s.opts.Logger.WarnContext(ctx, "broadcast worker: message rejected by the API", "err", err)
			return outFailed, nil
		case errors.As(err, &ra):
			if count {
				s.opts.Counted("retried")
			}
			// Everybody pauses; this worker waits exactly retry_after and tries again.
			if err := s.rdb.Set(ctx, s.key("bc", "pause"), "1", max(ra.After, time.Millisecond)).Err(); err != nil {
				s.opts.Logger.WarnContext(ctx, "broadcast worker: setting the pause failed", "err", err)
			}
			if err := s.sleep(ctx, ra.After, lk); err != nil {
				return "", err
			}
		default: // ErrTemporary and anything unknown (network)
			attempts++
			if attempts >= s.opts.MaxAttempts {
				s.opts.Logger.WarnContext(ctx, "broadcast worker: giving up after temporary errors",
					"attempts", attempts, "err", err)
				return outFailed, nil
			}
			if count {
				s.opts.Counted("retried")
			}
			if err := s.sleep(ctx, s.backoff(attempts), lk); err != nil {
				return "", err
			}
		}
	}
}

func (s *Service) backoff(attempt int) time.Duration {
	d := s.opts.Backoff
	for i := 1; i < attempt && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// pace waits until the shared limiter allows a message into chat, then renews the lock.
func (s *Service) pace(ctx context.Context, chat int64, lk lock) error {
	keys := []string{s.key("bc", "rate"), s.key("bc", "chat", strconv.FormatInt(chat, 10)), s.key("bc", "pause")}
	interval := int64(float64(time.Second/time.Microsecond) / s.opts.Rate)
	for {
		waitUS, err := paceScript.Run(ctx, s.rdb, keys, max(interval, 1), s.opts.PerChatInterval.Milliseconds()).Int64()
		if err != nil {
			return err
		}
		if waitUS <= 0 {
			return s.refresh(ctx, lk)
		}
		if err := s.sleep(ctx, time.Duration(waitUS)*time.Microsecond, lk); err != nil {
			return err
		}
	}
}

// sleep waits d, renewing the lock on the way so that no other worker takes the
// recipient over while this one waits (e.g. for a long retry_after).
func (s *Service) sleep(ctx context.Context, d time.Duration, lk lock) error {
	step := min(s.lockTTL()/3, time.Second) // also how soon a cancel is seen
	for d > 0 {
		w := min(d, step)
		if !sleepCtx(ctx, w) {
			return ctx.Err()
		}
		d -= w
		if d > 0 {
			if err := s.refresh(ctx, lk); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) refresh(ctx context.Context, lk lock) error {
	meta, check := lk.meta, "1"
	if meta == "" {
		meta, check = lk.key, "0" // a key of the same slot, not read
	}
	res, err := refreshScript.Run(ctx, s.rdb, []string{lk.key, meta, s.streamKey()},
		lk.token, s.lockTTL().Milliseconds(), check, group, lk.consumer, lk.entry).Int()
	switch {
	case err != nil:
		return err
	case res == 0:
		return errLockLost
	case res == 2:
		return errCancelled
	}
	return nil
}

// heartbeat renews the lock and its entry every third of the lock's lifetime
// while a Bot API call runs, so that a slow answer from Telegram does not let
// another worker take the recipient over (and send a second message). Once the
// lock is lost it stops. The returned function stops it.
func (s *Service) heartbeat(ctx context.Context, lk lock) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(s.lockTTL() / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				err := s.refresh(context.WithoutCancel(ctx), lk)
				switch {
				case errors.Is(err, errLockLost):
					s.opts.Logger.WarnContext(ctx, "broadcast worker: recipient lock lost during a send")
					return
				case err != nil && !errors.Is(err, errCancelled):
					s.opts.Logger.WarnContext(ctx, "broadcast worker: renewing a recipient lock during a send failed", "err", err)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

func (s *Service) release(ctx context.Context, lk lock) {
	_ = releaseScript.Run(context.WithoutCancel(ctx), s.rdb, []string{lk.key}, lk.token).Err()
}

// sendReport sends the delivery report of a finished broadcast to its sender, once.
func (s *Service) sendReport(ctx context.Context, r Sender, id, entry, consumer string) {
	lk := lock{key: s.lockKey(id, "report"), token: rand.Text(), entry: entry, consumer: consumer}
	check, err := reportCheckScript.Run(ctx, s.rdb, []string{s.metaKey(id), lk.key}, lk.token, s.lockTTL().Milliseconds()).Text()
	if err != nil {
		s.opts.Logger.WarnContext(ctx, "broadcast worker: report check failed", "bc", id, "err", err)
		return
	}
	switch check {
	case checkGone, checkDone:
		s.ackOnly(ctx, entry)
		return
	case checkLocked:
		return
	}
	mark := "0"
	j, jerr := s.job(ctx, id)
	st, serr := s.Status(ctx, id)
	switch {
	case jerr != nil || (serr != nil && !errors.Is(serr, handlers.ErrNotFound)):
		s.release(ctx, lk)
		return // Redis trouble: retried after ClaimIdle
	case j != nil && serr == nil && j.senderChat != 0:
		out, err := s.send(ctx, r, j.senderChat, s.opts.ReportText(st), lk, false)
		if err != nil {
			s.release(ctx, lk)
			return
		}
		if out == outDelivered {
			mark = "1"
		} else {
			s.opts.Logger.WarnContext(ctx, "broadcast worker: report not delivered", "bc", id, "outcome", out)
		}
	}
	wctx := context.WithoutCancel(ctx)
	if err := reportDoneScript.Run(wctx, s.rdb, []string{s.metaKey(id), s.streamKey(), lk.key},
		group, entry, lk.token, mark).Err(); err != nil && !errors.Is(err, redis.Nil) {
		s.opts.Logger.ErrorContext(ctx, "broadcast worker: recording the report failed", "bc", id, "err", err)
	}
	s.opts.Logger.InfoContext(ctx, "broadcast finished", "bc", id, "total", st.Total, "delivered", st.Delivered,
		"blocked", st.Blocked, "failed", st.Failed, "cancelled", st.Cancelled)
}
