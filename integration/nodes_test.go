package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// node is one more buildkitd that a test starts for itself: its own state,
// on a unix socket and a loopback TCP port, with the environment's registry
// as its docker.io mirror, so the frontend image and the base images
// resolve as on the main daemon.
type node struct {
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

// startNode starts a buildkitd configured as the environment's own (see
// nodeConfig) and waits for it to answer; it stops when the test ends.
func startNode(t *testing.T, e *environment, opt nodeOpt) *node {
	t.Helper()
	bin := opt.bin
	if bin == "" {
		bin = os.Getenv("MULTISTAGE_BUILDKITD")
	}
	n := &node{tcp: "tcp://127.0.0.1:" + freePort(t)}
	startDaemon(t, daemonSpec{
		name:   "buildkitd",
		prefix: "msnode",
		command: func(t *testing.T, dir string) ([]string, []string) {
			n.sock = "unix://" + filepath.Join(dir, "buildkitd.sock")
			cfg := filepath.Join(dir, "buildkitd.toml")
			write(t, cfg, nodeConfig(t, filepath.Join(dir, "root"), n.sock, n.tcp, opt.platforms))
			return []string{bin, "--config", cfg}, nil
		},
		ready: func(ctx context.Context) error {
			c, err := client.New(ctx, n.sock)
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = c.ListWorkers(ctx)
			return err
		},
		upTime: 60 * time.Second,
		grace:  20 * time.Second,
	})
	return n
}

// nodeConfig is the config hack/env.sh wrote for the environment's
// buildkitd (worker, registry mirror) with a node's own root, addresses and
// worker platforms: the one place that config is written stays env.sh.
func nodeConfig(t *testing.T, root, sock, tcp string, platforms []string) string {
	t.Helper()
	path := filepath.Join(os.Getenv("MULTISTAGE_ENV_DIR"), "buildkitd.toml")
	dt, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("a node is configured as the environment's buildkitd, whose config hack/env.sh writes to $MULTISTAGE_ENV_DIR/buildkitd.toml: %v", err)
	}
	cfg := string(dt)
	quoted := func(ss ...string) string {
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	lines := []struct{ re, with string }{
		{`(?m)^root = .*$`, "root = " + strconv.Quote(root)},
		{`(?m)^(\s*)address = \[.*\]$`, "${1}address = " + quoted(sock, tcp)},
	}
	if len(platforms) > 0 {
		lines = append(lines, struct{ re, with string }{`(?m)^\[worker\.oci\]$`, "[worker.oci]\n  platforms = " + quoted(platforms...)})
	}
	for _, l := range lines {
		re := regexp.MustCompile(l.re)
		if len(re.FindAllString(cfg, -1)) != 1 {
			t.Fatalf("%s: no single line matches %s; hack/env.sh's config changed shape, update nodeConfig:\n%s", path, l.re, cfg)
		}
		cfg = re.ReplaceAllString(cfg, l.with)
	}
	return cfg
}

// env is the test environment with this node as its daemon and no buildx
// builder.
func (n *node) env(e *environment) *environment {
	ne := *e
	ne.addr, ne.builder = n.sock, ""
	return &ne
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
