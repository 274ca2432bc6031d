package gateway

// The include reader against a gateway client held in memory: one solve
// per nesting level, whatever the number of contexts it reads; reads
// shared by platforms; each file's failure its own.

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
	fstypes "github.com/tonistiigi/fsutil/types"

	"github.com/myorg/multistage/stages"
)

// includeClient serves files by path and counts the solves that read
// included files (not dockerui's .dockerignore reads).
type includeClient struct {
	client.Client
	opts  map[string]string
	files map[string]string

	mu     sync.Mutex
	solves []string // per include solve: the source identifiers
	reads  []string // the files read (ReadFile), in order
}

func (c *includeClient) BuildOpts() client.BuildOpts {
	return client.BuildOpts{Opts: c.opts, LLBCaps: pb.Caps.CapSet(pb.Caps.All()), Caps: gwpb.Caps.CapSet(gwpb.Caps.All())}
}

func (c *includeClient) Solve(ctx context.Context, req client.SolveRequest) (*client.Result, error) {
	var ids []string
	include := false
	for _, dt := range req.Definition.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, err
		}
		if src := op.GetSource(); src != nil {
			ids = append(ids, src.Identifier)
			include = include || strings.HasPrefix(src.Attrs[pb.AttrSharedKeyHint], includeSharedKey)
		}
	}
	if include {
		c.mu.Lock()
		c.solves = append(c.solves, strings.Join(ids, " "))
		c.mu.Unlock()
	}
	r := client.NewResult()
	r.SetRef(&includeRef{c: c})
	return r, nil
}

func (c *includeClient) ResolveSourceMetadata(context.Context, *pb.SourceOp, sourceresolver.Opt) (*sourceresolver.MetaResponse, error) {
	return nil, errors.New("not supported")
}

func (c *includeClient) Inputs(context.Context) (map[string]llb.State, error) {
	return map[string]llb.State{}, nil
}

func (c *includeClient) Warn(context.Context, digest.Digest, string, client.WarnOpts) error {
	return nil
}

type includeRef struct {
	client.Reference
	c *includeClient
}

func (r *includeRef) ReadFile(ctx context.Context, req client.ReadRequest) ([]byte, error) {
	r.c.mu.Lock()
	r.c.reads = append(r.c.reads, req.Filename)
	r.c.mu.Unlock()
	if dt, ok := r.c.files[req.Filename]; ok {
		return []byte(dt), nil
	}
	return nil, errors.Wrap(os.ErrNotExist, req.Filename)
}

func (r *includeRef) StatFile(ctx context.Context, req client.StatRequest) (*fstypes.Stat, error) {
	if dt, ok := r.c.files[req.Path]; ok {
		return &fstypes.Stat{Path: req.Path, Size: int64(len(dt)), Mode: 0o644}, nil
	}
	return nil, errors.Wrap(os.ErrNotExist, req.Path)
}

func (r *includeRef) ReadDir(ctx context.Context, req client.ReadDirRequest) ([]*fstypes.Stat, error) {
	return []*fstypes.Stat{{Path: "go.dockerfile"}}, nil
}

func newTestIncludeReader(t *testing.T, files map[string]string) (*includeReader, *includeClient) {
	t.Helper()
	c := &includeClient{opts: map[string]string{"context:lib": "local:libdir"}, files: files}
	bc, err := dockerui.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	return newIncludeReader(c, bc), c
}

var (
	amd64 = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = ocispecs.Platform{OS: "linux", Architecture: "arm64"}
)

func TestIncludeReaderOneSolvePerLevel(t *testing.T) {
	files := map[string]string{
		"/0/docker/go.Dockerfile": "FROM alpine AS build\n",
		"/1/node.Dockerfile":      "FROM node AS deps\n",
		"big.Dockerfile":          strings.Repeat("#", stages.MaxIncludeFileBytes+1),
	}
	r, c := newTestIncludeReader(t, files)
	refs := []stages.FileRef{{Path: "docker/go.Dockerfile"}, {Context: "lib", Path: "node.Dockerfile"}, {Path: "docker/Go.Dockerfile"}}
	got, err := r.ReadFiles(context.Background(), amd64, refs)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[0].Data) != files["/0/docker/go.Dockerfile"] || string(got[1].Data) != files["/1/node.Dockerfile"] {
		t.Errorf("read %q and %q, want the two files from their contexts' directories", got[0].Data, got[1].Data)
	}
	if !errors.Is(got[2].Err, stages.ErrNotExist) || len(got[2].Siblings) != 1 {
		t.Errorf("missing file: %v, siblings %q; want ErrNotExist with the directory's names", got[2].Err, got[2].Siblings)
	}
	if len(c.solves) != 1 || !strings.Contains(c.solves[0], "local://context") || !strings.Contains(c.solves[0], "local://libdir") {
		t.Fatalf("include solves %q, want one reading both contexts", c.solves)
	}
	// The build context is the same for every platform: read once.
	if _, err := r.ReadFiles(context.Background(), arm64, refs[:1]); err != nil {
		t.Fatal(err)
	}
	if len(c.solves) != 1 {
		t.Errorf("include solves after a second platform: %d, want 1", len(c.solves))
	}
}

func TestIncludeReaderFailuresPerFile(t *testing.T) {
	files := map[string]string{"big.Dockerfile": strings.Repeat("#", stages.MaxIncludeFileBytes+1)}
	r, c := newTestIncludeReader(t, files)
	got, err := r.ReadFiles(context.Background(), amd64, []stages.FileRef{{Path: "big.Dockerfile"}, {Context: "nosuch", Path: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	var tooLarge *stages.TooLargeError
	if !errors.As(got[0].Err, &tooLarge) || slices.Contains(c.reads, "big.Dockerfile") {
		t.Errorf("large file: %v after reading %q; want a TooLargeError before any read", got[0].Err, c.reads)
	}
	if !errors.Is(got[1].Err, stages.ErrNoContext) {
		t.Errorf("unknown context: %v, want ErrNoContext", got[1].Err)
	}
}
