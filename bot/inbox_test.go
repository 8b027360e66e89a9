package bot

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/config/defaults"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func testInbox(t *testing.T) *inbox {
	t.Helper()
	return &inbox{c: redistest.Client(t), prefix: redistest.Prefix(t),
		lease: defaults.LockLease, dedupTTL: time.Hour, cap: DefaultMaxPendingPerChat}
}

func rawUpdate(id int) []byte {
	return []byte(`{"update_id":` + strconv.Itoa(id) + `,"message":{"chat":{"id":3,"type":"private"},"text":"x"}}`)
}

// TestInboxProtocol walks the scripts through one chat: push takes the chat,
// a second push finds it busy, complete marks done, pops and hands over the next
// head, duplicates are skipped, and the last complete releases everything.
func TestInboxProtocol(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()

	res, err := q.push(ctx, entry{"c1", rawUpdate(11)}, entry{"c1", rawUpdate(12)})
	if err != nil {
		t.Fatal(err)
	}
	h := res.took["c1"]
	if h == nil || h.head.id != "11" || h.head.rerun {
		t.Fatalf("push did not take the chat with head 11: %+v", h)
	}
	// Another replica pushes a redelivery of 11 and a new update: the chat is busy.
	res2, err := q.push(ctx, entry{"c1", rawUpdate(11)}, entry{"c1", rawUpdate(13)})
	if err != nil || len(res2.took) != 0 || res2.duplicates != 1 {
		t.Fatalf("second push took %v, %d duplicates, %v; want busy, the redelivery of 11 dropped", res2.took, res2.duplicates, err)
	}
	if _, h2, err := q.acquire(ctx, "c1"); err != nil || h2.status != headBusy {
		t.Fatalf("acquire while held = %+v, %v", h2, err)
	}
	var ids []string
	next := h.head
	for next.status == headReady {
		ids = append(ids, next.id)
		if next.id == "12" {
			// A stale holder with another token cannot complete.
			if got, err := q.complete(ctx, &claim{key: "c1", token: "stale"}, "12"); err != nil || got.status != headLost {
				t.Fatalf("complete with a wrong token = %+v, %v", got, err)
			}
		}
		next, err = q.complete(ctx, h.claim, next.id)
		if err != nil {
			t.Fatal(err)
		}
		if next.skipped != 0 {
			t.Errorf("skipped %d duplicates before %s; the redelivery should not have been queued", next.skipped, next.id)
		}
	}
	if next.status != headEmpty || len(ids) != 3 || ids[0] != "11" || ids[1] != "12" || ids[2] != "13" {
		t.Fatalf("handled %v, ended with %+v", ids, next)
	}
	if n := q.c.Exists(ctx, q.listKey("c1"), q.lockKey("c1")).Val(); n != 0 {
		t.Errorf("list or lock left behind (%d)", n)
	}
	if q.c.SIsMember(ctx, q.pendingKey(), "c1").Val() {
		t.Error("chat still pending")
	}
	for _, id := range []string{"11", "12", "13"} {
		if v := q.c.Get(ctx, q.seenPrefix()+id).Val(); v != "done" {
			t.Errorf("update %s marked %q", id, v)
		}
	}
}

// TestInboxHeadIDLayouts: Redis reads update_id in the usual layout and, with
// cjson, in any other; an unreadable head comes back with id "" (Go dedups it).
func TestInboxHeadIDLayouts(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	for _, tc := range []struct{ raw, id string }{
		{`{"update_id":42,"message":{}}`, "42"},
		{` { "update_id" : 43 }`, "43"},
		{`{"message":{"text":"\"update_id\":1"},"update_id":44}`, "44"},
		{`not json`, ""},
	} {
		res, err := q.push(ctx, entry{"k", []byte(tc.raw)})
		if err != nil {
			t.Fatal(err)
		}
		h := res.took["k"]
		if h == nil || h.head.id != tc.id || string(h.head.raw) != tc.raw {
			t.Fatalf("%s: head %+v", tc.raw, h)
		}
		if next, err := q.complete(ctx, h.claim, h.head.id); err != nil || next.status != headEmpty {
			t.Fatalf("%s: complete = %+v, %v", tc.raw, next, err)
		}
	}
}

