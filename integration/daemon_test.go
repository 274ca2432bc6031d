package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// daemonSpec is a daemon a test starts for itself: a buildkitd node, an
// old buildkitd, a Docker Engine.
type daemonSpec struct {
	name   string // for messages and the log file (NAME.log)
	prefix string // of its state directory
	// command writes what the daemon reads (its config) into its state
	// directory and returns its command line and the environment variables
	// it needs besides the harness's own (TMPDIR, the proxies).
	command func(t *testing.T, dir string) (argv, env []string)
	// ready answers nil once the daemon serves; startDaemon polls it for up to
	// upTime. grace is how long the daemon may take to stop on SIGTERM.
	ready  func(ctx context.Context) error
	upTime time.Duration
	grace  time.Duration
}

// startDaemon starts spec with all its state in a fresh directory (given
// to spec.command) and returns once the daemon is ready. Whatever happens to the
// test from here on, its cleanup stops the daemon's whole process group
// (so no child outlives it), unmounts what it left and removes the
// directory.
func startDaemon(t *testing.T, spec daemonSpec) {
	t.Helper()
	// Not t.TempDir: socket paths must stay short, and the state holds
	// mounts that must go before the directory can.
	dir, err := os.MkdirTemp("", spec.prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unmountUnder(dir)
		os.RemoveAll(dir)
	})
	argv, env := spec.command(t, dir)
	// The daemon makes temporary mount points in TMPDIR: keep them in the
	// state directory, where the cleanup finds what a killed daemon left.
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, spec.name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// As in hack/env.sh: a fallback to the real Docker Hub goes to a closed
	// loopback port, so nothing leaves 127.0.0.0/8.
	cmd.Env = append(append(os.Environ(), "TMPDIR="+filepath.Join(dir, "tmp"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost"), env...)
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("starting %s (%s): %v", spec.name, argv[0], err)
	}
	t.Cleanup(func() {
		stopGroup(t, cmd, spec.grace)
		logf.Close()
		if t.Failed() {
			if dt, err := os.ReadFile(logPath); err == nil {
				t.Logf("%s log (%s):\n%s", spec.name, argv[0], tail(string(dt), 40))
			}
		}
	})
	waitReady(t, spec)
}

// waitReady polls spec.ready until it answers nil, failing the test after
// spec.upTime.
func waitReady(t *testing.T, spec daemonSpec) {
	t.Helper()
	deadline := time.Now().Add(spec.upTime)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := spec.ready(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come up in %s: %v", spec.name, spec.upTime, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// stopGroup sends SIGTERM to cmd's process group, SIGKILL after grace (or
// when the leader has exited, to whatever of the group is left), and reaps
// the leader.
func stopGroup(t *testing.T, cmd *exec.Cmd, grace time.Duration) {
	pgid := cmd.Process.Pid
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	signalGroup(t, pgid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		t.Logf("process group %d ignored SIGTERM for %s; killing it", pgid, grace)
	}
	signalGroup(t, pgid, syscall.SIGKILL)
	<-done
}

func signalGroup(t *testing.T, pgid int, sig syscall.Signal) {
	if err := syscall.Kill(-pgid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Logf("signalling process group %d: %v", pgid, err)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// unmountUnder lazily unmounts whatever a killed daemon left mounted below
// dir, deepest first.
func unmountUnder(dir string) {
	dt, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var mounts []string
	for _, l := range strings.Split(string(dt), "\n") {
		if f := strings.Fields(l); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			mounts = append(mounts, f[4])
		}
	}
	for i := len(mounts) - 1; i >= 0; i-- {
		exec.Command("umount", "-l", mounts[i]).Run()
	}
}

// TestDaemonCleanupStopsItsGroup needs no environment: a "daemon" (a shell)
// that started a child of its own is stopped with the child when its test
// ends, as a buildkitd's runc or a dockerd's containerd would be.
func TestDaemonCleanupStopsItsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	t.Run("daemon", func(t *testing.T) {
		startDaemon(t, daemonSpec{
			name:   "shell",
			prefix: "msdaemon",
			command: func(t *testing.T, dir string) ([]string, []string) {
				return []string{"/bin/sh", "-c", `sleep 600 & echo $! > "$1.tmp" && mv "$1.tmp" "$1"; wait`, "sh", pidFile}, nil
			},
			ready: func(context.Context) error {
				_, err := os.Stat(pidFile)
				return err
			},
			upTime: 30 * time.Second,
			grace:  5 * time.Second,
		})
	})
	dt, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(dt)))
	if err != nil {
		t.Fatal(err)
	}
	// The killed child is reparented and reaped by init; until then it is
	// a zombie, which no longer runs.
	for deadline := time.Now().Add(10 * time.Second); alive(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon's child %d still runs after the test that started it ended", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	dt, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	_, rest, _ := strings.Cut(string(dt), ") ")
	return !strings.HasPrefix(rest, "Z")
}
