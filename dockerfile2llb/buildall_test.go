package dockerfile2llb_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"

	"github.com/opencontainers/go-digest"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// MULTISTAGE_BUILD_ALL converts the stages the target does not need as
// extra states, leaves the target's own LLB and config alone, and is
// nobody's build arg: no history, no ARG value, no UnusedBuildArg.
func TestBuildAll(t *testing.T) {
	const df = `FROM alpine AS base
RUN echo base
FROM base AS test
RUN echo test
FROM busybox AS lint
RUN echo lint
FROM base AS release
ARG MULTISTAGE_BUILD_ALL
RUN echo "all=$MULTISTAGE_BUILD_ALL"
`
	convert := func(args map[string]string) (*ours.Result, []string) {
		t.Helper()
		var warnings []string
		res, err := ours.Convert(context.Background(), []byte(df), ours.ConvertOpt{
			Config:       dockerui.Config{BuildArgs: args},
			MetaResolver: fakeresolver.New(),
			LLBCaps:      benchCaps(),
			Warn: func(rule, _, _, msg string, _ []parser.Range) {
				warnings = append(warnings, rule+": "+msg)
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res, warnings
	}
	plain, _ := convert(map[string]string{"OTHER": "x"})
	all, warnings := convert(map[string]string{"OTHER": "x", "MULTISTAGE_BUILD_ALL": "1"})
	var names []string
	for _, s := range all.OffPath {
		names = append(names, s.Node.DisplayName())
	}
	if !slices.Equal(names, []string{"test", "lint"}) {
		t.Errorf("off-path stages %v, want [test lint]", names)
	}
	if len(plain.OffPath) != 0 {
		t.Errorf("without the build arg, off-path stages %v", plain.OffPath)
	}
	for _, w := range warnings {
		if strings.Contains(w, "MULTISTAGE_BUILD_ALL") {
			t.Errorf("warning about the switch: %s", w)
		}
	}
	if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, "OTHER") }) {
		t.Errorf("the unused-build-arg rule did not run (warnings %v): the check above proves nothing", warnings)
	}
	// Even declared, the ARG does not receive the switch's value.
	for i, h := range all.Image.History {
		if strings.Contains(h.CreatedBy, "MULTISTAGE_BUILD_ALL=1") || h.CreatedBy != plain.Image.History[i].CreatedBy {
			t.Errorf("history holds the switch: %q", h.CreatedBy)
		}
	}
	a, b := marshalDigests(t, plain.State), marshalDigests(t, all.State)
	if !slices.Equal(a, b) {
		t.Errorf("the target's LLB changed under MULTISTAGE_BUILD_ALL:\n%v\n%v", a, b)
	}
}

func marshalDigests(t *testing.T, st llb.State) []string {
	t.Helper()
	def, err := st.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, dt := range def.Def {
		out = append(out, digest.FromBytes(dt).String())
	}
	slices.Sort(out)
	return out
}