// TestInboxRerunAfterCrash: a head marked running under a free lock (its holder
// died) is handed out again, flagged as a rerun.
func TestInboxRerunAfterCrash(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	res, err := q.push(ctx, entry{"c2", []byte(`{"update_id":51}`)})
	if err != nil || res.took["c2"] == nil {
		t.Fatal(res, err)
	}
	q.c.Del(ctx, q.lockKey("c2")) // the holder crashed and its lock expired
	_, h, err := q.acquire(ctx, "c2")
	if err != nil || h.status != headReady || h.id != "51" || !h.rerun {
		t.Fatalf("acquire after crash = %+v, %v", h, err)
	}
}

// TestInboxCompletePopsOnlyItsOwnHead: a holder whose lease ran out and who got
// the lock back by accident never pops an update it did not finish.
func TestInboxCompletePopsOnlyItsOwnHead(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	res, err := q.push(ctx, entry{"c4", rawUpdate(71)}, entry{"c4", rawUpdate(72)})
	if err != nil || res.took["c4"] == nil {
		t.Fatal(res, err)
	}
	// 71 is finished by somebody else meanwhile: popped, 72 is the head.
	q.c.LPop(ctx, q.listKey("c4"))
	h, err := q.complete(ctx, res.took["c4"].claim, "71")
	if err != nil || h.status != headReady || h.id != "72" {
		t.Fatalf("complete of a head already gone = %+v, %v; want 72 still queued", h, err)
	}
}

// TestInboxCap: a chat's list keeps the head and the newest cap-1 updates; the
// ones in between are marked done and counted, and the count comes with the
// head after the gap.
func TestInboxCap(t *testing.T) {
	q := testInbox(t)
	q.cap = 4
	ctx := t.Context()
	var es []entry
	for id := 101; id <= 110; id++ {
		es = append(es, entry{"c5", rawUpdate(id)})
	}
	res, err := q.push(ctx, es[:3]...) // 101..103: under the cap
	if err != nil || res.dropped != 0 || res.took["c5"] == nil {
		t.Fatalf("push = %+v, %v", res, err)
	}
	cl := res.took["c5"].claim
	res, err = q.push(ctx, es[3:]...) // 104..110: 10 in all, 6 too many
	if err != nil || res.dropped != 6 {
		t.Fatalf("push over the cap dropped %d, %v; want 6", res.dropped, err)
	}
	if n := q.c.LLen(ctx, q.listKey("c5")).Val(); n != 5 {
		t.Errorf("list holds %d entries, want head + marker + 3", n)
	}
	for _, id := range []string{"102", "105", "107"} {
		if v := q.c.Get(ctx, q.seenPrefix()+id).Val(); v != "done" {
			t.Errorf("dropped update %s marked %q, want done", id, v)
		}
	}
	var got []string
	var flood []int
	h := res2head(t, q, cl, "101")
	for h.status == headReady {
		got = append(got, h.id)
		flood = append(flood, h.flood)
		h = res2head(t, q, cl, h.id)
	}
	if want := []string{"108", "109", "110"}; !slices.Equal(got, want) || flood[0] != 6 || flood[1] != 0 {
		t.Errorf("after the gap got %v (flood %v), want %v with 6 told once", got, flood, want)
	}
}

// TestInboxRedeliveryTakesNoPlace: redeliveries of updates that are queued, in
// hand or done are not queued again, so that they take no place under the cap.
// (Before, each was appended and skipped only when it came to the head; a chat
// with a backlog whose webhook deliveries were retried lost real messages to the
// flood cap: the two-replica webhook drill.)
func TestInboxRedeliveryTakesNoPlace(t *testing.T) {
	q := testInbox(t)
	q.cap = 4
	ctx := t.Context()
	res, err := q.push(ctx, entry{"c6", rawUpdate(201)})
	if err != nil || res.took["c6"] == nil {
		t.Fatalf("push = %+v, %v", res, err)
	}
	cl := res.took["c6"].claim
	if h := res2head(t, q, cl, "201"); h.status != headEmpty {
		t.Fatalf("after 201: %+v", h)
	}
	// 201 is done; 202 is taken (in hand), 203-205 wait: the cap is full.
	res, err = q.push(ctx, entry{"c6", rawUpdate(202)}, entry{"c6", rawUpdate(203)}, entry{"c6", rawUpdate(204)}, entry{"c6", rawUpdate(205)})
	if err != nil || res.took["c6"] == nil || res.dropped != 0 {
		t.Fatalf("push = %+v, %v", res, err)
	}
	cl = res.took["c6"].claim
	// Every one of them comes again, some twice, in one batch and in several.
	var again []entry
	for _, id := range []int{201, 202, 203, 204, 205, 203, 202} {
		again = append(again, entry{"c6", rawUpdate(id)})
	}
	res, err = q.push(ctx, again...)
	if err != nil || res.dropped != 0 || res.duplicates != 7 || len(res.took) != 0 {
		t.Fatalf("redeliveries: %+v, %v; want 7 duplicates, nothing dropped, the chat busy", res, err)
	}
	res, err = q.push(ctx, entry{"c6", rawUpdate(205)})
	if err != nil || res.duplicates != 1 {
		t.Fatalf("redelivery alone: %+v, %v", res, err)
	}
	if n := q.c.LLen(ctx, q.listKey("c6")).Val(); n != 4 {
		t.Errorf("list holds %d entries, want 4", n)
	}
	got := []string{"202"}
	for h := res2head(t, q, cl, "202"); h.status == headReady; h = res2head(t, q, cl, h.id) {
		if h.flood != 0 || h.skipped != 0 || h.rerun {
			t.Errorf("head %s: %+v", h.id, h)
		}
		got = append(got, h.id)
	}
	if want := []string{"202", "203", "204", "205"}; !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v", got, want)
	}
}

