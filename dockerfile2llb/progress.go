package dockerfile2llb

import (
	"fmt"
	"math"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// progressCounter numbers a stage's steps for progress names such as
// "[build 2/4] RUN go build".
type progressCounter struct {
	stage         string
	total, index  int
	multiPlatform bool
	// onbuild marks steps that come from ONBUILD triggers.
	onbuild bool
}

func newProgressCounter(stage string, total int, multiPlatform bool) progressCounter {
	return progressCounter{stage: stage, total: total, multiPlatform: multiPlatform}
}

// name numbers the next step. env, when set, lets a cross-compiling step
// show its TARGETPLATFORM next to the platform it runs on.
func (p *progressCounter) name(step string, on ocispecs.Platform, env shell.EnvGetter) string {
	if p.total == 0 {
		return step
	}
	p.index++
	return p.again(step, on, env)
}

// again formats step with the current number, for the second op of a step.
func (p *progressCounter) again(step string, on ocispecs.Platform, env shell.EnvGetter) string {
	if p.total == 0 {
		return step
	}
	var b strings.Builder
	b.WriteByte('[')
	if p.multiPlatform {
		b.WriteString(platforms.FormatAll(on))
		b.WriteString(crossTarget(on, env))
		b.WriteByte(' ')
	}
	if p.stage != "" {
		b.WriteString(p.stage + " ")
	}
	width := int(1 + math.Log10(float64(p.total)))
	fmt.Fprintf(&b, "%*d/%d] ", width, p.index, p.total)
	if p.onbuild {
		b.WriteString("ONBUILD ")
	}
	return b.String() + step
}

// shellEnv is the environment variables are expanded in.
type shellEnv = shell.EnvGetter

// crossTarget renders "->arm64" when the step targets another platform
// than it runs on, read from the TARGET* args in scope.
func crossTarget(on ocispecs.Platform, env shell.EnvGetter) string {
	if env == nil {
		return ""
	}
	t, ok := targetFromEnv(env)
	if !ok {
		return ""
	}
	if t.OS == "" {
		t.OS = on.OS
	}
	if t.Architecture == "" {
		t.Architecture = on.Architecture
	}
	t = platforms.Normalize(t)
	switch {
	case t.OS != on.OS:
		return "->" + platforms.FormatAll(t)
	case t.Architecture != on.Architecture:
		if t.Variant != "" {
			return "->" + t.Architecture + "/" + t.Variant
		}
		return "->" + t.Architecture
	}
	return ""
}

func targetFromEnv(env shell.EnvGetter) (ocispecs.Platform, bool) {
	var p ocispecs.Platform
	found := false
	for _, k := range env.Keys() {
		v, _ := env.Get(k)
		switch k {
		case "TARGETPLATFORM":
			if parsed, err := platforms.Parse(v); err == nil {
				return parsed, true
			}
		case "TARGETOS":
			p.OS, found = v, true
		case "TARGETARCH":
			p.Architecture, found = v, true
		case "TARGETVARIANT":
			p.Variant, found = v, true
		}
	}
	return p, found
}

// countProgressSteps counts the steps that show up in progress: pulling
// the base image and every instruction that produces an op.
func countProgressSteps(n *stages.Node) int {
	total := 0
	if n.Base != nil && n.Base.Kind != stages.KindStage && n.Base.Kind != stages.KindScratch {
		total++
	}
	for _, cmd := range n.Stage.Commands {
		switch cmd.(type) {
		case *instructions.RunCommand, *instructions.CopyCommand, *instructions.AddCommand, *instructions.WorkdirCommand:
			total++
		}
	}
	return total
}

// progressStageName is the stage label in progress names. A Dockerfile with
// a single stage and nothing else to build shows bare step numbers.
func (c *converter) progressStageName(n *stages.Node) string {
	if len(c.graph.Stages) > 1 {
		return n.DisplayName()
	}
	for _, cmd := range n.Stage.Commands {
		switch cmd := cmd.(type) {
		case *instructions.CopyCommand:
			if cmd.From != "" {
				return n.DisplayName()
			}
		case *instructions.RunCommand:
			if len(instructions.GetMounts(cmd)) > 0 {
				return n.DisplayName()
			}
		}
	}
	return ""
}

// stepName is the progress text of an instruction: its source with the
// keyword upper-cased and variables expanded.
func stepName(lex lexer, source string, env shell.EnvGetter) string {
	source = lex.expandOrKeep(source, env)
	keyword, rest, found := strings.Cut(source, " ")
	keyword = strings.ToUpper(keyword)
	if !found {
		return keyword
	}
	return keyword + " " + rest
}

// location attaches Dockerfile ranges to an op, so errors from the solver
// point back at the instruction.
func (c *converter) location(ranges []parser.Range) llb.ConstraintsOpt {
	if !c.multiFile() || len(ranges) == 0 {
		return c.opt.SourceMap.Location(stages.PBRanges(ranges))
	}
	src, local := c.files.Split(ranges)
	return c.sourceMap(src).Location(stages.PBRanges(local))
}

// commandDescription records the instruction text in op metadata.
func commandDescription(source string) llb.ConstraintsOpt {
	return llb.WithDescription(map[string]string{"com.docker.dockerfile.v1.command": source})
}
