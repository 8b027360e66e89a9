package bot

import (
	"sync"
	"time"
)

// sched runs chats on a fixed pool of workers, fairly. Runnable chats wait in
// one FIFO queue; a worker takes the first, runs one slice of it (step), and
// then, as step says, puts it at the back of the queue (more to do), parks it
// until a time (a Telegram retry_after, the chat's pace, a backoff) or lets it
// go idle. A parked or idle chat holds no worker, so a chat that waits never
// keeps another chat from being answered, and a chat with a long queue gets one
// slice per turn like everybody else.
type sched struct {
	step func(*chat) outcome

	mu       sync.Mutex
	cond     *sync.Cond // workers wait for a queued chat
	drained  *sync.Cond // drain waits for the workers to run out of work
	queue    []*chat
	busy     int // workers running a slice
	parked   map[*chat]time.Time
	stopping bool // workers exit; nothing is queued or parked any more
	wg       sync.WaitGroup
}

// outcome is what a slice of a chat ended with.
type outcome struct {
	kind outcomeKind
	wait time.Duration // with park
}

type outcomeKind int

const (
	idle outcomeKind = iota // nothing to do until something arrives
	more                    // more to do now: back of the queue
	park                    // something to do after wait
)

// runState is where a chat is in the scheduler; guarded by sched.mu.
type runState int

const (
	stIdle runState = iota
	stQueued
	stRunning
	stParked
)

// slot is a chat's scheduling state, guarded by sched.mu.
type slot struct {
	state runState
	wake  bool // ready was called while the chat ran
	timer *time.Timer
}

func newSched(workers int, step func(*chat) outcome) *sched {
	s := &sched{step: step, parked: map[*chat]time.Time{}}
	s.cond = sync.NewCond(&s.mu)
	s.drained = sync.NewCond(&s.mu)
	for range workers {
		s.wg.Go(s.work)
	}
	return s
}

// ready makes an idle chat runnable; a chat that runs now is looked at again
// after its slice; a queued or parked chat is left as it is.
func (s *sched) ready(c *chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch c.slot.state {
	case stIdle:
		s.enqueueLocked(c)
	case stRunning:
		c.slot.wake = true
	}
}

func (s *sched) enqueueLocked(c *chat) {
	if s.stopping {
		c.slot.state = stIdle
		return
	}
	c.slot.state = stQueued
	s.queue = append(s.queue, c)
	s.cond.Signal()
}

func (s *sched) work() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for len(s.queue) == 0 && !s.stopping {
			s.cond.Wait()
		}
		if s.stopping {
			return
		}
		c := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		c.slot.state, c.slot.wake = stRunning, false
		s.busy++
		s.mu.Unlock()

		out := s.step(c)

		s.mu.Lock()
		s.busy--
		switch {
		case out.kind == more || out.kind == idle && c.slot.wake:
			s.enqueueLocked(c)
		case out.kind == park && !s.stopping:
			c.slot.state = stParked
			s.parked[c] = time.Now().Add(out.wait)
			c.slot.timer = time.AfterFunc(out.wait, func() { s.unpark(c) })
		default:
			c.slot.state = stIdle
		}
		if s.busy == 0 && len(s.queue) == 0 {
			s.drained.Broadcast()
		}
	}
}

func (s *sched) unpark(c *chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.slot.state != stParked {
		return
	}
	delete(s.parked, c)
	c.slot.timer = nil
	s.enqueueLocked(c)
}

// drain waits until no chat is queued, running or parked to wake before
// deadline, at most until deadline, then stops the workers (a slice that runs
// is finished first). Chats parked until after the deadline are not waited
// for. It reports the chats still queued or running at the deadline (busy) and
// the parked ones (waiting).
func (s *sched) drain(deadline time.Time) (busy, waiting int) {
	timer := time.AfterFunc(time.Until(deadline), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.drained.Broadcast()
	})
	defer timer.Stop()
	s.mu.Lock()
	for time.Now().Before(deadline) && (len(s.queue) > 0 || s.busy > 0 || s.parkedBeforeLocked(deadline)) {
		s.drained.Wait()
	}
	busy, waiting = len(s.queue)+s.busy, len(s.parked)
	s.stopping = true
	for c := range s.parked {
		c.slot.timer.Stop()
		c.slot.state = stIdle
	}
	clear(s.parked)
	s.queue = nil
	s.cond.Broadcast()
	s.mu.Unlock()
	s.wg.Wait()
	return busy, waiting
}

// parkedBeforeLocked reports whether a parked chat wakes before deadline.
func (s *sched) parkedBeforeLocked(deadline time.Time) bool {
	for _, at := range s.parked {
		if at.Before(deadline) {
			return true
		}
	}
	return false
}
