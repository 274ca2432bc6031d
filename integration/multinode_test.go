package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// platformProbe records, in /built, the platform a result is for and the
// platform of the node that ran its RUN step.
const platformProbe = `FROM busybox AS probe
ARG TARGETPLATFORM
ARG BUILDPLATFORM
RUN echo "$TARGETPLATFORM on $BUILDPLATFORM" > /built

FROM scratch
COPY --from=probe /built /built
`

// TestMultiNodeBuilder: a buildx builder of two buildkitd nodes, one per
// platform (docker buildx create --append), builds a two-platform image
// through the frontend image; each platform is built on its own node.
func TestMultiNodeBuilder(t *testing.T) {
	e := requireNodes(t)
	if e.builder == "" {
		t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set, so there is no buildx")
	}
	amd64 := startNode(t, e, nodeOpt{platforms: []string{"linux/amd64"}})
	i386 := startNode(t, e, nodeOpt{platforms: []string{"linux/386"}})

	name := "multistage-multinode-" + freshNonce(t)
	mustBuildx(t, e, "create", "--name", name, "--driver", "remote", "--platform", "linux/amd64", amd64.tcp)
	t.Cleanup(func() { runBuildx(t, e, "rm", "--force", name) })
	mustBuildx(t, e, "create", "--append", "--name", name, "--driver", "remote", "--platform", "linux/386", i386.tcp)
	if out := mustBuildx(t, e, "inspect", "--bootstrap", name); strings.Count(out, "Endpoint:") != 2 {
		t.Fatalf("builder %s does not have two nodes:\n%s", name, out)
	}

	ctxDir := t.TempDir()
	write(t, filepath.Join(ctxDir, "Dockerfile"), "# syntax="+e.frontend+"\n"+platformProbe)
	out := filepath.Join(t.TempDir(), "out")
	log := mustBuildx(t, e, "build", "--builder", name, "--progress=plain",
		"--platform", "linux/amd64,linux/386", "--output", "type=local,dest="+out, ctxDir)
	for _, p := range []string{"linux/amd64", "linux/386"} {
		dt, err := os.ReadFile(filepath.Join(out, strings.ReplaceAll(p, "/", "_"), "built"))
		if err != nil {
			t.Errorf("%s: %v\nbuild log:\n%s", p, err, log)
			continue
		}
		if want := p + " on " + p + "\n"; string(dt) != want {
			t.Errorf("%s result says %q, want %q (built on the node of that platform)", p, dt, want)
		}
	}
}

// mustBuildx runs buildx and fails the test when it fails.
func mustBuildx(t *testing.T, e *environment, args ...string) string {
	t.Helper()
	out, err := runBuildx(t, e, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return out
}
