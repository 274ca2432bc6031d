package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/stages"
)

// Every pass over a Dockerfile (a build, --check, the outline, the graph,
// the targets list) goes through run, which takes the file as far as the
// pass needs and no further.

// depth is how far a pass takes the Dockerfile.
type depth int

const (
	// parsedAsWritten parses the stages without expanding any ARG: the
	// targets list, which must work whatever the build args.
	parsedAsWritten depth = iota
	// graphed builds the stage graph with build args, platforms and named
	// contexts applied, resolving nothing.
	graphed
	// dispatched resolves the images the pass needs, runs the lint rules
	// and converts the stages, without solving.
	dispatched
)

// pass says what one pass over a Dockerfile covers.
type pass struct {
	depth depth
	// allStages covers every stage (--check with no target),
	// as upstream does; otherwise the stages the target needs.
	allStages bool
	// buildAll covers every stage when MULTISTAGE_BUILD_ALL asks for it
	// (a build).
	buildAll bool
	// epoch reads SOURCE_DATE_EPOCH first: a pass that builds needs it.
	epoch bool
	// stopAtLint ends the pass at the error of the lint pass itself, which
	// only --check reports as such: a build meets the same problem, with
	// more context, when it dispatches the instruction.
	stopAtLint bool
	// observe gives an observer of the dispatch once the graph is built
	// (the outline reads it); nil for none.
	observe func(df *stages.Dockerfile, g *stages.Graph) *events.Observer
}

// run takes dt through pass p. At parsedAsWritten the converter holds
// only the parse.
func run(ctx context.Context, dt []byte, opt ConvertOpt, p pass) (*converter, error) {
	if p.depth == parsedAsWritten {
		return parseAsWritten(ctx, dt, opt)
	}
	c, err := newConverter(ctx, dt, opt)
	if err != nil || p.depth == graphed {
		return c, err
	}
	out, err := c.runDispatched(ctx, p)
	return out, c.withFiles(err)
}

// runDispatched takes a parsed and graphed Dockerfile through the rest of
// pass p.
func (c *converter) runDispatched(ctx context.Context, p pass) (*converter, error) {
	if p.epoch {
		if err := c.resolveEpoch(ctx); err != nil {
			return nil, err
		}
	}
	all := p.allStages || (p.buildAll && c.buildAll)
	err, lintErr := c.resolveAndLint(ctx, all)
	if err != nil {
		return nil, err
	}
	if p.stopAtLint && lintErr != nil {
		return nil, lintErr
	}
	if p.observe != nil {
		c.observers = append(c.observers, p.observe(c.df, c.graph))
	}
	return c, c.dispatchStages(ctx, all)
}

// dispatchStages converts the stages of the pass, in dependency order
// (forward references are errors, so file order is one), reporting to the
// observers.
func (c *converter) dispatchStages(ctx context.Context, allStages bool) error {
	nodes := c.graph.Order
	if allStages {
		nodes = c.graph.Stages
	}
	for _, n := range nodes {
		if err := c.dispatchStage(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// parseAsWritten is the parse of the targets list: no ARG is evaluated,
// but included files are read, their paths expanded in the defaults and
// the build args.
func parseAsWritten(ctx context.Context, dt []byte, opt ConvertOpt) (*converter, error) {
	c := &converter{opt: opt, files: &stages.Files{}}
	var buildArgs map[string]string
	if opt.Includes != nil {
		c.platform, buildArgs = newPlatformOpt(opt), opt.BuildArgs
	}
	df, err := stages.ParseContext(ctx, dt, stages.ParseOpt{
		AsWritten: true,
		BuildArgs: buildArgs,
		Reader:    c.fileReader(),
		MainName:  mainName(opt),
		Files:     c.files,
	})
	if err != nil {
		return nil, err
	}
	c.df = df
	return c, nil
}
