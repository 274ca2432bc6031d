package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/pkg/errors"
)

// dispatch converts one instruction. Each family lives in its own file:
// run.go, copy.go, metadata.go, workdir.go, args.go.
func (c *converter) dispatch(ctx context.Context, s *stageState, cmd instructions.Command) error {
	if err := c.expandWords(ctx, s, cmd); err != nil {
		return err
	}
	c.commandEvent(s, cmd)
	switch cmd := cmd.(type) {
	case *instructions.RunCommand:
		return c.dispatchRun(ctx, s, cmd)
	case *instructions.CopyCommand:
		return c.dispatchCopy(ctx, s, copyFromCopy(cmd))
	case *instructions.AddCommand:
		return c.dispatchCopy(ctx, s, copyFromAdd(cmd))
	case *instructions.WorkdirCommand:
		return c.dispatchWorkdir(ctx, s, cmd)
	case *instructions.ArgCommand:
		return c.dispatchArg(ctx, s, cmd)
	case *instructions.EnvCommand:
		return dispatchEnv(s, cmd)
	case *instructions.LabelCommand:
		return dispatchLabel(s, cmd)
	case *instructions.ExposeCommand:
		return c.dispatchExpose(ctx, s, cmd)
	case *instructions.UserCommand:
		return dispatchUser(s, cmd)
	case *instructions.VolumeCommand:
		return dispatchVolume(s, cmd)
	case *instructions.CmdCommand:
		return dispatchCmd(s, cmd)
	case *instructions.EntrypointCommand:
		return dispatchEntrypoint(s, cmd)
	case *instructions.ShellCommand:
		return dispatchShell(s, cmd)
	case *instructions.HealthCheckCommand:
		return dispatchHealthcheck(s, cmd)
	case *instructions.StopSignalCommand:
		return dispatchStopSignal(s, cmd)
	case *instructions.MaintainerCommand:
		return dispatchMaintainer(s, cmd)
	case *instructions.OnbuildCommand:
		return dispatchOnbuild(s, cmd)
	default:
		return errors.Errorf("%s is not supported by this frontend", cmd.Name())
	}
}

// expandWords expands variables in an instruction's operands with the
// stage's environment (ENV and ARG so far). ARG expands its own defaults.
// The environment is read only for a word that uses it: most words are
// literal, and reading it walks every ENV and ARG of the stage.
func (c *converter) expandWords(ctx context.Context, s *stageState, cmd instructions.Command) error {
	if _, isArg := cmd.(*instructions.ArgCommand); isArg {
		return nil
	}
	env := newLazyEnv(ctx, s.state)
	expandWith := func(lex lexer) func(string) (string, error) {
		return func(word string) (string, error) {
			out, unmatched, err := lex.ProcessWord(word, env)
			if env.err != nil {
				return "", env.err
			}
			c.unmatchedEvent(s, cmd, unmatched)
			return out, err
		}
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		if err := ex.Expand(expandWith(c.lex)); err != nil {
			return err
		}
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		return ex.ExpandRaw(expandWith(c.heredocLex))
	}
	return nil
}
