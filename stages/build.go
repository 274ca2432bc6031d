package stages

import (
	"errors"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/errdetail"
)

// Input is what the graph is built from.
type Input struct {
	Stages []instructions.Stage
	// GlobalArgs is the scope for FROM and ARG-expanded --from values.
	GlobalArgs *Args
	// Lex expands every FROM, --platform and --from word of the build,
	// and of its rebuild by WithBaseTriggers; the zero Lexer means one
	// with the default escape token.
	Lex Lexer
	// Target is the requested stage name, or several separated by commas;
	// empty means the last stage.
	Target string
	// AllStages makes every stage reachable (MULTISTAGE_BUILD_ALL).
	AllStages bool
	// HasNamedContext reports whether a --build-context named name exists;
	// nil means none do.
	HasNamedContext func(name string) bool
	// RawMountFrom are RUN --mount from= values as written, when the
	// Stages hold them already expanded (Dockerfile.RawMountFrom).
	RawMountFrom map[MountKey]string
	// MountTargets are the --mount target= values (Dockerfile.MountTargets).
	MountTargets map[MountKey]string
	// fromScopes are the stage scopes of --from values (Dockerfile.fromScopes).
	fromScopes map[int]*fromScope
	// Files says which file each stage and line comes from
	// (Dockerfile.Files); nil means every stage is the main file's.
	Files *Files
	// BaseTriggers are the ONBUILD triggers in the config of what a stage
	// is built FROM (an image or a named context), by stage index: only
	// known once those are resolved, so a converter builds the graph again
	// with them (WithBaseTriggers).
	BaseTriggers map[int][]string
}

// FromDockerfile is the Input for a parsed Dockerfile.
func FromDockerfile(d *Dockerfile, target string, hasNamedContext func(string) bool) Input {
	return Input{Stages: d.Stages, GlobalArgs: d.GlobalArgs, Lex: d.NewLex(), Target: target, HasNamedContext: hasNamedContext,
		RawMountFrom: d.RawMountFrom, MountTargets: d.MountTargets, fromScopes: d.fromScopes, Files: d.Files}
}

// builder holds the state of one Build call.
type builder struct {
	in        Input
	g         *Graph
	scopes    []*scope // by unit ID; nil for snippets
	externals map[string]*Node
}

// Build resolves every reference and selects the target. Its cost is linear
// in stages plus references.
func Build(in Input) (*Graph, error) {
	g, err := build(in)
	return g, WithFiles(err, in.Files)
}

func build(in Input) (*Graph, error) {
	if len(in.Stages) == 0 {
		return nil, errNoStages
	}
	if in.GlobalArgs == nil {
		in.GlobalArgs = NewArgs()
	}
	if in.Lex.Lex == nil {
		in.Lex = NewLexer(parser.DefaultEscapeToken)
	}
	if in.HasNamedContext == nil {
		in.HasNamedContext = func(string) bool { return false }
	}
	if in.Files == nil {
		in.Files = singleFiles(len(in.Stages), in.GlobalArgs)
	}
	b := &builder{
		in:        in,
		g:         &Graph{},
		externals: map[string]*Node{},
	}
	if err := b.addStages(); err != nil {
		return nil, err
	}
	if err := b.resolveCommands(); err != nil {
		return nil, err
	}
	if err := b.addInheritedTriggers(); err != nil {
		return nil, err
	}
	if err := checkOrder(b.g); err != nil {
		return nil, err
	}
	targets, err := b.selectTargets()
	if err != nil {
		return nil, err
	}
	b.g.Target, b.g.Targets, b.g.AllStages = targets[0], targets, in.AllStages
	b.g.in = in
	markReachable(b.g)
	if err := b.checkTypos(); err != nil {
		return nil, err
	}
	return b.g, nil
}

// addStages creates one node per FROM and resolves what it builds on.
func (b *builder) addStages() error {
	for i := range b.in.Stages {
		st := &b.in.Stages[i]
		u := b.in.Files.OfStage(i)
		n := &Node{Kind: KindStage, Index: i, Stage: st, Unit: u, Local: i - u.First}
		if st.Name != "" {
			n.Name = u.Prefix + st.Name
		}
		b.g.Stages = append(b.g.Stages, n)
	}
	// Names are indexed up front so that FROM can tell a forward reference
	// from an image; FROM itself only binds to stages above it.
	b.buildScopes()
	for _, n := range b.g.Stages {
		s := b.scopeOf(n)
		if err := b.resolveBase(n, s); err != nil {
			return err
		}
		if n.Name != "" {
			s.seen[n.Stage.Name] = n
		}
	}
	return nil
}

func (b *builder) resolveBase(n *Node, s *scope) error {
	st := n.Stage
	base, err := b.expandIn(globalScope{s.globals}, st.BaseName, st.Location, "FROM")
	if err != nil {
		return err
	}
	n.BaseName = base
	if st.Platform != "" {
		p, err := b.expandPlatform(st, s.globals)
		if err != nil {
			return err
		}
		n.Platform = p
	}
	if n.Name != "" && b.in.HasNamedContext(n.Name) {
		// The whole stage is replaced: its FROM and instructions never run.
		n.Kind = KindContext
		return nil
	}
	edge := &Edge{Kind: EdgeFrom, From: n, Ref: base, Location: st.Location, Unit: n.Unit}
	// FROM matches stage names exactly, as upstream does: "FROM Build"
	// is an (invalid) image reference, not stage "build".
	switch later, ok := s.all[base]; {
	case b.in.Files.paths && IsPathRef(base):
		if edge.To, err = b.pathStage(edge, st.BaseName); err != nil {
			return err
		}
	case s.seen[base] != nil:
		edge.To = s.seen[base]
	case ok && later != n && later.Index > n.Index:
		edge.To = later // a forward reference, reported by checkOrder
	default:
		// "FROM alpine AS alpine" means the image, as upstream reads it.
		edge.To = b.external(base)
	}
	n.Base = edge.To
	b.addEdge(edge)
	return nil
}

// expandIn evaluates word in scope and rejects an empty result; a value
// that cannot be known before the images resolve is reported at the
// instruction and at the ARG.
func (b *builder) expandIn(scope expander, word string, loc []parser.Range, what string) (string, error) {
	res, err := scope.expand(b.in.Lex, word)
	var unknown *unknownValueError
	if errors.As(err, &unknown) {
		return "", parser.WithLocation(errdetail.Append(err, "in %s=%s (%s)", what, word, b.in.Files.Where(loc)), loc)
	}
	if err != nil {
		return "", parser.WithLocation(errdetail.Append(err, "in %s %s", what, word), loc)
	}
	if strings.TrimSpace(res.Result) == "" {
		return "", emptyAfterExpansion(what, word, loc, b.in.Files.Where(loc), res.Unmatched)
	}
	return res.Result, nil
}

// external returns the shared node for an image, scratch or named context.
func (b *builder) external(ref string) *Node {
	if n, ok := b.externals[ref]; ok {
		return n
	}
	n := &Node{Kind: KindImage, Index: -1, Name: ref}
	switch {
	case ref == "scratch":
		n.Kind = KindScratch
	case b.in.HasNamedContext(ref):
		n.Kind = KindContext
	}
	b.externals[ref] = n
	b.g.Externals = append(b.g.Externals, n)
	return n
}

func (b *builder) addEdge(e *Edge) {
	e.From.Deps = append(e.From.Deps, e)
	b.g.Edges = append(b.g.Edges, e)
}
