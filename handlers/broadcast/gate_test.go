package broadcast

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// The exactly-once gate has two halves: the check before a message is sent (a
// recipient whose outcome is already recorded gets nothing) and the guard when
// an outcome is recorded (only a recipient still pending is counted). These
// tests hold chosen sends on a gate, so that a second delivery of one recipient
// reaches the check (or the record) while the broadcast is still running; a
// finished broadcast would be caught by its "finished" flag instead, and the
// halves would go untested.

// gate holds the Send calls of chosen chats until the test releases them.
type gate struct {
	mu      sync.Mutex
	entered map[int64]chan struct{} // closed when the chat's first Send arrives
	release map[int64]chan struct{} // closed by the test
	calls   map[int64]int
	during  map[int64]func() // run when the chat's first Send arrives, before entered is closed
}

func newGate(chats ...int64) *gate {
	g := &gate{entered: map[int64]chan struct{}{}, release: map[int64]chan struct{}{},
		calls: map[int64]int{}, during: map[int64]func(){}}
	for _, c := range chats {
		g.entered[c] = make(chan struct{})
		g.release[c] = make(chan struct{})
	}
	return g
}

// hold is the fakeReplier's before hook: the first Send to a gated chat waits
// for its release; later ones pass.
func (g *gate) hold(chat int64) error {
	g.mu.Lock()
	g.calls[chat]++
	first := g.calls[chat] == 1
	entered, gated := g.entered[chat]
	release := g.release[chat]
	during := g.during[chat]
	g.mu.Unlock()
	if !gated || !first {
		return nil
	}
	if during != nil {
		during()
	}
	close(entered)
	<-release
	return nil
}

// open releases a chat (once); the test's cleanup opens every chat so that no
// worker stays blocked.
func (g *gate) open(chat int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.release[chat]:
	default:
		close(g.release[chat])
	}
}

func (g *gate) openAll() {
	for c := range g.release {
		g.open(c)
	}
}

// waitEntered waits until the chat's first Send is held.
func (g *gate) waitEntered(t *testing.T, chat int64) {
	t.Helper()
	select {
	case <-g.entered[chat]:
	case <-time.After(wait):
		t.Fatalf("no send to chat %d", chat)
	}
}

// gateOptions: a recipient lock that outlives any test (lock lifetime = 2 x
// SendTimeout), so a held send stays the only one for its chat: a worker that
// takes its entry over finds the chat locked and leaves it. ClaimIdle stays
// short, so that workers block on the queue briefly and stop at once.
func gateOptions(workers int) Options {
	o := testOptions()
	o.Workers = workers
	o.SendTimeout = time.Minute
	return o
}

// entryOf returns the stream entry id that delivers broadcast id to chat.
func entryOf(t *testing.T, s *Service, id string, chat int64) string {
	t.Helper()
	msgs, err := s.rdb.XRange(context.Background(), s.streamKey(), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Values["bc"] == id && m.Values["chat"] == strconv.FormatInt(chat, 10) {
			return m.ID
		}
	}
	t.Fatalf("no stream entry of broadcast %s for chat %d", id, chat)
	return ""
}

// waitEntryGone waits until a worker acknowledged and deleted the entry.
func waitEntryGone(t *testing.T, s *Service, entry string) {
	t.Helper()
	waitFor(t, "entry "+entry+" handled", func() bool {
		n, err := s.rdb.XRange(context.Background(), s.streamKey(), entry, entry).Result()
		return err == nil && len(n) == 0
	})
}

func outcomeOf(t *testing.T, s *Service, id string, chat int64) string {
	t.Helper()
	v, err := s.rdb.HGet(context.Background(), s.resKey(id), strconv.FormatInt(chat, 10)).Result()
	if err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	return v
}

// counts reads the broadcast's counters, skipped included (Status leaves it out).
func counts(t *testing.T, s *Service, id string) (total, recorded int64) {
	t.Helper()
	v, err := s.rdb.HMGet(context.Background(), s.metaKey(id), "total", "delivered", "blocked", "failed", "skipped").Result()
	if err != nil {
		t.Fatal(err)
	}
	n := func(x any) int64 { s, _ := x.(string); i, _ := strconv.ParseInt(s, 10, 64); return i }
	return n(v[0]), n(v[1]) + n(v[2]) + n(v[3]) + n(v[4])
}

