package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/util/system"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/stages"
)

// dispatchWorkdir sets the working directory and creates it, owned by the
// current USER, so later steps can rely on it existing.
func (c *converter) dispatchWorkdir(ctx context.Context, s *stageState, cmd *instructions.WorkdirCommand) error {
	s.workdirSet = true
	wd, err := system.NormalizeWorkdir(s.image.Config.WorkingDir, cmd.Path, s.platform.OS)
	if err != nil {
		return errors.Wrap(err, "normalizing workdir")
	}
	if len(wd) > stages.MaxWorkdirBytes {
		return &stages.LimitError{What: "the working directory", Got: len(wd), Max: stages.MaxWorkdirBytes, Unit: "bytes"}
	}
	s.image.Config.WorkingDir = wd
	if err := c.carry(len(wd)); err != nil { // its mkdir op holds the path
		return err
	}
	wd = system.ToSlash(wd, s.platform.OS)
	s.state = s.state.Dir(wd)
	if wd == "/" {
		s.history("WORKDIR "+wd, false)
		return nil
	}
	mkdir := []llb.MkdirOption{llb.WithParents(true)}
	if u := s.image.Config.User; u != "" {
		mkdir = append(mkdir, llb.WithUser(u))
	}
	if s.epoch != nil {
		mkdir = append(mkdir, llb.WithCreatedTime(*s.epoch))
	}
	env := s.env
	s.state = s.state.File(llb.Mkdir(wd, 0755, mkdir...),
		llb.WithCustomName(s.progress.name(stepName(c.lex, cmd.String(), env), s.platform, env)),
		c.location(cmd.Location()),
		llb.Platform(s.platform),
	)
	s.history("WORKDIR "+wd, true)
	return compact(ctx, s)
}
