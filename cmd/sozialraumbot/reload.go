package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heidekreis/sozialraumbot/cmd/sozialraumbot/internal/metrics"
	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/directory"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// Reload without restart: SIGHUP makes serve read the directory file
// (DIRECTORY_FILE, else the embedded one) and the staff list (the YAML file)
// again, validate them together, and switch to them atomically. Updates in
// hand finish with the data they started with; the next update sees the new
// data. An invalid file changes nothing: the old data keeps serving, the log
// says why, /readyz shows it under details (readiness stays OK: the old data
// is still correct, and failing every replica that reads the same broken file
// would turn a typo into an outage), and sozialraumbot_reloads_total{result="failed"}
// counts it.

// embeddedSource is dataSet.source for the directory built into the binary.
const embeddedSource = "embedded"

// dataSet is the reloadable part of a running bot: the directory and the staff
// list, checked against each other, and the conversation built from them. It
// is not changed once built; a reload builds a new one and swaps it in.
type dataSet struct {
	cfg      config.Config // the configuration it was built from (staff list, languages)
	dir      *directory.Directory
	source   string // the DIRECTORY_FILE path, or embeddedSource
	sha256   string // of the directory data file, hex
	handler  *handlers.Handler
	loadedAt time.Time
}

// buildFunc builds the conversation for a configuration and a directory.
type buildFunc func(cfg config.Config, dir *directory.Directory) (*handlers.Handler, error)

// loadData reads and validates the directory named by cfg, checks the staff
// districts against it and builds the conversation.
func loadData(cfg config.Config, build buildFunc, now time.Time) (*dataSet, error) {
	d := &dataSet{cfg: cfg, source: embeddedSource, loadedAt: now}
	var raw []byte
	var err error
	if cfg.DirectoryFile != "" {
		d.source = cfg.DirectoryFile
		raw, err = os.ReadFile(cfg.DirectoryFile)
		if err == nil {
			d.dir, err = directory.Parse(cfg.DirectoryFile, raw)
		}
	} else {
		raw = directory.Embedded()
		d.dir, err = directory.Parse(directory.EmbeddedName, raw)
	}
	if err != nil {
		return nil, fmt.Errorf("loading the directory: %w", err)
	}
	sum := sha256.Sum256(raw)
	d.sha256 = hex.EncodeToString(sum[:])
	ids := make([]string, 0, 8)
	for _, dist := range d.dir.Districts() {
		ids = append(ids, dist.ID)
	}
	if err := cfg.CheckDistricts(ids); err != nil {
		return nil, err
	}
	if d.handler, err = build(cfg, d.dir); err != nil {
		return nil, err
	}
	return d, nil
}

// shortSHA is the first 12 hex digits of the data file's hash, for logs and metrics.
func (d *dataSet) shortSHA() string { return d.sha256[:12] }

// staffIDs are the user ids of the staff list.
func (d *dataSet) staffIDs() []int64 {
	ids := make([]int64, 0, len(d.cfg.Staff))
	for _, s := range d.cfg.Staff {
		ids = append(ids, s.UserID)
	}
	return ids
}

// liveConversation is the bot's Conversation: each update is handled by the
// data set in use when its handling starts, read once.
type liveConversation struct {
	cur atomic.Pointer[dataSet]
}

// Handle answers one update with the data in use.
func (c *liveConversation) Handle(ctx context.Context, r handlers.Replier, u handlers.Update) error {
	return c.cur.Load().handler.Handle(ctx, r, u)
}

// reloadResult is the outcome of the last reload, for /readyz.
type reloadResult struct {
	at  time.Time
	err string // "" after a successful reload
}

// reloader re-reads the configuration and the directory and switches the
// live conversation to them when they are valid.
type reloader struct {
	mu      sync.Mutex // one reload at a time
	live    *liveConversation
	load    func() (config.Config, error) // the configuration as it is now (file, environment, flags)
	build   buildFunc
	log     *slog.Logger
	metrics *metrics.Data
	now     func() time.Time
	changed func(*dataSet) // told about every new data set in use; may be nil
	last    atomic.Pointer[reloadResult]
}

