package gateway_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	"github.com/moby/buildkit/frontend/gateway/client"
	bklint "github.com/moby/buildkit/frontend/subrequests/lint"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// recordingClient counts the solves that evaluate (build now) what they
// are given, as off-path stages are.
type recordingClient struct {
	*fakeClient
	mu        sync.Mutex
	evaluated int
}

func (r *recordingClient) Solve(ctx context.Context, req client.SolveRequest) (*client.Result, error) {
	r.mu.Lock()
	if req.Evaluate {
		r.evaluated++
	}
	r.mu.Unlock()
	return r.fakeClient.Solve(ctx, req)
}

const targetsDockerfile = `FROM alpine AS base
RUN echo shared
FROM base AS test
RUN echo test
FROM busybox AS lint
RUN echo lint
FROM base AS release
RUN echo release
`

func buildWith(t *testing.T, opts map[string]string) (*client.Result, *recordingClient, error) {
	t.Helper()
	c := &recordingClient{fakeClient: &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte(targetsDockerfile)}, res: fakeresolver.New()}}
	res, err := gateway.Build(context.Background(), c)
	return res, c, err
}

// target=a,b: one ref per target, a platforms map keyed by target name
// (what local and tar exporters name directories after) and an image
// config for each.
func TestBuildSeveralTargets(t *testing.T) {
	for _, tc := range []struct {
		target string
		want   []string // ref keys, in platforms-map order
	}{
		{target: "test,lint", want: []string{"test", "lint"}},
		{target: "LINT,test,lint", want: []string{"lint", "test"}},
	} {
		res, _, err := buildWith(t, map[string]string{"target": tc.target})
		if err != nil {
			t.Fatalf("%s: %v", tc.target, err)
		}
		var ps exptypes.Platforms
		if err := json.Unmarshal(res.Metadata[exptypes.ExporterPlatformsKey], &ps); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range ps.Platforms {
			ids = append(ids, p.ID)
			if p.Platform.OS == "" || p.Platform.Architecture == "" {
				t.Errorf("%s: platform of %s is empty: exporters reject it", tc.target, p.ID)
			}
			if res.Refs[p.ID] == nil {
				t.Errorf("%s: no ref for %s", tc.target, p.ID)
			}
			if _, ok := res.Metadata[exptypes.ExporterImageConfigKey+"/"+p.ID]; !ok {
				t.Errorf("%s: no image config for %s", tc.target, p.ID)
			}
		}
		if !slices.Equal(ids, tc.want) || len(res.Refs) != len(tc.want) || res.Ref != nil {
			t.Errorf("%s: platform IDs %v, %d refs, single ref %v; want %v", tc.target, ids, len(res.Refs), res.Ref != nil, tc.want)
		}
	}
}

func TestBuildSeveralTargetsUnknown(t *testing.T) {
	_, c, err := buildWith(t, map[string]string{"target": "test,lnt,rlease"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`target stage "lnt" could not be found`, "did you mean lint?", `target stage "rlease" could not be found`, "did you mean release?"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if c.evaluated != 0 {
		t.Errorf("%d evaluations before the error", c.evaluated)
	}
}

// MULTISTAGE_BUILD_ALL: the export is the target's single ref, and each
// stage it does not need is evaluated in the same build.
func TestBuildAllStages(t *testing.T) {
	for _, tc := range []struct {
		args      map[string]string
		evaluated int
	}{
		{args: map[string]string{"target": "release"}, evaluated: 0},
		{args: map[string]string{"target": "release", "build-arg:MULTISTAGE_BUILD_ALL": "1"}, evaluated: 2},
		{args: map[string]string{"target": "test", "build-arg:MULTISTAGE_BUILD_ALL": "true"}, evaluated: 2},
		{args: map[string]string{"target": "test", "build-arg:MULTISTAGE_BUILD_ALL": "0"}, evaluated: 0},
	} {
		res, c, err := buildWith(t, tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if res.Ref == nil || len(res.Refs) != 0 {
			t.Errorf("%v: want the target's single ref", tc.args)
		}
		if c.evaluated != tc.evaluated {
			t.Errorf("%v: %d stages evaluated, want %d", tc.args, c.evaluated, tc.evaluated)
		}
	}
}

// --call=graph and --check take the same list: the graph marks every
// target and prunes what none needs; MULTISTAGE_BUILD_ALL prunes nothing.
func TestSubrequestsTakeTargetList(t *testing.T) {
	for _, tc := range []struct {
		opts    map[string]string
		targets []string
		pruned  []string
	}{
		{opts: map[string]string{"target": "test,lint"}, targets: []string{"stage-1", "stage-2"}, pruned: []string{"stage-3"}},
		{opts: map[string]string{"target": "release", "build-arg:MULTISTAGE_BUILD_ALL": "1"}},
	} {
		tc.opts["requestid"] = "frontend.graph"
		res, _, err := buildWith(t, tc.opts)
		if err != nil {
			t.Fatalf("%v: %v", tc.opts, err)
		}
		var g struct {
			Targets []string `json:"targets"`
			Nodes   []struct {
				ID     string `json:"id"`
				Kind   string `json:"kind"`
				Target bool   `json:"target"`
				Pruned bool   `json:"pruned"`
			} `json:"nodes"`
		}
		if err := json.Unmarshal(res.Metadata["result.json"], &g); err != nil {
			t.Fatal(err)
		}
		var marked, pruned []string
		for _, n := range g.Nodes {
			if n.Target && len(tc.targets) > 0 {
				marked = append(marked, n.ID)
			}
			if n.Pruned && n.Kind == "stage" {
				pruned = append(pruned, n.ID)
			}
		}
		if !slices.Equal(g.Targets, tc.targets) || !slices.Equal(marked, tc.targets) || !slices.Equal(pruned, tc.pruned) {
			t.Errorf("%v: targets %v, marked %v, pruned %v; want %v, pruned %v", tc.opts, g.Targets, marked, pruned, tc.targets, tc.pruned)
		}
	}
	res, _, err := buildWith(t, map[string]string{"requestid": "frontend.lint", "target": "test,lint"})
	if err != nil {
		t.Fatal(err)
	}
	var lr bklint.LintResults
	if err := json.Unmarshal(res.Metadata["result.json"], &lr); err != nil {
		t.Fatal(err)
	}
	if lr.Error != nil {
		t.Fatalf("--check with a target list: %s", lr.Error.Message)
	}
}

// --attest type=sbom with several targets: each target is scanned as it
// would be alone, and its attestation goes with its ref; with several
// platforms as well the build is refused before anything is built.
func TestBuildSeveralTargetsSBOM(t *testing.T) {
	sbom := map[string]string{"target": "test,lint", "attest:sbom": "generator=" + fakeresolver.FullImage}
	res, _, err := buildWith(t, sbom)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"test", "lint"} {
		as := res.Attestations[name]
		if len(as) != 1 || as[0].InToto.PredicateType != "https://spdx.dev/Document" {
			t.Errorf("attestations of %s: %+v, want one SPDX scan", name, as)
		}
	}
	if len(res.Attestations) != 2 {
		t.Errorf("attestations for %v, want test and lint", slices.Sorted(maps.Keys(res.Attestations)))
	}
	sbom["platform"] = "linux/amd64,linux/arm64"
	_, c, err := buildWith(t, sbom)
	if err == nil || !strings.Contains(err.Error(), "needs a single platform") {
		t.Errorf("several platforms: %v", err)
	}
	if c.evaluated != 0 {
		t.Errorf("%d evaluations before the error", c.evaluated)
	}
}
