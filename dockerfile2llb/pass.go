package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/internal/events"
)

// Every pass over a Dockerfile (a build, --check, the outline) is the same
// two halves: prepare, then dispatchStages. allStages (--check with no
// target) covers every stage, as upstream does; otherwise the pass covers
// the stages the target needs.

// prepare parses dt, builds its graph, reads SOURCE_DATE_EPOCH when the
// pass builds (epoch), resolves the images the pass needs and runs the lint
// rules that need no dispatch. lintErr is the error of that lint pass,
// which only --check reports as such: a build meets the same problem, with
// more context, when it dispatches the instruction.
func prepare(ctx context.Context, dt []byte, opt ConvertOpt, allStages, epoch bool) (c *converter, lintErr, err error) {
	c, err = newConverter(dt, opt)
	if err != nil {
		return nil, nil, err
	}
	if epoch {
		if err := c.resolveEpoch(ctx); err != nil {
			return nil, nil, err
		}
	}
	err, lintErr = c.resolveAndLint(ctx, allStages)
	return c, lintErr, err
}

// dispatchStages converts the stages of the pass, in dependency order
// (forward references are errors, so file order is one), reporting to
// the observers given as well as to the lint rules.
func (c *converter) dispatchStages(ctx context.Context, allStages bool, observers ...*events.Observer) error {
	c.observers = append(c.observers, observers...)
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
