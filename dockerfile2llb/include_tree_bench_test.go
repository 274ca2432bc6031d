package dockerfile2llb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/moby/buildkit/client/llb"

	"github.com/myorg/multistage/internal/benchdata"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// BenchmarkIncludeTree converts and marshals the include tree of the
// speed table at 10 and at 100 files of 10 stages (the Dockerfile
// includes 2 or 10 files, each including 4 or 9), ours with INCLUDE, and
// its inlined form through ours and through upstream. From 10 to 100
// files the stages grow 9.2 times (110 to 1,010, the Dockerfile's own
// included): when the include path is linear, ns/stage stays level and
// allocs/op grow as the stages do.
//
//	go test -run '^$' -bench IncludeTree -count 6 ./dockerfile2llb
func BenchmarkIncludeTree(b *testing.B) {
	for _, size := range []struct{ mids, leaves int }{{2, 4}, {10, 9}} {
		tree := benchdata.NewIncludeTree(size.mids, size.leaves, 10)
		files := size.mids * (1 + size.leaves)
		for _, side := range []struct {
			name string
			conv converter
			dt   []byte
		}{
			{"ours-include", includeConverter(treeReader(tree)), tree.Main},
			{"ours-inlined", ourConverter, tree.Inlined},
			{"upstream-inlined", upstreamConverter, tree.Inlined},
		} {
			b.Run(fmt.Sprintf("files=%d/%s", files, side.name), func(b *testing.B) {
				b.ReportAllocs()
				ctx := context.Background()
				for b.Loop() {
					sm := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", side.dt)
					st, _, _, err := side.conv(ctx, side.dt, caseOpts{}, fakeresolver.New(), sm, nil)
					if err == nil {
						_, err = st.Marshal(ctx)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				perStage := float64(b.N * tree.Stages)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perStage, "ns/stage")
			})
		}
	}
}
