package integration

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

const skipMessage = "integration: no buildkitd configured; set BUILDKIT_HOST or run hack/test.sh"

// environment is what hack/env.sh describes in its env file.
type environment struct {
	addr     string   // BUILDKIT_HOST
	registry string   // MULTISTAGE_REGISTRY, host:port on loopback
	builder  string   // MULTISTAGE_BUILDX_BUILDER
	buildx   []string // MULTISTAGE_BUILDX: command running buildx, default "docker buildx"
	frontend string   // MULTISTAGE_FRONTEND_IMAGE
	// oneExporter: the daemon predates multiple exporters per build (v0.13).
	oneExporter bool
}

var (
	envOnce sync.Once
	envVal  *environment
	envErr  error
)

func loadEnvironment() (*environment, error) {
	addr := os.Getenv("BUILDKIT_HOST")
	if addr == "" {
		return nil, nil
	}
	e := &environment{
		addr:     addr,
		registry: os.Getenv("MULTISTAGE_REGISTRY"),
		builder:  os.Getenv("MULTISTAGE_BUILDX_BUILDER"),
		frontend: os.Getenv("MULTISTAGE_FRONTEND_IMAGE"),
	}
	e.buildx = strings.Fields(os.Getenv("MULTISTAGE_BUILDX"))
	if len(e.buildx) == 0 {
		e.buildx = []string{"docker", "buildx"}
	}
	if e.frontend == "" {
		e.frontend = "myorg/multistage:1"
	}
	if err := checkLoopbackAddr(addr); err != nil {
		return nil, err
	}
	if e.registry != "" {
		if err := checkLoopbackAddr("tcp://" + e.registry); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// checkLoopbackAddr refuses any daemon or registry address that is not on
// 127.0.0.0/8 (or a unix socket): the tests must never talk to anything else.
func checkLoopbackAddr(addr string) error {
	u, err := url.Parse(addr)
	if err != nil {
		return fmt.Errorf("integration: bad address %q: %v", addr, err)
	}
	switch u.Scheme {
	case "unix":
		return nil
	case "tcp":
	default:
		return fmt.Errorf("integration: address %q: only unix:// and tcp:// on loopback are supported", addr)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("integration: address %q is not on the loopback network; refusing to use it", addr)
	}
	return nil
}

// requireEnv returns the environment or skips the test when there is none.
func requireEnv(t testing.TB) *environment {
	t.Helper()
	envOnce.Do(func() { envVal, envErr = loadEnvironment() })
	if envErr != nil {
		t.Fatal(envErr)
	}
	if envVal == nil {
		t.Skip(skipMessage)
	}
	return envVal
}

// requireRegistry is requireEnv for tests that push images.
func requireRegistry(t testing.TB) *environment {
	e := requireEnv(t)
	if e.registry == "" {
		t.Skip("integration: MULTISTAGE_REGISTRY is not set; skipping a test that pushes images")
	}
	return e
}

func newClient(t testing.TB, e *environment) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.New(ctx, e.addr)
	if err != nil {
		t.Fatalf("connecting to buildkitd at %s: %v", e.addr, err)
	}
	t.Cleanup(func() { c.Close() })
	// Fail early and clearly when the daemon is not there.
	if _, err := c.ListWorkers(ctx); err != nil {
		t.Fatalf("buildkitd at %s does not answer: %v", e.addr, err)
	}
	return c
}

// expand fills {{REGISTRY}} and {{FRONTEND}} in scenario text.
func (e *environment) expand(s string) string {
	reg := e.registry
	if reg == "" {
		reg = "localhost:1"
	}
	return strings.NewReplacer("{{REGISTRY}}", reg, "{{FRONTEND}}", e.frontend).Replace(s)
}
