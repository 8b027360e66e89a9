package container

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
	"github.com/heidekreis/sozialraumbot/handlers/handlerstest"
	"github.com/heidekreis/sozialraumbot/handlers/redisstore/redistest"
)

const (
	repoRoot     = "../../.."
	buildVersion = "container-check" // the VERSION build argument, as compose passes one
	token        = "777000:container-check-token-0123456789"
	// wait bounds every wait of the test; generous for a loaded 2-core machine.
	wait = 90 * time.Second
)

// TestImage builds the bot as the Dockerfile does and runs the image's
// HEALTHCHECK against the image's serve (see the package documentation).
func TestImage(t *testing.T) {
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if len(df.Stages) < 2 {
		t.Fatalf("want a build stage and a run stage, got %d stages", len(df.Stages))
	}
	final := df.Stages[len(df.Stages)-1]
	compose := readCompose(t, filepath.Join(repoRoot, "compose.yaml"))
	svc, ok := compose.Services["bot"]
	if !ok {
		t.Fatal("compose.yaml has no service bot")
	}

	// The final stage copies the binary from the build stage.
	copies := final.all("COPY")
	if len(copies) != 1 {
		t.Fatalf("the run stage has %d COPY instructions; the check knows one (COPY --from=build SRC DST)", len(copies))
	}
	cf, cargs := flags(copies[0].Args)
	src, dst, _ := strings.Cut(cargs, " ")
	build, ok := df.stageNamed(cf["from"])
	if !ok {
		t.Fatalf("COPY --from=%q: no such stage", cf["from"])
	}
	tmp := t.TempDir()
	// The image's USER must reach the binary and the secret, as in the image.
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	buildRoot, imageRoot := filepath.Join(tmp, "build"), filepath.Join(tmp, "image")

	// The build stage, on the host: the context in WORKDIR, then its RUN
	// instructions with its ARG defaults (VERSION as compose passes it).
	work, ok := build.last("WORKDIR")
	if !ok {
		t.Fatal("the build stage has no WORKDIR")
	}
	ctxDir := filepath.Join(buildRoot, work.Args)
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := copyContext(t, repoRoot, ctxDir)
	t.Logf("build context: %d files (repository minus .dockerignore)", files)
	args := map[string]string{}
	for k, v := range df.Args {
		args[k] = v
	}
	for k, v := range svc.Build.Args {
		args[k], err = interpolate(v, map[string]string{"VERSION": buildVersion})
		if err != nil {
			t.Fatal(err)
		}
	}
	srcDir := filepath.Dir(src) // e.g. /out: where the build stage leaves the binary
	buildEnv := hostBuildEnv()
	began := time.Now()
	for _, in := range build.Instrs {
		switch in.Cmd {
		case "ARG":
			k, v, _ := strings.Cut(in.Args, "=")
			if given, ok := args[k]; ok {
				v = given
			}
			buildEnv = append(buildEnv, k+"="+v)
		case "ENV":
			pairs, err := envPairs(in.Args)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range pairs {
				buildEnv = append(buildEnv, k+"="+v)
			}
		case "RUN":
			_, script := flags(in.Args) // --mount=type=cache: the host's caches serve
			script = strings.ReplaceAll(script, srcDir+"/", filepath.Join(buildRoot, srcDir)+"/")
			if err := os.MkdirAll(filepath.Join(buildRoot, srcDir), 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("/bin/sh", "-c", script)
			cmd.Dir, cmd.Env = ctxDir, buildEnv
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("Dockerfile line %d: RUN %s\n%v\n%s", in.Line, script, err, tail(out, 40))
			}
			t.Logf("Dockerfile line %d ran: %s", in.Line, strings.Join(strings.Fields(script), " "))
		}
	}
	t.Logf("build stage took %s", time.Since(began).Round(100*time.Millisecond))

	// The run stage: the binary where the image has it; it must be static for
	// the distroless/static base.
	bin := filepath.Join(imageRoot, dst)
	b, err := os.ReadFile(filepath.Join(buildRoot, src))
	if err != nil {
		t.Fatalf("the build stage left no %s: %v", src, err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	checkStatic(t, bin)
	if out, err := exec.Command(bin, "version").CombinedOutput(); err != nil || !strings.Contains(string(out), buildVersion) {
		t.Errorf("version: %v\n%s\nwant the version %q from -ldflags", err, out, buildVersion)
	}

	// The container's environment: the image's ENV, then compose's environment
	// (interpolated with the .env the README asks for).
	env := map[string]string{"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	for _, in := range final.all("ENV") {
		pairs, err := envPairs(in.Args)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range pairs {
			env[k] = v
		}
	}
	dotenv := map[string]string{"OPERATOR": "Landkreis Heidekreis, Jugendamt (container check)"}
	for k, v := range svc.Environment {
		if env[k], err = interpolate(v, dotenv); err != nil {
			t.Fatalf("compose environment %s: %v", k, err)
		}
	}
	// What cannot exist here is mapped: the compose secret is a file, Redis is
	// the test's, Telegram is a fake, and the ops port is a free one.
	api := fakeapi.Start(t, fakeapi.WithToken(token))
	secretDir := filepath.Join(tmp, "run", "secrets")
	if err := os.MkdirAll(secretDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range svc.Secrets {
		if _, ok := compose.Secrets[name]; !ok {
			t.Fatalf("compose secret %s is not defined", name)
		}
		if err := os.WriteFile(filepath.Join(secretDir, name), []byte(token+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range env {
		if rest, ok := strings.CutPrefix(v, "/run/secrets/"); ok {
			env[k] = filepath.Join(secretDir, rest)
		}
	}
	env["REDIS_URL"] = redistest.URL(t)
	env["REDIS_PREFIX"] = redistest.Prefix(t)
	env["TELEGRAM_API_URL"] = api.URL()
	opsHost, opsPort, err := net.SplitHostPort(env["OPS_LISTEN"])
	if err != nil {
		t.Fatalf("OPS_LISTEN %q: %v", env["OPS_LISTEN"], err)
	}
	if !slices.Contains(exposed(final), opsPort) {
		t.Errorf("OPS_LISTEN port %s is not EXPOSEd (%v)", opsPort, exposed(final))
	}
	env["OPS_LISTEN"] = net.JoinHostPort(opsHost, freePort(t))

	// ENTRYPOINT + CMD (compose's command replaces CMD), as the image's USER.
	entry, cmdArgs := mustExec(t, final, "ENTRYPOINT"), mustExec(t, final, "CMD")
	if len(svc.Command) > 0 {
		cmdArgs = svc.Command
	}
	argv := append(entry, cmdArgs...)
	user, _ := final.last("USER")
	if os.Geteuid() == 0 {
		t.Logf("serve and the HEALTHCHECK run as the image's USER %s", user.Args)
	} else {
		t.Logf("not root: serve and the HEALTHCHECK run as uid %d, not as the image's USER %s", os.Geteuid(), user.Args)
	}
	serveLog := &handlerstest.Log{}
	serve := containerCmd(t, imageRoot, argv, env, user.Args, tmp)
	serve.Stdout, serve.Stderr = serveLog, serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	t.Cleanup(func() {
		if serve.ProcessState == nil {
			_ = serve.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("serve's log:\n%s", serveLog.String())
		}
	})

	// The HEALTHCHECK as Docker runs it: the same environment, its --timeout,
	// until it passes or the start period and retries are used up.
	hc, ok := final.last("HEALTHCHECK")
	if !ok {
		t.Fatal("the image has no HEALTHCHECK")
	}
	hf, hargs := flags(hc.Args)
	hcmd, ok := strings.CutPrefix(hargs, "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %q: want CMD", hc.Args)
	}
	health, err := execForm(strings.TrimSpace(hcmd))
	if err != nil {
		t.Fatal(err)
	}
	timeout := duration(t, hf["timeout"], 30*time.Second)
	check := func(extra ...string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c := containerCmd(t, imageRoot, append(slices.Clone(health), extra...), env, user.Args, tmp)
		out, err := commandOutput(ctx, c)
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0, out
		case errors.As(err, &ee):
			return ee.ExitCode(), out
		default:
			t.Fatalf("healthcheck: %v", err)
			return -1, ""
		}
	}
	untilHealthy := func(extra ...string) string {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			code, out := check(extra...)
			if code == 0 {
				return out
			}
			select {
			case err := <-exited:
				t.Fatalf("serve exited (%v) before the health check passed; last check: %d %s", err, code, out)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("HEALTHCHECK %v %v did not pass within %s; last: exit %d: %s", health, extra, wait, code, out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	out := untilHealthy()
	t.Logf("HEALTHCHECK %v: exit 0: %s", health, strings.TrimSpace(out))
	out = untilHealthy("-ready") // Redis and Telegram, as an operator would check it
	t.Logf("%v -ready: exit 0: %s", health, strings.TrimSpace(out))

	// The image's serve answers a parent with the embedded directory.
	api.Push(fakeapi.TextUpdate(1001, "de", "Wir wohnen in Dorfmark"))
	reqs, err := api.WaitChat("sendMessage", 1001, 1, wait)
	if err != nil {
		t.Fatalf("no answer from the image's serve: %v", err)
	}
	if !strings.Contains(reqs[0].Params["text"], "Vier Linden") {
		t.Errorf("answer %q, want the provider of Dorfmark", reqs[0].Params["text"])
	}

	// docker stop: SIGTERM, then SIGKILL after compose's stop_grace_period.
	grace := duration(t, svc.StopGracePeriod, 10*time.Second)
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v (want exit 0)", err)
		}
	case <-time.After(grace):
		t.Errorf("serve did not stop within stop_grace_period %s", grace)
	}
	if code, out := check(); code == 0 {
		t.Errorf("HEALTHCHECK passes after serve stopped: %s", out)
	}
	logs := serveLog.String()
	for _, bad := range []string{token, "Dorfmark", "panic"} {
		if strings.Contains(logs, bad) {
			t.Errorf("serve's log contains %q", bad)
		}
	}
	if !strings.Contains(logs, `"msg":"starting"`) {
		t.Errorf("serve's log is not JSON (LOG_FORMAT from the image's ENV):\n%s", tail([]byte(logs), 5))
	}
}

// hostBuildEnv is the host's environment for the build stage, without what the
// Dockerfile sets itself.
func hostBuildEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "CGO_ENABLED", "GOFLAGS", "GOOS", "GOARCH", "VERSION":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// containerCmd prepares argv (paths inside the image) to run like in the
// container: the image's path of the binary, only env, the USER uid:gid when
// the test runs as root, and a working directory it cannot write to.
func containerCmd(t *testing.T, imageRoot string, argv []string, env map[string]string, user, dir string) *exec.Cmd {
	t.Helper()
	c := exec.Command(filepath.Join(imageRoot, argv[0]), argv[1:]...)
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	c.Dir = dir
	if os.Geteuid() == 0 && user != "" {
		u, g, _ := strings.Cut(user, ":")
		uid, err1 := strconv.ParseUint(u, 10, 32)
		gid, err2 := strconv.ParseUint(g, 10, 32)
		if err1 != nil || err2 != nil {
			t.Fatalf("USER %q: want numeric uid:gid", user)
		}
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	return c
}

// commandOutput runs c with ctx's deadline and returns its combined output.
func commandOutput(ctx context.Context, c *exec.Cmd) (string, error) {
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-ctx.Done():
		_ = c.Process.Kill()
		<-done
		return out.String(), &exec.ExitError{ProcessState: c.ProcessState}
	}
}

// checkStatic fails unless the binary is a static ELF executable (no
// interpreter, no shared libraries), as distroless/static requires.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: it is not static (CGO_ENABLED=0?)", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", path, libs)
	}
}

func mustExec(t *testing.T, s stage, cmd string) []string {
	t.Helper()
	in, ok := s.last(cmd)
	if !ok {
		t.Fatalf("the run stage has no %s", cmd)
	}
	argv, err := execForm(in.Args)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return argv
}

// exposed lists the ports of the stage's EXPOSE instructions.
func exposed(s stage) []string {
	var out []string
	for _, in := range s.all("EXPOSE") {
		for _, p := range strings.Fields(in.Args) {
			p, _, _ = strings.Cut(p, "/")
			out = append(out, p)
		}
	}
	return out
}

func duration(t *testing.T, s string, def time.Duration) time.Duration {
	t.Helper()
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("duration %q: %v", s, err)
	}
	return d
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[%d lines before]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
