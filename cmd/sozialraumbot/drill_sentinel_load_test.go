package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/loadtest"
	"github.com/heidekreis/sozialraumbot/directory"
)

// sentinelLoad is the parents of the Sentinel drills: each asks for a place and
// sends /abo, waits for both answers, and starts again in a new chat, so that
// every answer and every acknowledged subscription belongs to one update.
type sentinelLoad struct {
	t        *testing.T
	api      *loadtest.API
	dir      *directory.Directory
	places   []string
	parents  int
	turnWait time.Duration // how long a turn waits for its two answers
	strict   bool          // a turn without its answers fails the test (else it is counted)

	mu       sync.Mutex
	acks     []subAck
	chats    []int64
	fail     []string
	missing  int // answers a turn did not get within turnWait
	sent     atomic.Int64
	answered atomic.Int64
	down     atomic.Int64 // /abo answered without memory

	stop chan struct{}
	wg   sync.WaitGroup
}

// subAck is a subscription the bot acknowledged to a parent.
type subAck struct {
	parent   int
	chat     int64
	district string
	at       time.Time // the acknowledgement reached Telegram
}

const (
	textSubscribed = "Ankündigungen für den"                  // subscribed, already_subscribed
	textStoreDown  = "vorübergehend nicht verfügbar"          // store_down
	textNeedPlace  = "Dafür brauche ich zuerst Ihren Wohnort" // need_place: the place was answered without memory
)

// startSentinelLoad starts the parents.
func startSentinelLoad(t *testing.T, api *loadtest.API, parents int, turnWait time.Duration, strict bool) *sentinelLoad {
	t.Helper()
	dir, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	l := &sentinelLoad{t: t, api: api, dir: dir, places: drillPlaces(t, 30), parents: parents,
		turnWait: turnWait, strict: strict, stop: make(chan struct{})}
	for i := range parents {
		l.wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-l.stop:
					return
				default:
				}
				if !l.turn(i, int64(1_000_000*(i+1)+k), l.places[(7*i+k)%len(l.places)]) {
					return
				}
			}
		})
	}
	return l
}

// turn is one parent's place question and /abo in chat; false ends the parent.
func (l *sentinelLoad) turn(parent int, chat int64, place string) bool {
	replies := l.api.Listen(chat)
	l.mu.Lock()
	l.chats = append(l.chats, chat)
	l.mu.Unlock()
	for id, text := range []string{place, "/abo"} {
		l.api.Push(models.Update{Message: &models.Message{ID: id + 1, Date: int(time.Now().Unix()),
			From: &models.User{ID: chat, FirstName: "Drill", LanguageCode: "de"},
			Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate}, Text: text}})
		l.sent.Add(1)
	}
	var got []loadtest.Reply
	timeout := time.After(l.turnWait)
	for len(got) < 2 {
		select {
		case r := <-replies:
			if r.Completes() {
				got = append(got, r)
				l.answered.Add(1)
			}
		case <-timeout:
			l.mu.Lock()
			defer l.mu.Unlock()
			l.missing += 2 - len(got)
			if l.strict {
				l.fail = append(l.fail, fmt.Sprintf("chat %d: %d of 2 answers within %s", chat, len(got), l.turnWait))
			}
			return !l.strict
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := cardPlace(got[0].Text); p != place {
		l.fail = append(l.fail, fmt.Sprintf("chat %d: %q answered with %q", chat, place, got[0].Text))
	}
	switch a := got[1].Text; {
	case strings.Contains(a, textSubscribed):
		l.acks = append(l.acks, subAck{parent: parent, chat: chat, district: l.dir.Resolve(place).Place.District, at: got[1].At})
	case strings.Contains(a, textStoreDown), strings.Contains(a, textNeedPlace):
		l.down.Add(1)
	default:
		l.fail = append(l.fail, fmt.Sprintf("chat %d: /abo answered with %q", chat, a))
	}
	return true
}

// normalAgain returns how long after since every parent had a subscription
// acknowledged; false while one has not.
func (l *sentinelLoad) normalAgain(since time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := make([]time.Time, l.parents)
	for _, a := range l.acks {
		if a.at.After(since) && first[a.parent].IsZero() {
			first[a.parent] = a.at
		}
	}
	var worst time.Duration
	for _, f := range first {
		if f.IsZero() {
			return 0, false
		}
		worst = max(worst, f.Sub(since))
	}
	return worst, true
}

// waitNormal waits until every parent subscribed successfully after since
// (drillWait at most; then the test fails) and returns how long that took.
func (l *sentinelLoad) waitNormal(since time.Time) time.Duration {
	l.t.Helper()
	for deadline := time.Now().Add(drillWait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if d, ok := l.normalAgain(since); ok {
			return d
		}
	}
	l.t.Errorf("not every parent could subscribe again within %s", drillWait)
	return 0
}

// finish stops the parents and returns the answers nobody waited for any more
// (duplicates, or answers later than turnWait).
func (l *sentinelLoad) finish() (extra int) {
	close(l.stop)
	l.wg.Wait()
	time.Sleep(300 * time.Millisecond)
	for _, c := range l.chats {
		replies := l.api.Listen(c)
	drain:
		for {
			select {
			case r := <-replies:
				if r.Completes() {
					extra++
				}
			default:
				break drain
			}
		}
	}
	for _, f := range l.fail {
		l.t.Error(f)
	}
	return extra
}

// ackSpan is a stretch of the drill: the subscriptions acknowledged in it, and
// how many of them the final master lacks.
type ackSpan struct {
	name          string
	end           time.Time
	mayMiss       bool // replication allows losing them
	acked, missed int
}

// checkAcks looks up every acknowledged subscription on the master and counts
// them into the spans (ordered by end; the last takes the rest); it fails the
// test for a missing one in a span that may not miss any, and returns a line
// for the log and when the first and the last missing one were acknowledged
// (zero when none is missing).
func (l *sentinelLoad) checkAcks(master *drillRedis, spans []ackSpan) (report string, first, last time.Time) {
	l.t.Helper()
	ctx := context.Background()
	cmds, err := master.client().Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, a := range l.acks {
			p.SIsMember(ctx, "drill:subs:"+a.district, a.chat)
		}
		return nil
	})
	if err != nil {
		l.t.Fatal(err)
	}
	for i, a := range l.acks {
		k := 0
		for k < len(spans)-1 && !a.at.Before(spans[k].end) {
			k++
		}
		spans[k].acked++
		if !cmds[i].(*redis.BoolCmd).Val() {
			spans[k].missed++
			if first.IsZero() || a.at.Before(first) {
				first = a.at
			}
			if a.at.After(last) {
				last = a.at
			}
		}
	}
	var out []string
	for _, sp := range spans {
		out = append(out, fmt.Sprintf("%s %d (missing %d)", sp.name, sp.acked, sp.missed))
		if !sp.mayMiss && sp.missed != 0 {
			l.t.Errorf("%d subscriptions acknowledged %s are missing on the master; it had them", sp.missed, sp.name)
		}
		if !sp.mayMiss && sp.acked == 0 {
			l.t.Errorf("no subscription acknowledged %s; the drill needs some", sp.name)
		}
	}
	return strings.Join(out, "; "), first, last
}