// A delivery entry that comes again after the recipient's outcome is recorded
// (a redelivery) is acknowledged without a second message, while the broadcast
// is still running.
func TestRedeliveredEntryIsNotSentAgain(t *testing.T) {
	ctx := context.Background()
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), gateOptions(2))
	g := newGate(2)
	r := newReplier()
	r.before = g.hold
	runWorker(t, s, r)
	t.Cleanup(g.openAll) // runs before the worker is stopped
	id, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	g.waitEntered(t, 2) // chat 2 is held: the broadcast cannot finish
	waitFor(t, "chat 1 recorded", func() bool { return outcomeOf(t, s, id, 1) == outDelivered })

	dup, err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.streamKey(), Values: []any{"bc", id, "chat", 1}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	waitEntryGone(t, s, dup)
	if st, _ := s.Status(ctx, id); st.Done {
		t.Fatal("the broadcast finished before the redelivery was checked; the test proves nothing")
	}
	if n := len(r.to(1)); n != 1 {
		t.Errorf("chat 1 got %d messages after its entry came again, want 1", n)
	}

	g.open(2)
	st := waitDone(t, s, id)
	if st.Delivered != 2 || st.Total != 2 {
		t.Errorf("status = %+v, want 2 of 2 delivered", st)
	}
	if n := len(r.to(1)); n != 1 {
		t.Errorf("chat 1 got %d messages in all, want 1", n)
	}
}

// A chat forgotten by /loeschen while the broadcast runs gets nothing: its
// entry reaches the check after ForgetChat, with other recipients still to go.
func TestForgottenChatIsNotSent(t *testing.T) {
	ctx := context.Background()
	// One worker takes the entries in stream order: chat 1 (held), 2, 3 (held).
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2, 3}}), gateOptions(1))
	id, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	entry2 := entryOf(t, s, id, 2)
	g := newGate(1, 3)
	r := newReplier()
	r.before = g.hold
	runWorker(t, s, r)
	t.Cleanup(g.openAll)

	g.waitEntered(t, 1)
	if err := s.ForgetChat(ctx, 2); err != nil {
		t.Fatal(err)
	}
	g.open(1)
	waitEntryGone(t, s, entry2)
	if st, _ := s.Status(ctx, id); st.Done {
		t.Fatal("the broadcast finished before chat 2's entry was checked; the test proves nothing")
	}
	if n := len(r.to(2)); n != 0 {
		t.Errorf("forgotten chat got %d messages", n)
	}

	g.open(3)
	st := waitDone(t, s, id)
	if st.Delivered != 2 || st.Total != 3 {
		t.Errorf("status = %+v, want 2 of 3 delivered", st)
	}
	if n := len(r.to(2)); n != 0 {
		t.Errorf("forgotten chat got %d messages in all", n)
	}
	// Nothing about the chat is left in the broadcast's records (/loeschen).
	if out := outcomeOf(t, s, id, 2); out != "" {
		t.Errorf("forgotten chat still recorded as %q", out)
	}
	if total, recorded := counts(t, s, id); recorded != total {
		t.Errorf("%d outcomes counted for %d recipients", recorded, total)
	}
}

// A chat forgotten while its message is on the way to Telegram: the message
// cannot be called back, but its outcome must not be recorded over the
// "skipped" that ForgetChat wrote. Otherwise the chat would count twice, the
// counters would pass the total, and the broadcast would be reported done
// while a recipient is still pending.
func TestForgetDuringSendIsNotCountedTwice(t *testing.T) {
	ctx := context.Background()
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), gateOptions(1))
	id, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	g := newGate(1, 2)
	var doneBefore2 bool
	g.during[2] = func() { // chat 2 is still pending: the broadcast must not be done
		st, err := s.Status(ctx, id)
		doneBefore2 = err != nil || st.Done
	}
	r := newReplier()
	r.before = g.hold
	runWorker(t, s, r)
	t.Cleanup(g.openAll)

	g.waitEntered(t, 1) // chat 1's message is on its way
	if err := s.ForgetChat(ctx, 1); err != nil {
		t.Fatal(err)
	}
	g.open(1)
	waitFor(t, "chat 2's turn or the end", func() bool {
		select {
		case <-g.entered[2]:
			return true
		default:
		}
		st, err := s.Status(ctx, id)
		return err != nil || st.Done
	})
	select {
	case <-g.entered[2]:
		if doneBefore2 {
			t.Error("the broadcast was done while chat 2 was still pending")
		}
	default:
		t.Fatal("the broadcast was done before chat 2 got its message")
	}
	g.open(2)
	waitDone(t, s, id)
	if out := outcomeOf(t, s, id, 1); out != "" {
		t.Errorf("forgotten chat recorded as %q after its send returned", out)
	}
	if total, recorded := counts(t, s, id); recorded != total {
		t.Errorf("%d outcomes counted for %d recipients", recorded, total)
	}
}

