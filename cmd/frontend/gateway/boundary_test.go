package gateway_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// panicClient is a fake gateway client that panics in one place: where
// the gateway glue, dockerui's goroutines or ours call it.
type panicClient struct {
	*fakeClient
	at     string // "opts", "resolve", "final-solve" or "sbom-solve"
	solves int
}

func (p *panicClient) BuildOpts() client.BuildOpts {
	if p.at == "opts" {
		panic("BuildOpts exploded")
	}
	return p.fakeClient.BuildOpts()
}

func (p *panicClient) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	if p.at == "resolve" {
		var tags []string
		_ = tags[len(ref)] // a runtime error (index out of range), as a real bug would raise
	}
	return p.fakeClient.ResolveImageConfig(ctx, ref, opt)
}

// ResolveSourceMetadata serves image configs from the fake resolver (the
// SBOM scanner resolves its generator image this way).
func (p *panicClient) ResolveSourceMetadata(ctx context.Context, op *pb.SourceOp, opt sourceresolver.Opt) (*sourceresolver.MetaResponse, error) {
	ref := strings.TrimPrefix(op.Identifier, "docker-image://")
	_, dgst, dt, err := p.res.ResolveImageConfig(ctx, ref, opt)
	if err != nil {
		return nil, err
	}
	return &sourceresolver.MetaResponse{Op: op, Image: &sourceresolver.ResolveImageResponse{Digest: dgst, Config: dt}}, nil
}

func (p *panicClient) Solve(ctx context.Context, req client.SolveRequest) (*client.Result, error) {
	// The first solve reads the Dockerfile; the next one is the build.
	if p.solves++; p.at == "final-solve" && p.solves > 1 || p.at == "sbom-solve" && runsScanner(req) {
		panic("Solve exploded")
	}
	return p.fakeClient.Solve(ctx, req)
}

// runsScanner reports whether a solve is the SBOM generator's.
func runsScanner(req client.SolveRequest) bool {
	if req.Definition == nil {
		return false
	}
	return slices.ContainsFunc(req.Definition.Def, func(op []byte) bool { return bytes.Contains(op, []byte(sbomScanner)) })
}

const sbomScanner = "docker.io/docker/buildkit-syft-scanner:stable-1"

// TestBuildRecoversPanics: a panic anywhere under Build, in its own
// goroutine or in one that dockerui or the converter started, comes back
// as an error that names the Dockerfile, not as a process exit.
func TestBuildRecoversPanics(t *testing.T) {
	for _, tc := range []struct{ at, filename, want string }{
		{"opts", "", "building Dockerfile: internal error while converting: panic: BuildOpts exploded"},
		{"resolve", "ci/Dockerfile.prod", "building ci/Dockerfile.prod: internal error while resolving docker.io/library/alpine:latest: panic: runtime error: index out of range [31] with length 0"},
		{"final-solve", "", "building Dockerfile: internal error while converting and solving for linux/amd64: panic: Solve exploded"},
		{"sbom-solve", "", "building Dockerfile: internal error while scanning linux/amd64 for its SBOM: panic: Solve exploded"},
	} {
		t.Run(tc.at, func(t *testing.T) {
			name := tc.filename
			if name == "" {
				name = "Dockerfile"
			}
			opts := map[string]string{"platform": "linux/amd64"}
			res := fakeresolver.New()
			if tc.at == "sbom-solve" {
				opts["attest:sbom"] = ""
				var scanner dockerspec.DockerOCIImage
				scanner.Config.Cmd = []string{"/scan"}
				res.Register(sbomScanner, scanner)
			}
			if tc.filename != "" {
				opts["filename"] = tc.filename
			}
			c := &panicClient{at: tc.at, fakeClient: &fakeClient{opts: opts, files: map[string][]byte{
				name: []byte("FROM alpine\nRUN true\n"),
			}, res: res}}
			_, err := gateway.Build(context.Background(), c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestBuildInvalidUTF8 feeds Dockerfiles with bytes that are not UTF-8:
// the error must name the line, carry the source for the snippet, and be
// UTF-8 itself (gRPC cannot send it otherwise, and the frontend exited).
func TestBuildInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, df string
		line     int
	}{
		{"instruction", "FROM busybox\nFOO\xff bar\n", 2},
		{"run argument", "FROM busybox\nRUN echo \xff\n", 2},
		{"heredoc", "FROM busybox\nRUN <<EOF\necho \xfe\nEOF\n", 3},
		{"syntax directive", "# syntax=\xff\nFROM busybox\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClient{opts: map[string]string{}, files: map[string][]byte{"Dockerfile": []byte(tc.df)}, res: fakeresolver.New()}
			_, err := gateway.Build(context.Background(), c)
			if err == nil || !strings.Contains(err.Error(), "invalid UTF-8") {
				t.Fatalf("error %v, want one about invalid UTF-8", err)
			}
			if !utf8.ValidString(err.Error()) {
				t.Errorf("the message is not UTF-8 itself: %q", err)
			}
			var le *parser.LocationError
			if !errors.As(err, &le) || len(le.Locations) == 0 || le.Locations[0][0].Start.Line != tc.line {
				t.Errorf("error %v does not name line %d", err, tc.line)
			}
			if srcs := errdefs.Sources(err); len(srcs) == 0 || !slices.Equal(srcs[0].Info.Data, []byte(tc.df)) {
				t.Errorf("error carries no source for the snippet: %v", err)
			}
		})
	}
}
