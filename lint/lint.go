// Package lint checks a parsed Dockerfile and its stage graph with
// BuildKit's lint rules, plus a few of our own (rules.go).
//
// It is a separate pass, not part of the converter's dispatch: the
// converter calls Run with its Warn callback to report build warnings, and
// the frontend.lint subrequest (--check) calls it to collect them. Rules
// that instructions.Parse reports itself (StageNameCasing, FromAsCasing,
// MaintainerDeprecated...) reach the linter given to stages.Parse; Run
// reports everything else, at the point of the walk where upstream's
// converter reports it.
package lint

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/internal/walk"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// Image is what an image reference resolved to; see Options.Image.
type Image = walk.Image

// Options configure one lint pass.
type Options struct {
	// Linter reports the warnings and applies skip/experimental/error
	// settings. Use the linter that was given to stages.Parse, so that
	// Linter.Error covers every rule of the Dockerfile.
	Linter *linter.Linter
	// BuildArgs are the build args given; AutoArgs the automatic platform
	// ARGs (BUILDPLATFORM, TARGETOS...), as given to stages.Parse.
	BuildArgs map[string]string
	AutoArgs  *stages.Args
	// TargetPlatform is the platform stages are built for by default.
	TargetPlatform ocispecs.Platform
	// AllStages checks every stage; otherwise only those the target needs
	// (rules about FROM lines and the whole file always cover all stages).
	AllStages bool
	// Image returns the image an edge points at, resolved for the platform
	// the edge needs; nil when unknown. Without it, rules that need image
	// configs (UndefinedVar, InvalidBaseImagePlatform) stay quiet where
	// they would need one.
	Image func(e *stages.Edge) *Image
	// DockerIgnore are the .dockerignore patterns, for CopyIgnoredFile.
	DockerIgnore []string
}

// NewLinter makes the linter for a Dockerfile: cfg when given (the
// BUILDKIT_DOCKERFILE_CHECK build arg, as dockerui reads it), else the
// "# check=" directive of dt. warn may be nil (rules are still recorded,
// so Linter.Error works).
func NewLinter(dt []byte, cfg *linter.Config, warn linter.LintWarnFunc) (*linter.Linter, error) {
	var c linter.Config
	if cfg != nil {
		c = *cfg
	} else {
		directive, _, _, _ := parser.ParseDirective("check", dt)
		parsed, err := linter.ParseLintOptions(directive)
		if err != nil {
			return nil, errors.Wrap(err, "failed to parse check options")
		}
		c = *parsed
	}
	c.Warn = warn
	if c.Warn == nil {
		c.Warn = func(string, string, string, string, []parser.Range) {}
	}
	return linter.New(&c), nil
}

// Run checks df. g may be nil when the graph could not be built: then only
// the rules that need no graph run. The error is the first one a
// conversion would also stop at; warnings found before it are reported.
func Run(df *stages.Dockerfile, g *stages.Graph, opt Options) error {
	if opt.Linter == nil {
		l, err := NewLinter(nil, &linter.Config{}, nil)
		if err != nil {
			return err
		}
		opt.Linter = l
	}
	c := &checker{df: df, g: g, opt: opt, lint: opt.Linter}
	c.file()
	if err := c.froms(); err != nil {
		return err
	}
	if g == nil {
		return nil
	}
	c.baseImagePlatforms()
	if err := c.dispatch(); err != nil {
		return err
	}
	// Our own rules (rules.go) run in builds and under --check alike.
	c.extra()
	return nil
}

type checker struct {
	df   *stages.Dockerfile
	g    *stages.Graph
	opt  Options
	lint *linter.Linter
}

// walked reports whether the pass covers stage n.
func (c *checker) walked(n *stages.Node) bool {
	return c.opt.AllStages || c.g.Reachable(n)
}
