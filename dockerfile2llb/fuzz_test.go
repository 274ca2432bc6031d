package dockerfile2llb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/containerd/platforms"
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
// that converts and then fails to marshal is a bug, unless the input is not
// valid UTF-8.
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
	res, err := ours.Convert(ctx, dt, ours.ConvertOpt{
		Config: dockerui.Config{
			Target:          target,
			BuildArgs:       map[string]string{"BASE": "alpine", "SRC": "build", "N": "0"},
			BuildPlatforms:  []ocispecs.Platform{p},
			TargetPlatforms: []ocispecs.Platform{p},
		},
		TargetPlatform: &p,
		MetaResolver:   fakeresolver.New(),
		LLBCaps:        &caps,
	})
	if err != nil {
		if strings.Contains(err.Error(), "not implemented") {
			t.Skip("converter not implemented yet")
		}
		return nil
	}
	if _, err := res.State.Marshal(ctx); err != nil && utf8.Valid(dt) {
		// Invalid UTF-8 reaching an exec's args fails in protobuf, for
		// upstream's converter too (testdata run-invalid-utf8); anything
		// else is our bug.
		t.Fatalf("target %q converted but does not marshal: %v", target, err)
	}
	return res
}
