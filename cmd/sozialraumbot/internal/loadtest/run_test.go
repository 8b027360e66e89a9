package loadtest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/directory"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func testDirectory(t *testing.T) *directory.Directory {
	t.Helper()
	dir, err := directory.Default()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEchoBaseline runs the bare framework baseline briefly: every turn of every
// parent is answered exactly once and the numbers are filled in.
func TestEchoBaseline(t *testing.T) {
	r, err := Run(context.Background(), Config{Directory: testDirectory(t), Parents: 8, Duration: time.Second}, Echo())
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Updates < 8 || r.Timeouts != 0 || r.Extra != 0 {
		t.Errorf("updates %d, timeouts %d, extra %d", r.Updates, r.Timeouts, r.Extra)
	}
	if r.PerSecond <= 0 || r.P99 <= 0 || r.P50 > r.P99 || r.AllocsPerUpdate <= 0 || r.Peak.HeapInuse == 0 {
		t.Errorf("numbers missing: %+v", r)
	}
	if r.RedisCmdsPerUpdate != 0 {
		t.Errorf("the echo bot made Redis commands")
	}
	// Each turn is one call, except callbacks (acknowledged, then answered).
	if r.APICallsPerUpdate < 1 || r.APICallsPerUpdate > 2 {
		t.Errorf("API calls per update %.2f", r.APICallsPerUpdate)
	}
}
