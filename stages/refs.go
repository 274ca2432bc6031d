package stages

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/suggest"
)

// resolveCommands adds an edge for every COPY --from and RUN --mount from=.
func (b *builder) resolveCommands() error {
	for _, n := range b.g.Stages {
		if n.Kind == KindContext {
			continue
		}
		for _, cmd := range n.Stage.Commands {
			if err := b.resolveCommand(n, cmd); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *builder) resolveCommand(n *Node, cmd instructions.Command) error {
	switch c := cmd.(type) {
	case *instructions.CopyCommand:
		if c.From == "" {
			return nil
		}
		e, err := b.reference(n, EdgeCopy, c.From, cmd)
		if err != nil {
			return err
		}
		b.addEdge(e)
	case *instructions.RunCommand:
		for i, m := range instructions.GetMounts(c) {
			if m.From == "" {
				continue
			}
			e, err := b.reference(n, EdgeMount, m.From, cmd)
			if err != nil {
				return err
			}
			e.MountIndex = i
			b.addEdge(e)
		}
	}
	return nil
}

// reference resolves one --from value: ARG-expanded first, then a stage
// index, a stage name (any case), a named context, or an image.
func (b *builder) reference(n *Node, kind EdgeKind, raw string, cmd instructions.Command) (*Edge, error) {
	loc := cmd.Location()
	what := strings.ToUpper(cmd.Name()) + " --from"
	if kind == EdgeMount {
		what = "RUN --mount from"
	}
	ref, err := b.expand(raw, loc, what)
	if err != nil {
		return nil, err
	}
	e := &Edge{Kind: kind, From: n, Ref: ref, Command: cmd, Location: loc}
	if idx, err := strconv.Atoi(ref); err == nil {
		if idx < 0 || idx >= len(b.g.Stages) {
			return nil, badIndex(what, idx, len(b.g.Stages), loc)
		}
		e.To = b.g.Stages[idx]
		return e, nil
	}
	if s, ok := b.byName[strings.ToLower(ref)]; ok {
		e.To = s
		return e, nil
	}
	e.To = b.external(ref, "")
	return e, nil
}

// typoOf reports the stage a plain name was probably meant to be. Names
// with '/', ':' or '@' are unambiguous image references.
func (b *builder) typoOf(ref, ownName string) (string, bool) {
	if strings.ContainsAny(ref, "/:@") {
		return "", false
	}
	var names []string
	for _, name := range b.g.StageNames() {
		if name != ownName {
			names = append(names, name)
		}
	}
	return suggest.Search(ref, names, false)
}

// checkTypos fails on a misspelt stage name the target depends on. Typos in
// pruned stages are left alone, as they cannot affect this build.
func (b *builder) checkTypos() error {
	for _, e := range b.g.Edges {
		s, ok := b.typos[e.To]
		if !ok || !b.g.reachable[e.From] {
			continue
		}
		return stageTypo(e, s, b.byName[s])
	}
	return nil
}

// locations merges ranges for errors that involve several lines.
func locations(ls ...[]parser.Range) []parser.Range {
	var out []parser.Range
	for _, l := range ls {
		out = append(out, l...)
	}
	return out
}
