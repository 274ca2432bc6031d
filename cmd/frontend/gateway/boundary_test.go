package gateway_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/errdefs"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// panicClient is a fake gateway client that panics in one place: where
// the gateway glue, dockerui's goroutines or ours call it.
type panicClient struct {
	*fakeClient
	at     string // "opts", "resolve" or "final-solve"
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
		var m map[string]int
		m[ref]++ // a runtime error, as a real bug would raise
	}
	return p.fakeClient.ResolveImageConfig(ctx, ref, opt)
}

func (p *panicClient) Solve(ctx context.Context, req client.SolveRequest) (*client.Result, error) {
	// The first solve reads the Dockerfile; the next one is the build.
	if p.solves++; p.at == "final-solve" && p.solves > 1 {
		panic("Solve exploded")
	}
	return p.fakeClient.Solve(ctx, req)
}

// TestBuildRecoversPanics: a panic anywhere under Build, in its own
// goroutine or in one that dockerui or the converter started, comes back
// as an error that names the Dockerfile, not as a process exit.
func TestBuildRecoversPanics(t *testing.T) {
	for _, tc := range []struct{ at, filename, want string }{
		{"opts", "", "building Dockerfile: internal error while building: panic: BuildOpts exploded"},
		{"resolve", "ci/Dockerfile.prod", "building ci/Dockerfile.prod: internal error while resolving docker.io/library/alpine:latest: panic: assignment to entry in nil map"},
		{"final-solve", "", "building Dockerfile: internal error while converting and solving for linux/amd64: panic: Solve exploded"},
	} {
		t.Run(tc.at, func(t *testing.T) {
			name := tc.filename
			if name == "" {
				name = "Dockerfile"
			}
			opts := map[string]string{"platform": "linux/amd64"}
			if tc.filename != "" {
				opts["filename"] = tc.filename
			}
			c := &panicClient{at: tc.at, fakeClient: &fakeClient{opts: opts, files: map[string][]byte{
				name: []byte("FROM alpine\nRUN true\n"),
			}, res: fakeresolver.New()}}
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
