package bot

import (
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/metrics"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

func testInbox(t *testing.T) *inbox {
	t.Helper()
	return &inbox{c: redistest.Client(t), prefix: redistest.Prefix(t),
		lockTTL: redisstore.DefaultLockTTL, dedupTTL: time.Hour}
}

// TestInboxProtocol walks the scripts through one chat: push takes the chat,
// a second push finds it busy, complete marks done, pops and hands over the next
// head, duplicates are skipped, and the last complete releases everything.
func TestInboxProtocol(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	raw := func(id string) []byte { return []byte(`{"update_id":` + id + `,"message":{"text":"x"}}`) }

	took, _, err := q.push(ctx, entry{"c1", raw("11")}, entry{"c1", raw("12")})
	if err != nil {
		t.Fatal(err)
	}
	h := took["c1"]
	if h == nil || h.head.id != "11" || h.head.rerun {
		t.Fatalf("push did not take the chat with head 11: %+v", h)
	}
	// Another replica pushes a redelivery of 11 and a new update: the chat is busy.
	took2, _, err := q.push(ctx, entry{"c1", raw("11")}, entry{"c1", raw("13")})
	if err != nil || len(took2) != 0 {
		t.Fatalf("second push took %v, %v; want busy", took2, err)
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
			if got, err := q.complete(ctx, claim{key: "c1", token: "stale"}, "12"); err != nil || got.status != headLost {
				t.Fatalf("complete with a wrong token = %+v, %v", got, err)
			}
		}
		next, err = q.complete(ctx, h.claim, next.id)
		if err != nil {
			t.Fatal(err)
		}
		if next.id == "13" && next.skipped != 1 {
			t.Errorf("skipped %d duplicates before 13, want 1", next.skipped)
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
		took, _, err := q.push(ctx, entry{"k", []byte(tc.raw)})
		if err != nil {
			t.Fatal(err)
		}
		h := took["k"]
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
	took, _, err := q.push(ctx, entry{"c2", []byte(`{"update_id":51}`)})
	if err != nil || took["c2"] == nil {
		t.Fatal(took, err)
	}
	q.c.Del(ctx, q.lockKey("c2")) // the holder crashed and its lock expired
	_, h, err := q.acquire(ctx, "c2")
	if err != nil || h.status != headReady || h.id != "51" || !h.rerun {
		t.Fatalf("acquire after crash = %+v, %v", h, err)
	}
}

// TestDrainLeavesChatWhoseLockExpiredInQueue: a chat a push took but that waited
// in the queue longer than its lock lives is not handled by the late worker.
func TestDrainLeavesChatWhoseLockExpiredInQueue(t *testing.T) {
	q := testInbox(t)
	ctx := t.Context()
	conv := &countConv{}
	d := newDispatcher(dispatcherConfig{conv: conv, log: (&logBuffer{}).logger(), metrics: metrics.New(),
		workers: 1, maxQueued: 10, timeout: time.Minute, redis: redisParts{inbox: q,
			dedup: redisstore.NewDedup(q.c, q.prefix, time.Hour)}})
	took, _, err := q.push(ctx, entry{"c3", []byte(`{"update_id":61,"message":{"chat":{"id":3,"type":"private"},"text":"x"}}`)})
	if err != nil || took["c3"] == nil {
		t.Fatal(took, err)
	}
	h := took["c3"]
	h.at = time.Now().Add(-time.Hour)
	q.c.Set(ctx, q.lockKey("c3"), "other-holder", time.Minute) // expired and taken by another
	d.drain("c3", h)
	if n := conv.n.Load(); n != 0 {
		t.Errorf("late worker handled %d updates", n)
	}
	if n := q.c.LLen(ctx, q.listKey("c3")).Val(); n != 1 {
		t.Errorf("inbox has %d updates, want 1 left for the holder", n)
	}
}
