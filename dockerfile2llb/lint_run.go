package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/lint"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// resolveAndLint resolves the images the conversion needs, then reports,
// through the converter's linter, the warnings upstream reports while it
// converts. Builds and --check both come here, so a rule fires the same in
// both; allStages (--check with no target) covers every stage, as
// upstream's does, and resolves every stage's images. Warnings go to
// ConvertOpt.Warn; with "# check=error=true" the conversion fails in
// finish, as upstream's does. Some rules read image configs, hence the
// order; when resolving fails, the rules that need no image still report,
// as upstream's do before it fails. The error of the lint pass itself is
// returned second: a build leaves it to the conversion, which reports it
// with more context when it reaches the same instruction.
func (c *converter) resolveAndLint(ctx context.Context, allStages bool) (resolveErr, lintErr error) {
	resolveErr = c.resolveWithTriggers(ctx)
	if resolveErr == nil && allStages {
		resolveErr = c.resolveImages(ctx, true)
	}
	opt := c.lintOptions()
	opt.AllStages = allStages
	g := c.graph
	if resolveErr == nil {
		if c.opt.Client != nil {
			patterns, err := c.opt.Client.DockerIgnorePatterns(ctx)
			if err != nil {
				return err, nil
			}
			opt.DockerIgnore = patterns
		}
		opt.Image = c.lintImage(ctx)
	} else {
		g = nil
	}
	lintErr = lint.Run(c.df, g, opt)
	c.observers = append(c.observers, lint.InstructionRules(c.df, opt))
	return resolveErr, lintErr
}

// lintWithoutGraph reports the rules that need no stage graph, for a
// Dockerfile whose graph could not be built.
func (c *converter) lintWithoutGraph() {
	_ = lint.Run(c.df, nil, c.lintOptions())
}

func (c *converter) lintOptions() lint.Options {
	return lint.Options{
		Linter:    c.lint,
		BuildArgs: c.opt.BuildArgs,
		AutoArgs:  c.platform.autoArgs(c.opt.BuildArgs),
	}
}

// lintImage gives the lint pass the image an edge points at, from the
// images already resolved; nil for anything not resolved.
func (c *converter) lintImage(ctx context.Context) func(e *stages.Edge) *lint.Image {
	return func(e *stages.Edge) *lint.Image {
		if e.To.Kind != stages.KindImage {
			return nil
		}
		name, err := normalizeImageName(e.To.Name)
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
