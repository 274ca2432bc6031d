package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Debian 12's docker.io package: dockerd and its own docker CLI (20.10),
// whose `docker build` uses the BuildKit built into the daemon.
const (
	debianDockerd = "/usr/sbin/dockerd"
	debianDocker  = "/usr/bin/docker"
)

// dockerEngine is a dockerd started by hand for one test.
type dockerEngine struct {
	dir  string
	host string // unix://...
}

// startDockerEngine starts dockerd with all its state in a temporary
// directory, the environment's registry as its mirror, and no networking of
// its own (no bridge, no iptables: builds and containers use the host's
// network), and stops it by PID when the test ends.
func startDockerEngine(t *testing.T, e *environment) *dockerEngine {
	t.Helper()
	for _, bin := range []string{debianDockerd, debianDocker} {
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("integration: %s is missing (apt-get install docker.io; .ci/run does)", bin)
		}
	}
	dir, err := os.MkdirTemp("", "msdocker")
	if err != nil {
		t.Fatal(err)
	}
	d := &dockerEngine{dir: dir, host: "unix://" + filepath.Join(dir, "docker.sock")}
	logf, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(debianDockerd,
		"--host", d.host,
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--registry-mirror", "http://"+e.registry,
		"--insecure-registry", e.registry,
		"--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-masq=false")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(dir, "config"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dockerd: %v", err)
	}
	t.Cleanup(func() {
		stopPID(t, cmd, 30*time.Second)
		logf.Close()
		if t.Failed() {
			if dt, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("dockerd log:\n%s", tail(string(dt), 40))
			}
		}
		unmountUnder(dir)
		os.RemoveAll(dir)
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		if _, err := d.docker(t, "version"); err == nil {
			return d
		}
		if time.Now().After(deadline) {
			out, _ := d.docker(t, "version")
			t.Fatalf("dockerd did not come up:\n%s", out)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// docker runs Debian's docker CLI against this engine, with BuildKit on.
func (d *dockerEngine) docker(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, debianDocker, append([]string{"--host", d.host}, args...)...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=1", "BUILDKIT_PROGRESS=plain",
		"DOCKER_CONFIG="+filepath.Join(d.dir, "config"))
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("docker %s: %w", strings.Join(args, " "), err)
	}
	return buf.String(), err
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

// TestDockerEngine builds the examples through `# syntax=myorg/multistage:1`
// with `docker build` on Debian's Docker Engine and runs the images.
func TestDockerEngine(t *testing.T) {
	e := requireRegistry(t)
	d := startDockerEngine(t, e)
	cases := []struct {
		name, dir, target, want string
	}{
		{"hello", "hello", "", "hello, world\n"},
		{"debug", "debug-production", "debug", "hello from the debug image\n"},
		{"production", "debug-production", "", "hello from the production image\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tag := "multistage-engine-" + tc.name
			args := []string{"build", "--network", "host", "--tag", tag}
			if tc.target != "" {
				args = append(args, "--target", tc.target)
			}
			out, err := d.docker(t, append(args, filepath.Join("..", "examples", tc.dir))...)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got, err := d.docker(t, "run", "--rm", "--network", "host", tag)
			if err != nil {
				t.Fatalf("%v\n%s\nbuild output:\n%s", err, got, out)
			}
			if got != tc.want {
				t.Errorf("%s printed %q, want %q\nbuild output:\n%s", tag, got, tc.want, out)
			}
		})
	}
}
