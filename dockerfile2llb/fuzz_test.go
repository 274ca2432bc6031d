package dockerfile2llb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerd/platforms"
	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
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
