package main

import (
	"os"
	"testing"

	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

// TestMain stops the Redis Cluster the cluster drills share (started on first use).
func TestMain(m *testing.M) {
	code := m.Run()
	redistest.StopSharedCluster()
	os.Exit(code)
}
