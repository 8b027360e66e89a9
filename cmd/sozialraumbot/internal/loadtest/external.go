package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"
)

// ProcessStats is what the operating system reports about a bot running in a
// process of its own (External).
type ProcessStats struct {
	CPU     time.Duration // user and system time used so far, all threads
	RSS     uint64        // resident memory now, bytes
	PeakRSS uint64        // highest resident memory so far, bytes
}

// External is a bot in a process of its own, started with command through
// /bin/sh (exec'd, so the shell is replaced by the bot and the process measured is
// the bot's). It gets this process's environment plus env plus
// TELEGRAM_API_URL (the fake's URL) and TELEGRAM_BOT_TOKEN, is stopped with
// SIGTERM when the run ends (SIGKILL 10 s later), and its CPU time and resident
// memory are read from /proc (Linux; elsewhere they stay zero). Its stdout and
// stderr go to output (nil: discarded).
func External(name, command string, env []string, output io.Writer) Target {
	var pid atomic.Int64
	t := Target{Name: name}
	t.Run = func(ctx context.Context, apiURL string) error {
		cmd := exec.Command("/bin/sh", "-c", "exec "+command)
		cmd.Env = append(append(os.Environ(), env...),
			"TELEGRAM_API_URL="+apiURL, "TELEGRAM_BOT_TOKEN=4242:external-load-token")
		if output != nil {
			cmd.Stdout, cmd.Stderr = output, output
		}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", name, err)
		}
		pid.Store(int64(cmd.Process.Pid))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("exit status 0")
			}
			return fmt.Errorf("%s exited before the run ended: %w", name, err)
		case <-ctx.Done():
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done: // a bot stopped by SIGTERM has done what it was asked
			return nil
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("%s did not stop within 10 s of SIGTERM (killed)", name)
		}
	}
	t.Process = func() (ProcessStats, bool) {
		p := pid.Load()
		if p == 0 {
			return ProcessStats{}, false
		}
		return readProcessStats(int(p))
	}
	return t
}