// errReload marks a reload that was rejected; the old data stays in use.
var errReload = errors.New("reload rejected; the data in use is kept")

// reload loads the configuration and directory again and switches to them, or
// keeps the data in use and returns why not.
func (r *reloader) reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.live.cur.Load()
	now := r.now()
	cfg, err := r.load()
	var next *dataSet
	if err == nil {
		next, err = loadData(cfg, r.build, now)
	}
	if err != nil {
		msg := old.cfg.Redact(err.Error())
		r.last.Store(&reloadResult{at: now, err: msg})
		r.metrics.Reload(metrics.ReloadFailed)
		r.log.Error("reload failed; the data in use is kept", "err", msg,
			"directory_sha256", old.shortSHA(), "directory_source", old.source)
		return fmt.Errorf("%w: %s", errReload, msg)
	}
	r.live.cur.Store(next)
	r.last.Store(&reloadResult{at: now})
	r.metrics.Reload(metrics.ReloadOK)
	r.metrics.Loaded(next.shortSHA(), next.dir.SourceDate(), next.source, len(next.cfg.Staff), now)
	r.log.Info("reloaded the directory and the staff list",
		"directory_source", next.source, "directory_sha256", next.shortSHA(), "previous_sha256", old.shortSHA(),
		"source_date", next.dir.SourceDate(), "places", len(next.dir.Places()),
		"staff", len(next.cfg.Staff), "previous_staff", len(old.cfg.Staff))
	if changed := restartSettings(old.cfg, cfg); len(changed) > 0 {
		r.log.Warn("these settings changed but take effect only at the next restart", "settings", changed)
	}
	if r.changed != nil {
		r.changed(next)
	}
	return nil
}

// run reloads on every signal until ctx ends.
func (r *reloader) run(ctx context.Context, signals <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-signals:
			r.log.Info("SIGHUP: reloading the directory and the staff list")
			_ = r.reload() // logged, counted and shown by /readyz
		}
	}
}

// detail is the "data" detail of /readyz: the data in use and the outcome of
// the last reload.
func (r *reloader) detail() any {
	d := r.live.cur.Load()
	out := map[string]any{
		"directory_source": d.source,
		"directory_sha256": d.sha256,
		"source_date":      d.dir.SourceDate(),
		"staff":            len(d.cfg.Staff),
		"loaded_at":        d.loadedAt.UTC().Format(time.RFC3339),
	}
	if last := r.last.Load(); last != nil {
		lr := map[string]string{"at": last.at.UTC().Format(time.RFC3339), "result": metrics.ReloadOK}
		if last.err != "" {
			lr["result"], lr["error"] = metrics.ReloadFailed, last.err
		}
		out["last_reload"] = lr
	}
	return out
}

// restartSettings names the settings that differ between two configurations,
// other than the reloadable ones (the directory file and the staff list).
func restartSettings(old, cur config.Config) []string {
	a, b := settingLines(old), settingLines(cur)
	var out []string
	for name, v := range b {
		if a[name] != v {
			out = append(out, name)
		}
	}
	for name := range a {
		if _, ok := b[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// settingLines maps each setting of `sozialraumbot config` (secrets masked) to
// its value, without the reloadable ones.
func settingLines(c config.Config) map[string]string {
	c.Staff, c.DirectoryFile = nil, ""
	out := map[string]string{}
	table, _, _ := strings.Cut(c.Masked(), "\n\n") // the settings table ends before the staff list
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(line, "#") || f[0] == "SETTING" || f[0] == "DIRECTORY_FILE" {
			continue
		}
		out[f[0]] = strings.Join(f[1:], " ") // value and source

	}
	return out
}