// takenOver returns a replier whose first call to chat loses the recipient's
// lock (lockKey vanishes, as after a Redis failover) and waits until another
// worker, having taken the entry over, calls the chat again; then it returns.
// The test opens the gate in a cleanup registered after the worker's, so that
// no call stays held when the worker stops.
func takenOver(s *Service, lockKey string, chat int64) (*fakeReplier, *gate) {
	g := newGate(chat)
	g.during[chat] = func() { s.rdb.Del(context.Background(), lockKey) }
	r := newReplier()
	var once sync.Once
	r.before = func(c int64) error {
		if c == chat {
			g.mu.Lock()
			second := g.calls[chat] == 1
			g.mu.Unlock()
			if second { // the takeover's call: now the first one may return
				defer once.Do(func() { g.open(chat) })
			}
		}
		return g.hold(c)
	}
	return r, g
}

// A send during which the recipient's lock is lost (a slow send alone keeps it:
// the worker renews it while it waits; here the lock key vanishes, as after a
// Redis failover) so that another worker takes the entry over (XAUTOCLAIM):
// both send (the at-least-once window), but the outcome is counted once.
func TestSlowSendTakenOverIsCountedOnce(t *testing.T) {
	ctx := context.Background()
	o := testOptions()
	o.Workers = 2
	o.ClaimIdle = 300 * time.Millisecond
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), o)
	id, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	r, g := takenOver(s, s.lockKey(id, "1"), 1)
	stop, _ := runWorker(t, s, r)
	t.Cleanup(g.openAll)
	waitDone(t, s, id)
	// The slow worker records after the takeover did; a stopped worker has
	// recorded the message it had in hand.
	stop()
	if n := len(r.to(1)); n != 2 {
		t.Fatalf("chat 1 got %d messages; the test needs the takeover to send again", n)
	}
	if st, _ := s.Status(ctx, id); st.Delivered != 2 || st.Total != 2 {
		t.Errorf("status = %+v, want 2 of 2 delivered", st)
	}
	if total, recorded := counts(t, s, id); recorded != total {
		t.Errorf("%d outcomes counted for %d recipients", recorded, total)
	}
}

// The same for a recall (and a correction, which records the same way): a
// deletion during which the recipient's lock is lost, so that another worker
// takes the recall's entry over and deletes again, is counted once.
func TestSlowRecallTakenOverIsCountedOnce(t *testing.T) {
	ctx := context.Background()
	o := testOptions()
	o.Workers = 2
	o.ClaimIdle = 300 * time.Millisecond
	s := newService(t, redistest.Prefix(t), newSubs(map[string][]int64{"walsrode": {1, 2}}), o)
	id, _, err := s.Start(ctx, announce("walsrode"))
	if err != nil {
		t.Fatal(err)
	}
	stopSend, _ := runWorker(t, s, newReplier())
	waitDone(t, s, id)
	stopSend()

	job, n, err := s.Recall(ctx, id, sender)
	if err != nil || n != 2 {
		t.Fatalf("Recall = %s, %d, %v", job, n, err)
	}
	r, g := takenOver(s, s.lockKey(job, "1"), 1)
	stop, _ := runWorker(t, s, r)
	t.Cleanup(g.openAll)
	waitDone(t, s, job)
	stop()
	if n := r.deleted(1); n != 2 {
		t.Fatalf("chat 1's message was deleted %d times; the test needs the takeover to delete again", n)
	}
	if st, _ := s.Status(ctx, job); st.Delivered != 2 || st.Total != 2 {
		t.Errorf("recall status = %+v, want 2 of 2", st)
	}
	if total, recorded := counts(t, s, job); recorded != total {
		t.Errorf("%d outcomes counted for %d recipients", recorded, total)
	}
}
