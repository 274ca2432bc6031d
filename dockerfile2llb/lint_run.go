package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/lint"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// resolveAndLint reports, through the converter's linter, the warnings
// upstream reports before it dispatches, and resolves the images the
// conversion needs. Builds and --check both come here, so a rule fires the
// same in both; allStages (--check with no target) covers every stage, as
// upstream's does, and resolves every stage's images. The rules about the
// file run first, before any resolution, so that their warnings reach the
// client while it still shows the step that loaded the Dockerfile. The
// rules that read image configs wait for the images, and do not run when
// resolving fails. The instruction rules observe the dispatch. Warnings go
// to ConvertOpt.Warn; with "# check=error=true" the conversion fails in
// finish, as upstream's does. The error of the lint pass itself is
// returned second: a build leaves it to the conversion, which reports it
// with more context when it reaches the same instruction.
func (c *converter) resolveAndLint(ctx context.Context, allStages bool) (resolveErr, lintErr error) {
	opt := c.lintOptions()
	opt.AllStages = allStages
	lintErr = lint.FileRules(c.df, opt)
	resolveErr = c.resolveWithTriggers(ctx)
	if resolveErr == nil && allStages {
		resolveErr = c.resolveImages(ctx, true)
	}
	if resolveErr != nil {
		return resolveErr, lintErr
	}
	if c.opt.Client != nil {
		patterns, err := c.opt.Client.DockerIgnorePatterns(ctx)
		if err != nil {
			return err, lintErr
		}
		opt.DockerIgnore = patterns
	}
	opt.Image = c.lintImage(ctx)
	lint.GraphRules(c.df, c.graph, opt)
	c.observers = append(c.observers, lint.InstructionRules(c.df, opt))
	return nil, lintErr
}

// lintWithoutGraph reports the rules that need no stage graph, for a
// Dockerfile whose graph could not be built.
func (c *converter) lintWithoutGraph() {
	_ = lint.FileRules(c.df, c.lintOptions())
}

func (c *converter) lintOptions() lint.Options {
	opt := lint.Options{
		Linter:    c.lint,
		BuildArgs: c.opt.BuildArgs,
	}
	if c.images != nil {
		opt.ValidReference = func(ref string) bool {
			_, err := c.images.normalize(ref)
			return err == nil
		}
	}
	return opt
}

// lintImage gives the lint pass the image an edge points at, from the
// images already resolved; nil for anything not resolved.
func (c *converter) lintImage(ctx context.Context) func(e *stages.Edge) *lint.Image {
	return func(e *stages.Edge) *lint.Image {
		if e.To.Kind != stages.KindImage {
			return nil
		}
		name, err := c.images.normalize(e.To.Name)
		if err != nil {
			return nil
		}
		p, err := c.edgePlatform(e)
		if err != nil {
			return nil
		}
		if !c.images.has(name, p) {
			return nil
		}
		img, err := c.images.get(ctx, name, p)
		if err != nil {
			return nil
		}
		requested := e.Kind == stages.EdgeFrom && e.From.Platform != ""
		if !requested && c.platform.implicit {
			p = c.platform.preferImagePlatform(img.config, p)
		}
		return &lint.Image{Config: &img.config, Platform: p, Empty: img.empty}
	}
}

// has reports whether the image was already asked for, so that linting
// never starts a resolution of its own.
func (s *imageSet) has(name string, p ocispecs.Platform) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byKey[imageKey(name, p)]
	return ok
}
