package dockerfile2llb_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/containerd/platforms"
	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// FuzzConvert feeds arbitrary bytes as a Dockerfile to our converter, with
// the fake resolver, for the default target and again for the first named
// stage, and marshals every result. It must never panic or hang; errors are
// fine (including "not implemented" while parts are missing), but a state
// that converts and then fails to marshal is a bug, unless upstream's
// converter fails on the same input too.
//
// Seeds: testdata/fuzz/FuzzConvert and the differential cases.
//
//	go test ./dockerfile2llb -run '^$' -fuzz '^FuzzConvert$' -fuzztime 10m
func FuzzConvert(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "diff", "*.Dockerfile"))
	for _, p := range files {
		if dt, err := os.ReadFile(p); err == nil {
			f.Add(dt)
		}
	}
	for _, dt := range notUTF8Seeds {
		f.Add([]byte(dt))
	}
	f.Fuzz(func(t *testing.T, dt []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res := fuzzConvert(ctx, t, dt, "")
		if res == nil || res.Graph == nil {
			return
		}
		if names := res.Graph.StageNames(); len(names) > 0 {
			fuzzConvert(ctx, t, dt, names[0])
		}
	})
}

// fuzzConvert converts and marshals one target; nil when Convert fails.
func fuzzConvert(ctx context.Context, t *testing.T, dt []byte, target string) *ours.Result {
	t.Helper()
	p := platforms.MustParse("linux/amd64")
	caps := pb.Caps.CapSet(pb.Caps.All())
	opt := ours.ConvertOpt{
		Config: dockerui.Config{
			Target:          target,
			BuildArgs:       map[string]string{"BASE": "alpine", "SRC": "build", "N": "0"},
			BuildPlatforms:  []ocispecs.Platform{p},
			TargetPlatforms: []ocispecs.Platform{p},
		},
		TargetPlatform: &p,
		MetaResolver:   fakeresolver.New(),
		LLBCaps:        &caps,
	}
	res, err := ours.Convert(ctx, dt, opt)
	checkNotUTF8(t, dt, err)
	if err != nil {
		if strings.Contains(err.Error(), "not implemented") {
			t.Skip("converter not implemented yet")
		}
		return nil
	}
	if _, err := res.State.Marshal(ctx); err != nil && upstreamMarshals(ctx, dt, opt) {
		t.Fatalf("target %q converted but does not marshal, while upstream's does: %v", target, err)
	}
	return res
}

// upstreamMarshals reports whether upstream's converter converts dt and
// marshals the result. Some inputs convert and then fail to marshal on both
// sides (RUN [] has no arguments, invalid UTF-8 in a command line; see
// testdata run-empty-json, run-invalid-utf8): those are not robustness bugs.
func upstreamMarshals(ctx context.Context, dt []byte, opt ours.ConvertOpt) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	opt.MetaResolver = fakeresolver.New()
	res, err := upstream.Dockerfile2LLB(ctx, dt, upstream.ConvertOpt{
		Config:         opt.Config,
		TargetPlatform: opt.TargetPlatform,
		MetaResolver:   opt.MetaResolver,
		LLBCaps:        opt.LLBCaps,
	})
	if err != nil {
		return false
	}
	_, err = res.State.Marshal(ctx)
	return err == nil
}

// notUTF8Seeds put bytes that are not UTF-8 in every place a Dockerfile
// has: instruction, flag, argument, heredoc, comment, directives.
var notUTF8Seeds = []string{
	"FROM busybox\nFOO\xff bar\n",
	"FROM busybox\nRUN echo \xff\n",
	"FROM busybox\nRUN --mount=type=cache,target=/\xff true\n",
	"FROM busybox\nRUN <<EOF\necho \xfe\nEOF\n",
	"FROM busybox\nCOPY <<EOF /x\n\xc3\x28\nEOF\n",
	"FROM busybox\n# comment \xff\nRUN true\n",
	"# syntax=\xff\nFROM busybox\n",
	"# escape=\xff\nFROM busybox\n",
	"# check=skip=\xff\nFROM busybox\n",
	"ARG X=\xff\nFROM busybox AS b\nCOPY --from=b\xff /a /b\n",
	"FROM busybox AS a\xff\nENV A=\xff\n",
}

// checkNotUTF8 holds Dockerfiles that are not UTF-8 to their rule: ours
// rejects them, naming the first line that is not, before anything else.
func checkNotUTF8(t *testing.T, dt []byte, err error) {
	t.Helper()
	if utf8.Valid(dt) || len(bytes.TrimSpace(dt)) == 0 {
		return
	}
	bad := 0
	for bad < len(dt) {
		r, size := utf8.DecodeRune(dt[bad:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		bad += size
	}
	line := 1 + bytes.Count(dt[:bad], []byte("\n"))
	if err == nil || !strings.Contains(err.Error(), "invalid UTF-8") {
		t.Fatalf("not UTF-8 (line %d), but the error is %v", line, err)
	}
	var le *parser.LocationError
	if !errors.As(err, &le) || len(le.Locations) == 0 || len(le.Locations[0]) == 0 || le.Locations[0][0].Start.Line != line {
		t.Fatalf("not UTF-8 at line %d, but the error names another line or none: %v", line, err)
	}
}
