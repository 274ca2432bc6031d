package dockerfile2llb

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/solver/pb"

	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/stages"
)

// TestLimitsLeaveRealFilesAlone converts every Dockerfile of the real-world
// corpus (every stage, as --check does) and checks that none comes within
// a factor of 8 of any limit of stages/limits.go: the limits stop hostile
// files, never real ones. -v prints the largest value of each measure, the
// numbers the README quotes.
func TestLimitsLeaveRealFilesAlone(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "realworld")
	entries, err := os.ReadDir(dir)
	if err != nil {
		abs, _ := filepath.Abs(dir)
		t.Skipf("missing test data: %s (%v): the limits are not measured against real files", abs, err)
	}
	type measure struct {
		name     string
		max      int64
		limit    int64
		largest  string
		exported func(dt []byte, c *converter) int64
	}
	measures := []*measure{
		{name: "file bytes", limit: stages.MaxDockerfileBytes, exported: func(dt []byte, _ *converter) int64 { return int64(len(dt)) }},
		{name: "lines", limit: stages.MaxDockerfileLines, exported: func(dt []byte, _ *converter) int64 { return int64(bytes.Count(dt, []byte("\n")) + 1) }},
		{name: "bytes in one instruction", limit: stages.MaxInstructionBytes, exported: func(_ []byte, c *converter) int64 { return largestInstruction(c.df) }},
		{name: "expanded bytes in the file", limit: stages.MaxFileExpansion, exported: func(_ []byte, c *converter) int64 { return c.df.ExpansionStats().FileBytes }},
		{name: "expanded bytes in one word", limit: stages.MaxWordExpansion, exported: func(_ []byte, c *converter) int64 { return c.df.ExpansionStats().WordBytes }},
		{name: "${ nesting", limit: stages.MaxNesting, exported: func(_ []byte, c *converter) int64 { return c.df.ExpansionStats().Depth }},
		{name: "${ in one word", limit: stages.MaxSubstitutions, exported: func(_ []byte, c *converter) int64 { return c.df.ExpansionStats().Substitutions }},
		{name: "pattern substitution work", limit: stages.MaxPatternWork, exported: func(_ []byte, c *converter) int64 { return c.df.ExpansionStats().PatternWork }},
		{name: "environment carried", limit: stages.MaxCarriedBytes, exported: func(_ []byte, c *converter) int64 { return int64(c.envCarried) }},
		{name: "exposed ports", limit: stages.MaxExposedPorts, exported: func(_ []byte, c *converter) int64 { return int64(c.portsExposed) }},
	}
	caps := pb.Caps.CapSet(pb.Caps.All())
	converted := 0
	for _, e := range entries {
		dt, err := os.ReadFile(filepath.Join(dir, e.Name(), "Dockerfile"))
		if err != nil {
			continue
		}
		p := platforms.MustParse("linux/amd64")
		c, err := run(t.Context(), dt, ConvertOpt{TargetPlatform: &p, MetaResolver: fakeresolver.New(), LLBCaps: &caps}, pass{depth: dispatched, allStages: true})
		if err != nil {
			// A few need build args; the differential tests cover them.
			t.Logf("%s: %v", e.Name(), err)
			continue
		}
		converted++
		for _, m := range measures {
			if v := m.exported(dt, c); v > m.max {
				m.max, m.largest = v, e.Name()
			}
		}
	}
	if converted < 60 {
		t.Fatalf("only %d corpus files converted; the measures would mean little", converted)
	}
	for _, m := range measures {
		t.Logf("%-28s largest %9d (%s), limit %d", m.name, m.max, m.largest, m.limit)
		if m.max*8 > m.limit {
			t.Errorf("%s: %s reaches %d, within a factor of 8 of the limit %d", m.name, m.largest, m.max, m.limit)
		}
	}
}

// largestInstruction is the size of the largest instruction of df, its
// heredocs included.
func largestInstruction(df *stages.Dockerfile) int64 {
	var largest int64
	for _, n := range df.AST.AST.Children {
		largest = max(largest, int64(stages.InstructionSize(n)))
	}
	return largest
}
