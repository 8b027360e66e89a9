package broadcast

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"strconv"
)

// gated runs act for one recipient of a broadcast (the announcement itself, or
// a correction or recall of it) behind the exactly-once gate, checkScript: it
// takes the recipient lock, or acknowledges the entry when the outcome is
// recorded already or the broadcast is gone. A cancelled broadcast, or one
// cancelled while act waited, yields outSkipped without acting.
//
// ok is false when there is nothing to record: another worker holds the
// recipient, the entry was acknowledged, or act failed and the recipient was
// left for another worker (the lock released; what names the work in the log).
// Otherwise the caller records outcome with its finish script, releasing lk.
func (s *Service) gated(ctx context.Context, log *slog.Logger, d delivery, what string,
	act func(lk lock) (string, error)) (outcome string, lk lock, ok bool) {
	c := strconv.FormatInt(d.chat, 10)
	lk = lock{key: s.lockKey(d.id, c), token: rand.Text(), meta: s.metaKey(d.id), entry: d.entry, consumer: d.consumer}
	check, err := checkScript.Run(ctx, s.rdb, []string{s.metaKey(d.id), s.resKey(d.id), lk.key},
		c, lk.token, s.lockTTL().Milliseconds()).Text()
	if err != nil {
		log.WarnContext(ctx, "broadcast worker: check failed", "err", err)
		return "", lk, false
	}
	switch check {
	case checkGone, checkDone:
		s.ackOnly(ctx, d.entry)
		return "", lk, false
	case checkLocked:
		return "", lk, false // its owner acknowledges it
	case checkCancelled:
		return outSkipped, lk, true
	case checkGo:
		outcome, err = act(lk)
		if errors.Is(err, errCancelled) {
			return outSkipped, lk, true
		}
		if err != nil {
			s.release(ctx, lk)
			if !errors.Is(err, context.Canceled) {
				log.WarnContext(ctx, "broadcast worker: "+what+" left for another worker", "err", err)
			}
			return "", lk, false
		}
		return outcome, lk, true
	default:
		log.ErrorContext(ctx, "broadcast worker: unexpected check answer", "answer", check)
		return "", lk, false
	}
}
