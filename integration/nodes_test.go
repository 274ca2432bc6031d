package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// node is one more buildkitd that a test starts for itself: its own state,
// on a unix socket and a loopback TCP port, with the environment's registry
// as its docker.io mirror, so the frontend image and the base images
// resolve as on the main daemon.
type node struct {
	dir  string
	sock string // unix://...
	tcp  string // tcp://127.0.0.1:PORT
}

// nodeOpt chooses what startNode starts.
type nodeOpt struct {
	bin       string   // buildkitd binary; MULTISTAGE_BUILDKITD when empty
	platforms []string // worker platforms; the host's when empty
}

// requireNodes is requireRegistry for tests that start their own buildkitd.
func requireNodes(t *testing.T) *environment {
	e := requireRegistry(t)
	if os.Getenv("MULTISTAGE_BUILDKITD") == "" {
		t.Skip("integration: MULTISTAGE_BUILDKITD is not set (hack/env.sh sets it); skipping a test that starts buildkitd nodes")
	}
	return e
}

// startNode starts a buildkitd, waits for it to answer and stops it (by
// PID) when the test ends.
func startNode(t *testing.T, e *environment, opt nodeOpt) *node {
	t.Helper()
	bin := opt.bin
	if bin == "" {
		bin = os.Getenv("MULTISTAGE_BUILDKITD")
	}
	// Not t.TempDir: the socket path must stay short, and the state holds
	// mounts that only the daemon's own shutdown removes.
	dir, err := os.MkdirTemp("", "msnode")
	if err != nil {
		t.Fatal(err)
	}
	n := &node{dir: dir, sock: "unix://" + filepath.Join(dir, "buildkitd.sock"), tcp: "tcp://127.0.0.1:" + freePort(t)}
	var platforms string
	if len(opt.platforms) > 0 {
		quoted := make([]string, len(opt.platforms))
		for i, p := range opt.platforms {
			quoted[i] = fmt.Sprintf("%q", p)
		}
		platforms = "  platforms = [" + strings.Join(quoted, ", ") + "]\n"
	}
	cfg := fmt.Sprintf(`root = %q
[grpc]
  address = [%q, %q]
[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  binary = "runc"
  networkMode = "host"
  gc = false
%s[worker.containerd]
  enabled = false
[registry."docker.io"]
  mirrors = [%q]
[registry.%q]
  http = true
  insecure = true
`, filepath.Join(dir, "root"), n.sock, n.tcp, platforms, e.registry, e.registry)
	write(t, filepath.Join(dir, "buildkitd.toml"), cfg)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "buildkitd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", filepath.Join(dir, "buildkitd.toml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	// As in hack/env.sh: a fallback to the real Docker Hub goes to a closed
	// loopback port, so nothing leaves 127.0.0.0/8.
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(dir, "tmp"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		stopPID(t, cmd, 20*time.Second)
		logf.Close()
		if t.Failed() {
			if dt, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("buildkitd log (%s):\n%s", bin, tail(string(dt), 40))
			}
		}
		os.RemoveAll(dir)
	})
	n.wait(t, bin)
	return n
}

// wait polls the new daemon until it lists its workers.
func (n *node) wait(t *testing.T, bin string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := client.New(ctx, n.sock)
		if err == nil {
			_, err = c.ListWorkers(ctx)
			c.Close()
		}
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come up: %v", bin, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// env is the test environment with this node as its daemon and no buildx
// builder.
func (n *node) env(e *environment) *environment {
	ne := *e
	ne.addr, ne.builder = n.sock, ""
	return &ne
}

// stopPID sends SIGTERM, then SIGKILL after grace, and reaps the process.
func stopPID(t *testing.T, cmd *exec.Cmd, grace time.Duration) {
	if cmd.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		t.Logf("pid %d ignored SIGTERM for %s; killing it", cmd.Process.Pid, grace)
		cmd.Process.Kill()
		<-done
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
