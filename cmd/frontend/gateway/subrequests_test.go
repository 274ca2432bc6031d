package gateway_test

// In-process tests of the subrequests through the real gateway glue
// (dockerui reads options and the Dockerfile), with a fake gateway client
// that serves files from memory and images from the fake resolver.

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/gateway/client"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	bksubrequests "github.com/moby/buildkit/frontend/subrequests"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"
	fstypes "github.com/tonistiigi/fsutil/types"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/stages"
)

type fakeClient struct {
	opts  map[string]string
	files map[string][]byte
	res   *fakeresolver.Resolver
}

func (f *fakeClient) Solve(ctx context.Context, req client.SolveRequest) (*client.Result, error) {
	r := client.NewResult()
	r.SetRef(&fakeRef{files: f.files})
	return r, nil
}

func (f *fakeClient) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return f.res.ResolveImageConfig(ctx, ref, opt)
}

// ResolveSourceMetadata answers for images only, from the fake resolver
// (the SBOM generator is resolved this way).
func (f *fakeClient) ResolveSourceMetadata(ctx context.Context, op *pb.SourceOp, opt sourceresolver.Opt) (*sourceresolver.MetaResponse, error) {
	ref, ok := strings.CutPrefix(op.Identifier, "docker-image://")
	if !ok {
		return nil, errors.New("not supported")
	}
	_, dgst, dt, err := f.res.ResolveImageConfig(ctx, ref, opt)
	if err != nil {
		return nil, err
	}
	return &sourceresolver.MetaResponse{Op: op, Image: &sourceresolver.ResolveImageResponse{Digest: dgst, Config: dt}}, nil
}

func (f *fakeClient) BuildOpts() client.BuildOpts {
	return client.BuildOpts{
		Opts:    f.opts,
		LLBCaps: pb.Caps.CapSet(pb.Caps.All()),
		Caps:    gwpb.Caps.CapSet(gwpb.Caps.All()),
	}
}

func (f *fakeClient) Inputs(ctx context.Context) (map[string]llb.State, error) {
	return map[string]llb.State{}, nil
}

func (f *fakeClient) NewContainer(ctx context.Context, req client.NewContainerRequest) (client.Container, error) {
	return nil, errors.New("not supported")
}

func (f *fakeClient) Warn(ctx context.Context, dgst digest.Digest, msg string, opts client.WarnOpts) error {
	return nil
}

type fakeRef struct{ files map[string][]byte }

func (r *fakeRef) ToState() (llb.State, error)        { return llb.Scratch(), nil }
func (r *fakeRef) Evaluate(ctx context.Context) error { return nil }
func (r *fakeRef) ReadFile(ctx context.Context, req client.ReadRequest) ([]byte, error) {
	if dt, ok := r.files[req.Filename]; ok {
		return dt, nil
	}
	return nil, errors.Wrap(os.ErrNotExist, req.Filename)
}
func (r *fakeRef) StatFile(ctx context.Context, req client.StatRequest) (*fstypes.Stat, error) {
	if dt, ok := r.files[req.Path]; ok {
		return &fstypes.Stat{Path: req.Path, Size: int64(len(dt))}, nil
	}
	return nil, errors.Wrap(os.ErrNotExist, req.Path)
}
func (r *fakeRef) ReadDir(ctx context.Context, req client.ReadDirRequest) ([]*fstypes.Stat, error) {
	return nil, nil
}

const testDockerfile = `# check=experimental=UnreachableStage
ARG GO_VERSION=1.22

# base has the toolchain.
FROM golang:${GO_VERSION} AS base

# lint runs the linters.
FROM base AS lint
RUN go vet ./...

FROM base AS build
# VERSION is stamped into the binary.
ARG VERSION=dev
RUN --mount=type=secret,id=netrc,required=true --mount=type=ssh go build -o /app .

# release is the shipped image.
FROM scratch AS release
COPY --from=0 /etc/passwd /etc/passwd
COPY --from=build /app /app
CMD /app
`

func call(t *testing.T, requestID string, extra map[string]string) map[string][]byte {
	t.Helper()
	opts := map[string]string{"requestid": requestID, "frontend.caps": "moby.buildkit.frontend.subrequests"}
	for k, v := range extra {
		opts[k] = v
	}
	c := &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte(testDockerfile)}, res: fakeresolver.New()}
	res, err := gateway.Build(context.Background(), c)
	if err != nil {
		t.Fatalf("%s: %v", requestID, err)
	}
	return res.Metadata
}

