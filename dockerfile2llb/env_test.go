package dockerfile2llb

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/platforms"

	"github.com/myorg/multistage/internal/fakeresolver"
)

// TestStageEnvInStep holds the environment each stage keeps (stageState.env)
// to what its LLB state says, once every stage is converted: an ENV, ARG or
// base-image change that bypassed addEnv would show as a difference.
func TestStageEnvInStep(t *testing.T) {
	cases := map[string][]byte{
		"env then arg then a child stage": []byte("FROM alpine AS a\nENV A=1 B=2\nARG C=3\nENV A=4\nFROM a\nARG D\nENV E=$A$C\nRUN true\n"),
		"compacted after many ops":        []byte("FROM alpine\n" + strings.Repeat("ENV X=$X.\nRUN echo $X\n", 40)),
		"scratch":                         []byte("FROM scratch\nENV A=1\nCOPY a /b\n"),
		"onbuild trigger sets env":        []byte("FROM alpine AS base\nONBUILD ENV T=1\nFROM base\nENV U=$T\n"),
	}
	files, _ := filepath.Glob("testdata/diff/*.Dockerfile")
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "realworld", "*", "Dockerfile"))
	if len(corpus) == 0 {
		t.Log("the real-world corpus (../shared/corpus/realworld) is absent: only the differential cases and the table run")
	}
	for _, f := range append(files, corpus...) {
		dt, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[f] = dt
	}
	ctx := context.Background()
	p := platforms.MustParse("linux/amd64")
	checked := 0
	for name, dt := range cases {
		c, err := run(ctx, dt, ConvertOpt{MetaResolver: fakeresolver.New(), TargetPlatform: &p}, pass{depth: dispatched, allStages: true})
		if err != nil {
			continue // a case that fails conversion keeps no stages
		}
		states := []*stageState{}
		for _, s := range c.states {
			states = append(states, s)
		}
		for _, s := range c.retargeted {
			states = append(states, s)
		}
		for _, s := range states {
			want, err := s.state.Env(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.env.ToArray(); !slices.Equal(got, want.ToArray()) {
				t.Errorf("%s, stage %s: kept env %q, the LLB state's %q", name, s.node.DisplayName(), got, want.ToArray())
			}
			checked++
		}
	}
	if checked < len(cases) {
		t.Fatalf("only %d stages checked over %d cases", checked, len(cases))
	}
}