func res2head(t *testing.T, q *inbox, cl *claim, id string) head {
	t.Helper()
	h, err := q.complete(t.Context(), cl, id)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestInboxRenewAndRelease: renewMany reports lost locks; release marks the
// finished ids done and deletes only locks that still hold the token.
func TestInboxRenewAndRelease(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	res, err := q.push(ctx, entry{"a", rawUpdate(81)}, entry{"b", rawUpdate(82)})
	if err != nil || len(res.took) != 2 {
		t.Fatal(res, err)
	}
	a, b := res.took["a"].claim, res.took["b"].claim
	q.c.Set(ctx, q.lockKey("b"), "someone-else", time.Minute)
	lost, err := q.renewMany(ctx, []*claim{a, b})
	if err != nil || len(lost) != 1 || lost[0] != b {
		t.Fatalf("renewMany lost %v, %v; want b", lost, err)
	}
	if err := q.release(ctx, []stale{{key: "a", token: a.token, done: []string{"81"}}, {key: "b", token: b.token}}); err != nil {
		t.Fatal(err)
	}
	if q.c.Exists(ctx, q.lockKey("a")).Val() != 0 || q.c.Get(ctx, q.lockKey("b")).Val() != "someone-else" {
		t.Error("release deleted the wrong locks")
	}
	if v := q.c.Get(ctx, q.seenPrefix()+"81").Val(); v != "done" {
		t.Errorf("finished update marked %q", v)
	}
	// a is free and pending: the sweep lists it; its head 81 is done, so the next acquire finds it empty.
	keys, err := q.unclaimed(ctx)
	if err != nil || !slices.Equal(keys, []string{"a"}) {
		t.Fatalf("unclaimed = %v, %v", keys, err)
	}
	if _, h, err := q.acquire(ctx, "a"); err != nil || h.status != headEmpty || h.skipped != 1 {
		t.Fatalf("acquire after release = %+v, %v", h, err)
	}
}

// TestChatWhoseLockWasLostIsLeftAlone: a chat a push took but whose lock was
// lost before a worker got to it is not handled by this process.
func TestChatWhoseLockWasLostIsLeftAlone(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	conv := &countConv{}
	d := newDispatcher(dispatcherConfig{conv: conv, api: &handlerstest.Recorder{}, log: (&handlerstest.Log{}).Logger(),
		metrics: &countMetrics{}, workers: 1, maxQueued: 10, timeout: time.Minute, maxAge: time.Hour,
		inbox: q, ping: func(context.Context) error { return nil }, sweepEvery: time.Hour, probeEvery: time.Second})
	defer d.close(time.Second)
	res, err := q.push(ctx, entry{"c3", rawUpdate(61)})
	if err != nil || res.took["c3"] == nil {
		t.Fatal(res, err)
	}
	h := res.took["c3"]
	q.c.Set(ctx, q.lockKey("c3"), "other-holder", time.Minute) // expired and taken by another
	h.claim.lost.Store(true)                                   // as the lease keeper finds it
	c := &chat{key: "c3", held: h}
	if out := d.step(c); out.kind != idle {
		t.Errorf("step = %+v", out)
	}
	if n := conv.n.Load(); n != 0 {
		t.Errorf("late worker handled %d updates", n)
	}
	if n := q.c.LLen(ctx, q.listKey("c3")).Val(); n != 1 {
		t.Errorf("inbox has %d updates, want 1 left for the holder", n)
	}
}