func TestCallTargets(t *testing.T) {
	md := call(t, "frontend.targets", nil)
	var l targets.List
	if err := json.Unmarshal(md["result.json"], &l); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range l.Targets {
		names = append(names, tg.Name)
	}
	if strings.Join(names, ",") != "base,lint,build,release" || !l.Targets[3].Default || l.Targets[0].Description != "has the toolchain." {
		t.Errorf("unexpected targets: %s", md["result.json"])
	}
	if !strings.Contains(string(md["result.txt"]), "release (default)") {
		t.Errorf("result.txt:\n%s", md["result.txt"])
	}
}

func TestCallOutline(t *testing.T) {
	md := call(t, "frontend.outline", map[string]string{"target": "build", "build-arg:VERSION": "1.0"})
	var o outline.Outline
	if err := json.Unmarshal(md["result.json"], &o); err != nil {
		t.Fatal(err)
	}
	if o.Name != "build" || len(o.Args) != 2 || o.Args[0].Name != "GO_VERSION" || o.Args[1].Value != "1.0" || o.Args[1].Description != "is stamped into the binary." {
		t.Errorf("unexpected args: %s", md["result.json"])
	}
	if len(o.Secrets) != 1 || o.Secrets[0].Name != "netrc" || !o.Secrets[0].Required || len(o.SSH) != 1 || o.SSH[0].Name != "default" {
		t.Errorf("unexpected secrets/ssh: %s", md["result.json"])
	}
}

func TestCallLint(t *testing.T) {
	md := call(t, "frontend.lint", map[string]string{"build-arg:UNUSED": "x"})
	var r lint.LintResults
	if err := json.Unmarshal(md["result.json"], &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, w := range r.Warnings {
		got[w.RuleName] = true
	}
	for _, rule := range []string{"JSONArgsRecommended", "NumericStageReference", "UnusedBuildArg", "UnreachableStage"} {
		if !got[rule] {
			t.Errorf("no %s warning in %s", rule, md["result.json"])
		}
	}
	if string(md["result.statuscode"]) != "1" || r.Error != nil {
		t.Errorf("status %s, error %v", md["result.statuscode"], r.Error)
	}
	// With the lint target given, only its stages are walked: lint's RUN
	// is not checked, the release stage's CMD is not either.
	md = call(t, "frontend.lint", map[string]string{"target": "build"})
	if strings.Contains(string(md["result.json"]), "JSONArgsRecommended") {
		t.Errorf("target build must not check release's CMD: %s", md["result.json"])
	}
}

func TestCallLintBuildError(t *testing.T) {
	opts := map[string]string{"requestid": "frontend.lint"}
	c := &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte("FROM alpine AS a\nCOPY --from=b / /\nFROM alpine AS b\n")}, res: fakeresolver.New()}
	res, err := gateway.Build(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	var r lint.LintResults
	if err := json.Unmarshal(res.Metadata["result.json"], &r); err != nil {
		t.Fatal(err)
	}
	if r.Error == nil || len(r.Error.Location.Ranges) == 0 {
		t.Fatalf("want a build error with a location: %s", res.Metadata["result.json"])
	}
}

func TestCallGraph(t *testing.T) {
	md := call(t, "frontend.graph", map[string]string{"target": "build"})
	var r stages.Rendered
	if err := json.Unmarshal(md["result.json"], &r); err != nil {
		t.Fatal(err)
	}
	if r.Target != "stage-2" {
		t.Errorf("target %s, want stage-2", r.Target)
	}
	pruned := map[string]bool{}
	for _, n := range r.Nodes {
		pruned[n.ID] = n.Pruned
	}
	if !pruned["stage-1"] || !pruned["stage-3"] || pruned["stage-0"] {
		t.Errorf("pruning wrong: %v", pruned)
	}
	if !strings.HasPrefix(string(md["result.txt"]), "digraph stages {") {
		t.Errorf("result.txt is not DOT:\n%s", md["result.txt"])
	}
}

func TestCallDescribe(t *testing.T) {
	md := call(t, "frontend.subrequests.describe", nil)
	var reqs []bksubrequests.Request
	if err := json.Unmarshal(md["result.json"], &reqs); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range reqs {
		if r.Version == "" {
			t.Errorf("%s has no version", r.Name)
		}
		names = append(names, r.Name)
	}
	want := "frontend.outline,frontend.targets,frontend.lint,frontend.graph,frontend.subrequests.describe"
	if strings.Join(names, ",") != want {
		t.Errorf("describe lists %v, want %s", names, want)
	}
}
