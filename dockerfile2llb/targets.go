package dockerfile2llb

import (
	"context"
	"maps"

	"github.com/moby/buildkit/client/llb"
	"github.com/myorg/multistage/stages"
)

// OffPathStage is a stage the target does not need, converted because
// MULTISTAGE_BUILD_ALL asked for every stage: the caller solves it in the
// same build and drops its result.
type OffPathStage struct {
	Node  *stages.Node
	State llb.State
}

// takeBuildAll reads MULTISTAGE_BUILD_ALL and removes it from the build
// args: it steers the frontend and is nobody's ARG, so it must not reach
// ARG scopes, history or the unused-build-arg rule.
func takeBuildAll(opt *ConvertOpt) (bool, error) {
	all, err := stages.BuildAll(opt.BuildArgs)
	if err != nil {
		return false, err
	}
	if _, ok := opt.BuildArgs[stages.BuildAllArg]; ok {
		opt.BuildArgs = maps.Clone(opt.BuildArgs)
		delete(opt.BuildArgs, stages.BuildAllArg)
	}
	return all, nil
}

// offPath lists the converted stages the target does not need, with their
// platform defaults set as the target's are. Each is checked against the
// daemon's capabilities as the target is: it is built in the same build.
func (c *converter) offPath(ctx context.Context) ([]OffPathStage, error) {
	var out []OffPathStage
	for _, n := range c.graph.Stages {
		s := c.states[n]
		if c.graph.Reachable(n) || s == nil || n.Kind == stages.KindContext {
			continue
		}
		st := s.state.SetMarshalDefaults(c.marshalDefaults()...)
		if err := c.checkDaemonCaps(ctx, st); err != nil {
			return nil, err
		}
		out = append(out, OffPathStage{Node: n, State: st})
	}
	return out, nil
}

// marshalDefaults are the constraints every solved state carries.
func (c *converter) marshalDefaults() []llb.ConstraintsOpt {
	defaults := []llb.ConstraintsOpt{llb.Platform(c.platform.target)}
	if c.opt.LLBCaps != nil {
		defaults = append(defaults, llb.WithCaps(*c.opt.LLBCaps))
	}
	return defaults
}
