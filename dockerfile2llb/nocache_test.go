package dockerfile2llb

import (
	"slices"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"

	"github.com/myorg/multistage/internal/fakeresolver"
)

// TestNoCacheFilter: every form of the no-cache option, against the
// stages of one Dockerfile. The plain forms are dockerui's.
func TestNoCacheFilter(t *testing.T) {
	names := []string{"deps", "build", "test-unit", "test-e2e", "kit.base", "kit.tools", "release"}
	for _, tc := range []struct {
		name      string
		value     string
		set       bool
		covered   []string
		unmatched []string
	}{
		{name: "not given", covered: nil},
		{name: "given empty: every stage", set: true, covered: names},
		{name: "plain names, any case", value: "deps,BUILD", set: true, covered: []string{"deps", "build"}},
		{name: "negation: every stage but deps", value: "!deps", set: true, covered: []string{"build", "test-unit", "test-e2e", "kit.base", "kit.tools", "release"}},
		{name: "two negations", value: "!deps,!release", set: true, covered: []string{"build", "test-unit", "test-e2e", "kit.base", "kit.tools"}},
		{name: "glob", value: "test-*", set: true, covered: []string{"test-unit", "test-e2e"}},
		{name: "namespace glob", value: "KIT.*", set: true, covered: []string{"kit.base", "kit.tools"}},
		{name: "glob less a negation", value: "test-*,!test-e2e", set: true, covered: []string{"test-unit"}},
		{name: "negated glob", value: "!test-*", set: true, covered: []string{"deps", "build", "kit.base", "kit.tools", "release"}},
		{name: "blanks around items", value: " deps , ,build ", set: true, covered: []string{"deps", "build"}},
		{name: "a typo is reported", value: "deps,bulid,!relase,tset-*", set: true, covered: []string{"deps"}, unmatched: []string{"bulid", "tset-*", "relase"}},
		{name: "malformed glob matches only itself", value: "[", set: true, unmatched: []string{"["}},
	} {
		f := parseNoCache(tc.value, tc.set)
		var covered []string
		for _, n := range names {
			if f.covers(n) {
				covered = append(covered, n)
			}
		}
		if !slices.Equal(covered, tc.covered) {
			t.Errorf("%s (%q): covers %v, want %v", tc.name, tc.value, covered, tc.covered)
		}
		if got := f.unmatched(names); !slices.Equal(got, tc.unmatched) {
			t.Errorf("%s (%q): unmatched %v, want %v", tc.name, tc.value, got, tc.unmatched)
		}
	}
}

// TestRunNoCacheReaches: the ops that skip the cache, by progress name,
// for a RUN --no-cache: itself, what follows it in the stage, and what
// reads the stage elsewhere; nothing before it, nothing beside it.
func TestRunNoCacheReaches(t *testing.T) {
	df := `FROM busybox AS deps
RUN echo deps
FROM busybox AS build
RUN echo before
RUN --no-cache echo always
RUN echo after
FROM build AS child
RUN echo child
FROM busybox
COPY --from=deps /a /a
RUN --mount=from=build,target=/b echo mounted
COPY --from=deps /c /c
`
	p := platforms.MustParse("linux/amd64")
	caps := pb.Caps.CapSet(pb.Caps.All())
	res, err := Convert(t.Context(), []byte(df), ConvertOpt{TargetPlatform: &p, MetaResolver: fakeresolver.New(), LLBCaps: &caps,
		Config: dockerui.Config{Target: ""}})
	if err != nil {
		t.Fatal(err)
	}
	def, err := res.State.Marshal(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ignoring []string
	for _, m := range def.Metadata {
		if m.IgnoreCache {
			ignoring = append(ignoring, m.Description["llb.customname"])
		}
	}
	slices.Sort(ignoring)
	want := []string{
		"[build 3/4] RUN --no-cache echo always",
		"[build 4/4] RUN echo after",
		"[stage-3 3/4] RUN --mount=from=build,target=/b echo mounted",
		"[stage-3 4/4] COPY --from=deps /c /c",
	}
	if !slices.Equal(ignoring, want) {
		t.Errorf("ops that skip the cache:\n  %q\nwant\n  %q", ignoring, want)
	}
}

// TestRunNoCacheInCalls: --check, the outline, the graph and the targets
// list read a Dockerfile with RUN --no-cache as any other.
func TestRunNoCacheInCalls(t *testing.T) {
	dt := []byte("FROM busybox AS build\nARG CACHEBUST\nRUN --no-cache echo $CACHEBUST\nFROM build\nRUN true\n")
	p := platforms.MustParse("linux/amd64")
	opt := ConvertOpt{TargetPlatform: &p, MetaResolver: fakeresolver.New()}
	lint, err := Lint(t.Context(), dt, opt)
	if err != nil || lint.Error != nil {
		t.Fatalf("--check: %v %v", err, lint.Error)
	}
	var rules []string
	for _, w := range lint.Warnings {
		rules = append(rules, w.RuleName)
	}
	if !slices.Equal(rules, []string{"CacheBustArg"}) {
		t.Errorf("--check warns %v; want only CacheBustArg", rules)
	}
	if _, err := Outline(t.Context(), dt, opt); err != nil {
		t.Errorf("outline: %v", err)
	}
	if _, err := StageGraph(t.Context(), dt, opt); err != nil {
		t.Errorf("graph: %v", err)
	}
	if _, err := ListTargets(t.Context(), dt); err != nil {
		t.Errorf("targets: %v", err)
	}
}
