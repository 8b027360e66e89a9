package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/loadtest"
)

// startSentinelDrillApp runs the serve code path configured for s as an
// operator would: REDIS_SENTINEL_ADDRS and REDIS_SENTINEL_MASTER, the client
// settings at their defaults. The reply pace is off (load, not Telegram's pace).
func startSentinelDrillApp(t *testing.T, s *drillSentinel) (*loadtest.API, *drillApp) {
	t.Helper()
	api := loadtest.NewAPI()
	t.Cleanup(api.Close) // after the app stopped
	app := startDrillAppWith(t, map[string]string{"TELEGRAM_API_URL": api.URL(),
		"REDIS_SENTINEL_ADDRS": s.addrs(), "REDIS_SENTINEL_MASTER": drillSentinelMaster,
		"REDIS_PREFIX": "drill", "LOG_LEVEL": "info"},
		appOptions{chatPace: bot.NoChatPace})
	return api, app
}

// sentinelTime is when the first Sentinel event name arrived after since,
// relative to since, for the log.
func sentinelTime(s *drillSentinel, name string, since time.Time) string {
	at, ok := s.event(name, since)
	if !ok {
		return "–"
	}
	return at.Sub(since).Round(time.Millisecond).String()
}

// TestDrillSentinelFailover: a Redis master, its replica and three Sentinels;
// the bot is configured as an operator would (REDIS_SENTINEL_ADDRS,
// REDIS_SENTINEL_MASTER). While 12 parents ask for places and subscribe (/abo)
// continuously, each turn in a new chat, the master is SIGKILLed. Sentinel
// promotes the replica; the bot follows (go-redis' failover client asks the
// Sentinels for the master whenever it dials, and drops its connections to
// the old one on +switch-master).
//
// Asserted: every update answered exactly once (during the failover without
// memory: the place from the directory, /abo "temporarily unavailable"); every
// parent subscribes successfully again without a restart of the bot; no
// subscription acknowledged before the replica had caught up with the master
// (a sync point taken just before the kill) or after the kill is missing on
// the new master. Subscriptions acknowledged between the sync point and the
// kill may be missing: replication is asynchronous, so a write the master
// acknowledged but had not yet sent to the replica dies with it. The drill
// reports how many that were, the time from the kill until every parent
// subscribed again, and Sentinel's own timeline (+sdown, +odown,
// +switch-master).
func TestDrillSentinelFailover(t *testing.T) {
	s := startDrillSentinel(t, 1)
	api, app := startSentinelDrillApp(t, s)
	l := startSentinelLoad(t, api, 12, drillWait, true)

	time.Sleep(1500 * time.Millisecond) // load with the master up
	synced := time.Now()
	s.syncReplica(s.master, s.replicas[0]) // what was acknowledged so far is on the replica
	killed := time.Now()
	s.master.kill()
	recovery := l.waitNormal(killed)
	time.Sleep(time.Second) // load after the recovery
	extra := l.finish()

	ctx := context.Background()
	port, err := s.masterPort(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if port != s.replicas[0].port {
		t.Fatalf("Sentinel names port %d as the master, want the replica's %d", port, s.replicas[0].port)
	}
	acks, _, _ := l.checkAcks(s.replicas[0], []ackSpan{
		{name: "before the sync point", end: synced},
		{name: "from the sync point to the SIGKILL (" + killed.Sub(synced).Round(time.Millisecond).String() + ")", end: killed, mayMiss: true},
		{name: "after the SIGKILL"},
	})
	lost := l.sent.Load() - l.answered.Load()
	t.Logf("Sentinel failover (SIGKILL of the master) under load: updates sent %d, answered %d, duplicates %d, lost %d; "+
		"/abo answered without memory %d; every parent subscribed again %s after the kill; "+
		"Sentinel: +sdown %s, +odown %s, +switch-master %s after the kill",
		l.sent.Load(), l.answered.Load(), extra, lost, l.down.Load(), recovery.Round(time.Millisecond),
		sentinelTime(s, "+sdown", killed), sentinelTime(s, "+odown", killed), sentinelTime(s, "+switch-master", killed))
	t.Logf("acknowledged subscriptions: %s", acks)
	t.Logf("Sentinels' events (relative to the kill):\n%s", s.timeline(killed))
	if lost != 0 || extra != 0 {
		t.Errorf("lost %d, duplicates %d; want every update answered exactly once", lost, extra)
	}
	if !strings.Contains(app.log.String(), "redis available again") {
		t.Error("the recovery was not logged")
	}
}
