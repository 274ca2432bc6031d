package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// dispatch converts one instruction. Those that add ops or change what the
// build sees have their own files (run.go, copy.go, workdir.go, args.go);
// the rest only change the image config (metadata.go).
func (c *converter) dispatch(ctx context.Context, s *stageState, cmd instructions.Command) error {
	if err := c.expandWords(s, cmd); err != nil {
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
	default:
		return c.dispatchConfig(s, cmd)
	}
}

// expandWords expands variables in an instruction's operands with the
// stage's environment (ENV and ARG so far). ARG expands its own defaults.
func (c *converter) expandWords(s *stageState, cmd instructions.Command) error {
	if _, isArg := cmd.(*instructions.ArgCommand); isArg {
		return nil
	}
	expandWith := func(lex lexer) func(string) (string, error) {
		return func(word string) (string, error) {
			out, unmatched, err := lex.ProcessWord(word, s.env)
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
