package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBake runs the README's bake recipe: docker-bake.hcl builds the
// frontend from this working tree and builds examples/hello through it in
// the same run (contexts = { fe = "target:frontend" }, BUILDKIT_SYNTAX=fe).
func TestBake(t *testing.T) {
	e, goproxy, root, version := requireBakeEnv(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "out")

	t.Setenv("GOPROXY", goproxy)
	t.Setenv("VERSION", version)
	log, err := runBuildxIn(t, e, root, "bake", "--builder", e.builder, "--progress=plain",
		"--allow=fs.write="+parent,
		"--set", "hello.output=type=local,dest="+out, "hello")
	if err != nil {
		t.Fatalf("bake failed: %v\n%s", err, log)
	}
	r := &result{dir: out}
	if got := r.run(t, "bin/hello"); got != "hello, world\n" {
		t.Errorf("/bin/hello printed %q", got)
	}
	// The example went through the frontend built by bake, not upstream's.
	if !strings.Contains(log, "[frontend build") {
		t.Errorf("bake did not build the frontend target:\n%s", log)
	}
}

// requireBakeEnv skips unless a buildx builder and the loopback module proxy
// are configured, and returns them with the repository root and the version
// to stamp: what every test that bakes the frontend's own Dockerfile needs.
func requireBakeEnv(t *testing.T) (e *environment, goproxy, root, version string) {
	t.Helper()
	e = requireEnv(t)
	if e.builder == "" {
		t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
	}
	goproxy = os.Getenv("MULTISTAGE_BUILD_GOPROXY")
	if goproxy == "" {
		// The frontend's build downloads modules; without the loopback
		// module proxy of hack/env.sh it would leave the machine.
		t.Skip("integration: MULTISTAGE_BUILD_GOPROXY is not set (hack/env.sh sets it)")
	}
	if err := checkLoopbackAddr(strings.Replace(goproxy, "http://", "tcp://", 1)); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "docker-bake.hcl")); err != nil {
		t.Fatal(err)
	}
	version = "dev"
	if out, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	return e, goproxy, root, version
}
