package dockerfile2llb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/benchdata"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// BenchmarkChain converts benchdata.Chain (n stages, each FROM the
// previous, with a RUN and a COPY --from two stages back) and marshals the
// result to a Definition, so the LLB work is counted. Ours runs at 100,
// 1,000 and 5,000 stages; upstream's converter, which grows quadratically
// on this shape, at 100 and 1,000. bench/chain.sh prints the table.
func BenchmarkChain(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		dt := benchdata.Chain(n)
		b.Run(fmt.Sprintf("ours/N=%d", n), func(b *testing.B) {
			benchConvert(b, n, func(ctx context.Context) (llb.State, error) {
				res, err := ours.Convert(ctx, dt, ours.ConvertOpt{
					Config:         benchConfig(),
					TargetPlatform: benchPlatform(),
					MetaResolver:   fakeresolver.New(),
					LLBCaps:        benchCaps(),
				})
				if err != nil {
					return llb.State{}, err
				}
				return res.State, nil
			})
		})
	}
	for _, n := range []int{100, 1000} {
		dt := benchdata.Chain(n)
		b.Run(fmt.Sprintf("upstream/N=%d", n), func(b *testing.B) {
			benchConvert(b, n, func(ctx context.Context) (llb.State, error) {
				res, err := upstream.Dockerfile2LLB(ctx, dt, upstream.ConvertOpt{
					Config:         benchConfig(),
					TargetPlatform: benchPlatform(),
					MetaResolver:   fakeresolver.New(),
					LLBCaps:        benchCaps(),
				})
				if err != nil {
					return llb.State{}, err
				}
				return res.State, nil
			})
		})
	}
}

// benchConvert times convert plus marshalling, and reports ns per stage so
// linear growth shows as a flat column.
func benchConvert(b *testing.B, n int, convert func(context.Context) (llb.State, error)) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		st, err := convert(ctx)
		if err != nil {
			b.Fatal(err)
		}
		def, err := st.Marshal(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(def.Def) < n {
			b.Fatalf("%d ops for %d stages", len(def.Def), n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/stage")
}

func benchConfig() dockerui.Config {
	return dockerui.Config{
		BuildArgs:       map[string]string{},
		BuildPlatforms:  []ocispecs.Platform{platforms.MustParse("linux/amd64")},
		TargetPlatforms: []ocispecs.Platform{platforms.MustParse("linux/amd64")},
	}
}

func benchPlatform() *ocispecs.Platform {
	p := platforms.MustParse("linux/amd64")
	return &p
}

func benchCaps() *apicaps.CapSet {
	caps := pb.Caps.CapSet(pb.Caps.All())
	return &caps
}
