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
// network); it stops when the test ends.
func startDockerEngine(t *testing.T, e *environment) *dockerEngine {
	t.Helper()
	for _, bin := range []string{debianDockerd, debianDocker} {
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("integration: %s is missing (apt-get install docker.io; .ci/run does)", bin)
		}
	}
	d := &dockerEngine{}
	startDaemon(t, daemonSpec{
		name:   "dockerd",
		prefix: "msdocker",
		command: func(t *testing.T, dir string) ([]string, []string) {
			d.dir, d.host = dir, "unix://"+filepath.Join(dir, "docker.sock")
			return []string{debianDockerd,
				"--host", d.host,
				"--data-root", filepath.Join(dir, "data"),
				"--exec-root", filepath.Join(dir, "exec"),
				"--pidfile", filepath.Join(dir, "dockerd.pid"),
				"--registry-mirror", "http://" + e.registry,
				"--insecure-registry", e.registry,
				"--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-masq=false",
			}, []string{"DOCKER_CONFIG=" + filepath.Join(dir, "config")}
		},
		ready: func(context.Context) error {
			out, err := d.docker(t, "version")
			if err != nil {
				return fmt.Errorf("%w\n%s", err, out)
			}
			return nil
		},
		upTime: 90 * time.Second,
		grace:  30 * time.Second,
	})
	return d
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
