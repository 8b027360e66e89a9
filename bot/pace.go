package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ChatPace is how fast replies go into one chat. Telegram asks bots to send
// about one message per second into a private chat (short bursts are
// tolerated) and at most 20 per minute into a group, and answers 429 above
// that. A reply over the pace waits: its chat is parked, no worker waits, and
// nothing is dropped. Answers to button presses and inline queries are not
// messages in a chat and are not paced.
type ChatPace struct {
	Private rate.Limit // messages per second into a private chat (default 1)
	Group   rate.Limit // messages per second into a group or channel (default 20 per minute)
	Burst   int        // messages sent at once before the pace applies (default 3)
}

// NoChatPace sends every reply at once (the load tool: its simulated parents
// write far faster than anyone types, and its fake Bot API has no limits).
var NoChatPace = ChatPace{Private: rate.Inf, Group: rate.Inf, Burst: 1}

func (p ChatPace) withDefaults() ChatPace {
	if p.Private <= 0 {
		p.Private = 1
	}
	if p.Group <= 0 {
		p.Group = rate.Limit(20.0 / 60)
	}
	if p.Burst <= 0 {
		p.Burst = 3
	}
	return p
}

// pacer keeps one token bucket per chat that got a reply recently.
type pacer struct {
	pace ChatPace

	mu    sync.Mutex
	chats map[int64]*rate.Limiter
	calls int
}

func newPacer(p ChatPace) *pacer {
	return &pacer{pace: p.withDefaults(), chats: map[int64]*rate.Limiter{}}
}

// wait takes the chat's turn for one message now and returns 0, or returns how
// long to wait for it (nothing is taken then). Telegram's group and channel ids
// are negative, private chats' positive.
func (p *pacer) wait(chatID int64, now time.Time) time.Duration {
	limit := p.pace.Private
	if chatID < 0 {
		limit = p.pace.Group
	}
	if limit == rate.Inf {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.chats[chatID]
	if l == nil {
		l = rate.NewLimiter(limit, p.pace.Burst)
		p.chats[chatID] = l
	}
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	if p.calls++; p.calls%1024 == 0 {
		p.forgetFullLocked(now)
	}
	return 0
}

// forgetFullLocked drops the buckets that are full again: their chats have not
// been written to for a while, and a new bucket starts full.
func (p *pacer) forgetFullLocked(now time.Time) {
	for id, l := range p.chats {
		if l.TokensAt(now) >= float64(p.pace.Burst) {
			delete(p.chats, id)
		}
	}
}
