package dockerfile2llb_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"

	ours "github.com/myorg/multistage/dockerfile2llb"
)

// TestSBOMScanSources: which stages (and whether the build context) a
// Dockerfile hands to the SBOM generator, ours against upstream's
// converter, offline. Integration's TestSBOMScanStagesAndContext runs
// the generator for real.
func TestSBOMScanSources(t *testing.T) {
	const declared = `
ARG BUILDKIT_SBOM_SCAN_CONTEXT=true
FROM scratch AS file
ARG BUILDKIT_SBOM_SCAN_STAGE=true
COPY <<EOF /file
data
EOF
FROM scratch AS base
ARG BUILDKIT_SBOM_SCAN_STAGE=true
COPY --from=file /file /foo
FROM scratch AS unused
ARG BUILDKIT_SBOM_SCAN_STAGE=true
FROM base AS child
FROM child
ARG BUILDKIT_SBOM_SCAN_STAGE=true
`
	cases := []struct {
		name, dockerfile string
		args             map[string]string
		want             []string
	}{
		{"declared", declared, nil, []string{"base", "child", "context", "file"}},
		{"off", declared, map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "false", "BUILDKIT_SBOM_SCAN_CONTEXT": "false"}, nil},
		{"stage-list", declared, map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "file,unused"}, []string{"context", "file"}},
		{"undeclared", "FROM scratch AS a\nCOPY <<EOF /a\na\nEOF\nFROM a\n", map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "true", "BUILDKIT_SBOM_SCAN_CONTEXT": "true"}, nil},
		// The global ARG is the default each stage inherits by declaring it.
		{"global-stage-default", "ARG BUILDKIT_SBOM_SCAN_STAGE=a\nFROM scratch AS a\nARG BUILDKIT_SBOM_SCAN_STAGE\nFROM scratch AS b\nCOPY --from=a / /\n", nil, []string{"a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, tp, err := dockeruiConfig(caseOpts{BuildArgs: tc.args})
			if err != nil {
				t.Fatal(err)
			}
			dt := []byte(tc.dockerfile)
			our, err := ours.Convert(context.Background(), dt, ours.ConvertOpt{
				Config: cfg, TargetPlatform: tp, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(),
			})
			if err != nil {
				t.Fatal(err)
			}
			up, err := upstream.Dockerfile2LLB(context.Background(), dt, upstream.ConvertOpt{
				Config: cfg, TargetPlatform: tp, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(),
			})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(maps.Keys(our.SBOM.Extras))
			upKeys := slices.Sorted(maps.Keys(up.SBOM.Extras))
			if !slices.Equal(got, tc.want) {
				t.Errorf("ours scans %v besides the target, want %v", got, tc.want)
			}
			if !slices.Equal(upKeys, tc.want) {
				t.Errorf("upstream scans %v besides the target, want %v (fix the expectation)", upKeys, tc.want)
			}
		})
	}
}
