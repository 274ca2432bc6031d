package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/pkg/errors"
)

// runMounts converts RUN --mount flags.
func (c *converter) runMounts(ctx context.Context, s *stageState, cmd *instructions.RunCommand) ([]llb.RunOption, error) {
	if len(instructions.GetMounts(cmd)) > 0 {
		return nil, errors.New("RUN --mount is not supported yet")
	}
	return nil, nil
}

// maskSecretEnv hides secret values from progress names.
func (c *converter) maskSecretEnv(cmd *instructions.RunCommand, env shell.EnvGetter) shell.EnvGetter {
	return env
}
