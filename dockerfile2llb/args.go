package dockerfile2llb

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/myorg/multistage/stages"
)

// sbomArgs configure SBOM scanning; they are ARGs but never reach the
// environment of RUN steps.
var sbomArgs = map[string]bool{
	"BUILDKIT_SBOM_SCAN_CONTEXT": true,
	"BUILDKIT_SBOM_SCAN_STAGE":   true,
}

// dispatchArg brings ARGs into the stage scope. The value is, in order: the
// build arg, the expanded default, or the global ARG of the same name.
func (c *converter) dispatchArg(ctx context.Context, s *stageState, cmd *instructions.ArgCommand) error {
	parts := make([]string, 0, len(cmd.Args))
	for _, arg := range cmd.Args {
		value, inherited, err := c.argValue(ctx, s, cmd, arg)
		if err != nil {
			return err
		}
		arg.Value = value
		if value != nil && !sbomArgs[arg.Key] {
			s.addEnv(arg.Key, *value)
		}
		c.argEvent(s, cmd, arg, inherited)
		s.args = append(s.args, arg)
		s.runArgs = nil
		if value != nil {
			parts = append(parts, arg.Key+"="+*value)
		} else {
			parts = append(parts, arg.Key)
		}
	}
	s.history("ARG "+strings.Join(parts, " "), false)
	return nil
}

// argValue is an ARG's value (stages.StageArgValue, its default expanded
// in the stage's env); inherited is true when it comes from the global ARG
// of the same name.
func (c *converter) argValue(ctx context.Context, s *stageState, cmd *instructions.ArgCommand, arg instructions.KeyValuePairOptional) (value *string, inherited bool, err error) {
	v, err := stages.StageArgValue(&c.lex, arg, c.opt.BuildArgs, c.globalsOf(s.node), func() shell.EnvGetter { return s.env })
	c.unmatchedEvent(s, cmd, v.Unmatched)
	return v.Value, v.From == stages.ArgGlobal, err
}

// runHistory is the history line of a RUN: the stage ARGs in scope, as
// "|N K=v ...", then the command. It lets image history show what a step
// depended on without baking ARGs into the config.
func (s *stageState) runHistory(args []string) string {
	cmd := strings.Join(args, " ")
	switch argsPart := s.argsInHistory(); {
	case argsPart == "":
		return "RUN " + cmd
	case len(args) == 0:
		return "RUN " + argsPart
	default:
		return "RUN " + argsPart + " " + cmd
	}
}

// argsInHistory is the "|N K=v ..." part of a RUN's history line, "" for a
// stage without ARGs: each ARG once, where it was first declared, with the
// value the environment gives it now (an ENV may have changed it). It is
// kept until an ARG or ENV changes, so that RUN lines in a row cost the
// ARGs once rather than once each.
func (s *stageState) argsInHistory() string {
	if s.runArgs != nil {
		return *s.runArgs
	}
	var kvs []string
	index := map[string]int{}
	for _, a := range s.args {
		v, ok := s.env.Get(a.Key)
		if !ok {
			v = a.ValueString()
		}
		if i, seen := index[a.Key]; seen {
			kvs[i] = a.Key + "=" + v
			continue
		}
		index[a.Key] = len(kvs)
		kvs = append(kvs, a.Key+"="+v)
	}
	part := ""
	if len(kvs) > 0 {
		part = fmt.Sprintf("|%d ", len(kvs)) + strings.Join(kvs, " ")
	}
	s.runArgs = &part
	return part
}
