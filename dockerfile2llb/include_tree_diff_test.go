package dockerfile2llb_test

import (
	"fmt"
	"testing"

	"github.com/myorg/multistage/internal/benchdata"
	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// treeReader reads the files of t from the build context.
func treeReader(t benchdata.IncludeTree) *fakefiles.Reader {
	r := fakefiles.New()
	for path, dt := range t.Files {
		r.Files[stages.FileRef{Path: path}] = dt
	}
	return r
}

// TestIncludeTreeIsItsInlining: the include tree of the speed table and
// BenchmarkIncludeTree converts through ours to the ops and config its
// hand-inlined form converts to through upstream, so the table compares
// the same build.
func TestIncludeTreeIsItsInlining(t *testing.T) {
	for _, size := range []struct{ mids, leaves int }{{1, 1}, {2, 4}} {
		tree := benchdata.NewIncludeTree(size.mids, size.leaves, 3)
		t.Run(fmt.Sprintf("%dx%d", size.mids, size.leaves), func(t *testing.T) {
			ourOps, ourConfig, err := oracleSide("tree", includeConverter(treeReader(tree)), string(tree.Main))
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			upOps, upConfig, err := oracleSide("tree", upstreamConverter, string(tree.Inlined))
			if err != nil {
				t.Fatalf("upstream, inlined: %v", err)
			}
			if ourOps != upOps || ourConfig != upConfig {
				t.Errorf("ours with INCLUDE and upstream inlined differ\n--- ours\n%s%s--- upstream\n%s%s", ourOps, ourConfig, upOps, upConfig)
			}
		})
	}
}
