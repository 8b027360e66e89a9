//go:build drills

// The long drills: built only with the tag drills, so the default test run
// neither runs nor skips them (go test -race -tags drills -run Switchover -v
// ./cmd/sozialraumbot).

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestDrillSentinelSwitchover (build tag drills, about 45 s): the planned switch an operator
// makes before maintenance, SENTINEL FAILOVER, while the master is up and 12
// parents write. Redis 7's Sentinel promotes the replica first and demotes the
// old master only about 10 s later; clients write to the old master until the
// Sentinels announce the new one (+switch-master, about a second), and those
// writes are gone when it becomes a replica.
//
// "plain" reports what that costs the bot (updates never answered: their inbox
// entry was confirmed to Telegram and then lost; acknowledged subscriptions
// missing) and asserts only that the bot follows without a restart, nothing
// acknowledged before the sync point is missing, and no panic.
//
// "writes paused" is the procedure the README recommends: CLIENT PAUSE 5000
// WRITE on the master first, then SENTINEL FAILOVER. The bot's writes to the
// old master time out (it answers without memory meanwhile) instead of being
// acknowledged and lost: asserted, every update answered exactly once and no
// acknowledged subscription missing.
func TestDrillSentinelSwitchover(t *testing.T) {
	t.Run("plain", func(t *testing.T) { drillSwitchover(t, false) })
	t.Run("writes paused", func(t *testing.T) { drillSwitchover(t, true) })
}

func drillSwitchover(t *testing.T, pause bool) {
	s := startDrillSentinel(t, 1)
	api, app := startSentinelDrillApp(t, s)
	const turnWait = 5 * time.Second // a turn without its answers by then counts as missing
	l := startSentinelLoad(t, api, 12, turnWait, pause)

	time.Sleep(1500 * time.Millisecond)
	synced := time.Now()
	s.syncReplica(s.master, s.replicas[0])
	switched := time.Now()
	if pause {
		if err := s.master.client().Do(context.Background(), "CLIENT", "PAUSE", 5000, "WRITE").Err(); err != nil {
			t.Fatal(err)
		}
	}
	s.switchover()
	var swapped time.Time
	s.waitFor("+switch-master after SENTINEL FAILOVER", func(context.Context) bool {
		at, ok := s.event("+switch-master", switched)
		swapped = at
		return ok
	})
	recovery := swapped.Sub(switched) + l.waitNormal(swapped)
	time.Sleep(turnWait + time.Second) // the turns of the switch time out or finish
	extra := l.finish()

	port, err := s.masterPort(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	acks, first, last := l.checkAcks(s.node(port), []ackSpan{
		{name: "before the sync point", end: synced},
		{name: "from the sync point to SENTINEL FAILOVER", end: switched, mayMiss: !pause},
		{name: "after SENTINEL FAILOVER", mayMiss: !pause},
	})
	t.Logf("Sentinel switchover (SENTINEL FAILOVER%s) under load: updates sent %d, answered %d, not answered within %s %d, "+
		"answered later or twice %d; /abo answered without memory %d; every parent had a subscription acknowledged after +switch-master %s after the command "+
		"(+switch-master %s after it); READONLY errors in the log %d",
		map[bool]string{true: " after CLIENT PAUSE 5000 WRITE"}[pause],
		l.sent.Load(), l.answered.Load(), turnWait, l.missing, extra, l.down.Load(), recovery.Round(time.Millisecond),
		sentinelTime(s, "+switch-master", switched), strings.Count(app.log.String(), "READONLY"))
	t.Logf("acknowledged subscriptions: %s", acks)
	if !first.IsZero() {
		t.Logf("the missing ones were acknowledged from %s to %s after the command",
			first.Sub(switched).Round(time.Millisecond), last.Sub(switched).Round(time.Millisecond))
	}
	t.Logf("Sentinels' events (relative to the command):\n%s", s.timeline(switched))
	if pause && (l.missing != 0 || extra != 0) {
		t.Errorf("with writes paused: %d answers missing, %d extra; want every update answered exactly once", l.missing, extra)
	}
}

// switchover asks the first Sentinel for a failover while the master is up
// (SENTINEL FAILOVER, what an operator does before maintenance).
func (s *drillSentinel) switchover() {
	s.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.ports[0])})
	defer sc.Close()
	if err := sc.Failover(context.Background(), drillSentinelMaster).Err(); err != nil {
		s.t.Fatalf("SENTINEL FAILOVER: %v", err)
	}
}

// node is the process of this set listening on port.
func (s *drillSentinel) node(port int) *drillRedis {
	s.t.Helper()
	for _, r := range append([]*drillRedis{s.master}, s.replicas...) {
		if r.port == port {
			return r
		}
	}
	s.t.Fatalf("no Redis of the drill listens on port %d", port)
	return nil
}
