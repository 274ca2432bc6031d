package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/lint"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// resolveAndLint resolves the images the target needs, then reports,
// through the converter's linter, the warnings upstream reports while it
// converts: the lint pass over the stages the target needs. Warnings go to
// ConvertOpt.Warn; with "# check=error=true" the conversion fails in
// finish, as upstream's does. Some rules read image configs, hence the
// order; when resolving fails, the rules that need no image still report,
// as upstream's do before it fails.
func (c *converter) resolveAndLint(ctx context.Context) error {
	resolveErr := c.resolveWithTriggers(ctx)
	var ignore []string
	if c.opt.Client != nil && resolveErr == nil {
		patterns, err := c.opt.Client.DockerIgnorePatterns(ctx)
		if err != nil {
			return err
		}
		ignore = patterns
	}
	opt := c.lintOptions()
	opt.DockerIgnore = ignore
	g := c.graph
	if resolveErr == nil {
		opt.Image = c.lintImage(ctx)
	} else {
		g = nil
	}
	// An error of the pass is one the conversion reports itself, with
	// more context, when it reaches the same instruction.
	_ = lint.Run(c.df, g, opt)
	return resolveErr
}

// lintWithoutGraph reports the rules that need no stage graph, for a
// Dockerfile whose graph could not be built.
func (c *converter) lintWithoutGraph() {
	_ = lint.Run(c.df, nil, c.lintOptions())
}

func (c *converter) lintOptions() lint.Options {
	return lint.Options{
		Linter:         c.lint,
		BuildArgs:      c.opt.BuildArgs,
		AutoArgs:       c.platform.autoArgs(c.opt.BuildArgs),
		TargetPlatform: c.platform.target,
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
