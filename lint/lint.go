// Package lint checks a parsed Dockerfile and its stage graph with
// BuildKit's lint rules, plus a few of our own (rules.go).
//
// Rules come in three groups, all reported through one linter:
//   - those instructions.Parse reports itself (StageNameCasing,
//     FromAsCasing, MaintainerDeprecated...), through the linter given to
//     stages.Parse;
//   - those about the file and its FROM lines (FileRules), then those
//     about base image platforms and our own rules (GraphRules), which the
//     converter checks before it dispatches;
//   - those about instructions, which InstructionRules checks as an
//     observer of the converter's dispatch (internal/events).
//
// Builds and --check both run all three, so a warning comes from one place.
package lint

import (
	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/stages"
	"github.com/pkg/errors"
)

// Image is what an image reference resolved to; see Options.Image.
type Image = events.Image

// Options configure one lint pass.
type Options struct {
	// Linter reports the warnings and applies skip/experimental/error
	// settings. Use the linter that was given to stages.Parse, so that
	// Linter.Error covers every rule of the Dockerfile.
	Linter *linter.Linter
	// BuildArgs are the build args given.
	BuildArgs map[string]string
	// AllStages checks every stage; otherwise only those the target needs
	// (rules about FROM lines and the whole file always cover all stages).
	AllStages bool
	// Image returns the image an edge points at, resolved for the platform
	// the edge needs; nil when unknown. Without it InvalidBaseImagePlatform
	// stays quiet.
	Image func(e *stages.Edge) *Image
	// DockerIgnore are the .dockerignore patterns, for CopyIgnoredFile.
	DockerIgnore []string
	// ValidReference reports whether ref parses as an image reference. The
	// converter passes its own parse, which it keeps per name; nil parses
	// here.
	ValidReference func(ref string) bool
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

// FileRules checks the rules about the file as a whole and its FROM lines,
// which need neither the graph nor an image: the converter runs them first,
// so their warnings reach the client right after the Dockerfile was loaded,
// where upstream's do.
func FileRules(df *stages.Dockerfile, opt Options) error {
	c := newChecker(df, nil, opt)
	c.file()
	return c.froms()
}

// GraphRules checks the rules about the graph once its images are
// resolved (and their ONBUILD triggers joined it): base image platforms,
// and our own rules (rules.go), in builds and under --check alike.
func GraphRules(df *stages.Dockerfile, g *stages.Graph, opt Options) {
	c := newChecker(df, g, opt)
	c.baseImagePlatforms()
	c.ourRules()
}

func newChecker(df *stages.Dockerfile, g *stages.Graph, opt Options) *checker {
	if opt.Linter == nil {
		// A silent linter that still records, so Linter.Error works.
		opt.Linter, _ = NewLinter(nil, &linter.Config{}, nil)
	}
	return &checker{df: df, g: g, opt: opt, lint: opt.Linter}
}

type checker struct {
	df   *stages.Dockerfile
	g    *stages.Graph
	opt  Options
	lint *linter.Linter
	// lex is made on first use (see lexer): a checker runs its rules one
	// after the other, so one lexer serves them all.
	lex stages.Lexer
	// secretNames memoises secretKey's verdict per ARG or ENV name.
	secretNames map[string]bool
	// env is the suggestion index of envIndex and what it was built for.
	env struct {
		stage *events.Stage
		names int
		index *stages.NameIndex
	}
}

// validReference is Options.ValidReference, or a parse of its own.
func (c *checker) validReference(ref string) bool {
	if c.opt.ValidReference != nil {
		return c.opt.ValidReference(ref)
	}
	_, err := reference.ParseNormalizedNamed(ref)
	return err == nil
}

// lexer is the checker's lexer; GraphRules never needs one.
func (c *checker) lexer() stages.Lexer {
	if c.lex.Lex == nil {
		c.lex = c.df.NewLex()
	}
	return c.lex
}

// walked reports whether the pass covers stage n.
func (c *checker) walked(n *stages.Node) bool {
	return c.opt.AllStages || c.g.Reachable(n)
}
