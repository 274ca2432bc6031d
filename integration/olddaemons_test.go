package integration

import (
	"os"
	"strings"
	"testing"
	"time"
)

// oldDaemonScenarios are the scenarios that need nothing newer than
// BuildKit v0.12: multi-stage graphs, targets, pruning, COPY --from (and
// no Go compile, which on a fresh node takes minutes).
var oldDaemonScenarios = []string{
	"from-earlier-stage",
	"unused-stages-pruned",
	"testing-production-production",
}

// oldDaemon is what the test knows of one old release: whether it takes
// one exporter per build only, and a Dockerfile that needs a newer daemon,
// which the frontend must refuse before building, naming the feature and
// the release.
type oldDaemon struct {
	oneExporter bool
	tooNew      scenario
}

var oldDaemonReleases = map[string]oldDaemon{
	"v0.12.5": {oneExporter: true, tooNew: scenario{
		name:       "chmod-symbolic",
		dockerfile: "FROM busybox\nCOPY --chmod=u+x run.sh /run.sh\n",
		files:      map[string]string{"run.sh": "#!/bin/sh\n"},
		want: expect{err: &wantError{
			contains: []string{"COPY/ADD --chmod with a symbolic mode (u+x) is not supported by this BuildKit daemon: it needs BuildKit v0.17.0 or newer"},
			lines:    []int{3},
		}},
		skipUpstream: "the builtin frontend of BuildKit v0.12 rejects a symbolic --chmod in its own words",
	}},
	"v0.23.2": {tooNew: scenario{
		name:       "copy-parents",
		dockerfile: "FROM busybox\nCOPY --parents a/b.txt /out/\n",
		files:      map[string]string{"a/b.txt": "b\n"},
		want: expect{err: &wantError{
			contains: []string{"COPY --parents of a path without wildcards is not supported by this BuildKit daemon: it needs BuildKit v0.26.0 or newer"},
			lines:    []int{3},
		}},
		skipUpstream: "the builtin frontend of BuildKit v0.23 builds it another way",
	}},
}

// oldDaemons reads MULTISTAGE_OLD_BUILDKITDS ("VERSION=PATH ..."), which
// hack/test.sh sets from the tool cache (hack/tools.sh old). Unset or
// empty, the test is skipped; a version it names must have its binary.
func oldDaemons(t *testing.T) map[string]string {
	spec, set := os.LookupEnv("MULTISTAGE_OLD_BUILDKITDS")
	if !set {
		t.Skip("integration: MULTISTAGE_OLD_BUILDKITDS is not set (hack/test.sh sets it after hack/tools.sh old); skipping the old-daemon matrix")
	}
	waitOldDaemonBuild(t)
	out := map[string]string{}
	for _, f := range strings.Fields(spec) {
		v, p, ok := strings.Cut(f, "=")
		if !ok {
			t.Fatalf("MULTISTAGE_OLD_BUILDKITDS: %q is not VERSION=PATH", f)
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("MULTISTAGE_OLD_BUILDKITDS names BuildKit %s, whose buildkitd is missing: %v (hack/tools.sh old builds it)", v, err)
		}
		out[v] = p
	}
	if len(out) == 0 {
		t.Skip("integration: MULTISTAGE_OLD_BUILDKITDS names no old buildkitd; skipping the old-daemon matrix")
	}
	return out
}

// waitOldDaemonBuild waits for the build hack/test.sh runs in the
// background on a cold tool cache: MULTISTAGE_OLD_BUILDKITDS_READY names
// the file its exit status goes to.
func waitOldDaemonBuild(t *testing.T) {
	ready := os.Getenv("MULTISTAGE_OLD_BUILDKITDS_READY")
	if ready == "" {
		return
	}
	deadline := time.Now().Add(40 * time.Minute)
	if d, ok := t.Deadline(); ok && d.Add(-time.Minute).Before(deadline) {
		deadline = d.Add(-time.Minute)
	}
	for {
		dt, err := os.ReadFile(ready)
		if err == nil {
			if rc := strings.TrimSpace(string(dt)); rc != "0" {
				logText, _ := os.ReadFile(os.Getenv("MULTISTAGE_OLD_BUILDKITDS_LOG"))
				t.Fatalf("hack/tools.sh old failed (exit %s); its output:\n%s", rc, logText)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the old buildkitds were still building when the test ran out of time (no %s yet)", ready)
		}
		time.Sleep(2 * time.Second)
	}
}

// TestOldDaemons runs a few scenarios in every mode (but buildx) against
// each older buildkitd, sharing the environment's registry, and one
// Dockerfile per daemon that needs a newer one.
func TestOldDaemons(t *testing.T) {
	// Last, with the other parallel tests: a cold build of the daemons runs
	// meanwhile (waitOldDaemonBuild).
	t.Parallel()
	e := requireNodes(t)
	daemons := oldDaemons(t)
	byName := map[string]*scenario{}
	for i := range scenarios {
		byName[scenarios[i].name] = &scenarios[i]
	}
	for version, bin := range daemons {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			known, ok := oldDaemonReleases[version]
			if !ok {
				t.Fatalf("no expectations for BuildKit %s: add it to oldDaemonReleases", version)
			}
			ne := startNode(t, e, nodeOpt{bin: bin}).env(e)
			ne.oneExporter = known.oneExporter
			for _, name := range oldDaemonScenarios {
				s, ok := byName[name]
				if !ok {
					t.Fatalf("no scenario %q", name)
				}
				t.Run(name, func(t *testing.T) { s.run(t, ne) })
			}
			t.Run(known.tooNew.name, func(t *testing.T) { known.tooNew.run(t, ne) })
		})
	}
}
