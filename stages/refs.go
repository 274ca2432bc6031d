package stages

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// resolveCommands adds an edge for every COPY --from and RUN --mount from=.
func (b *builder) resolveCommands() error {
	for _, n := range b.g.Stages {
		if n.Kind == KindContext {
			continue
		}
		for _, cmd := range n.Stage.Commands {
			if err := b.resolveCommand(n, cmd, b.writtenAt(firstLine(cmd.Location()))); err != nil {
				return err
			}
		}
	}
	return nil
}

// writtenMount is the from= and target= of a RUN's --mount flag as
// written, by its position; from is "" when it had no variable.
type writtenMount func(index int) (from, target string)

// writtenAt reads the --mount flags of the RUN on line off the maps Parse
// filled.
func (b *builder) writtenAt(line int) writtenMount {
	return func(i int) (string, string) {
		key := MountKey{Line: line, Index: i}
		return b.in.RawMountFrom[key], b.in.MountTargets[key]
	}
}

func (b *builder) resolveCommand(n *Node, cmd instructions.Command, written writtenMount) error {
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
			var raw string
			raw, e.MountTarget = written(i)
			if raw != "" {
				e.Raw = raw
			}
			b.addEdge(e)
		}
	}
	return nil
}

// reference resolves one --from value: ARG-expanded first, then a file
// reference, a stage index (counted in the stage's own file), a stage name
// (any case) the stage's file sees, a named context, or an image.
func (b *builder) reference(n *Node, kind EdgeKind, raw string, cmd instructions.Command) (*Edge, error) {
	loc := cmd.Location()
	what := strings.ToUpper(cmd.Name()) + " --from"
	if kind == EdgeMount {
		what = "RUN --mount from"
	}
	s := b.scopeOf(n)
	scope := expander(globalScope{s.globals})
	if fs, ok := b.in.fromScopes[firstLine(loc)]; ok && kind != EdgeMount {
		scope = fs // mount values were expanded in it already, by Parse
	}
	ref, err := b.expandIn(scope, raw, loc, what)
	if err != nil {
		return nil, err
	}
	u, _ := b.in.Files.Locate(firstLine(loc))
	e := &Edge{Kind: kind, From: n, Ref: ref, Raw: raw, Command: cmd, Location: loc, Unit: u}
	if b.in.Files.paths && IsPathRef(ref) {
		e.To, err = b.pathStage(e, raw)
		return e, err
	}
	if idx, err := strconv.Atoi(ref); err == nil {
		if idx < 0 || idx >= len(s.own) {
			return nil, badIndex(what, idx, len(s.own), loc, s.unit, e.Where())
		}
		e.To = s.own[idx]
		return e, nil
	}
	if st, ok := s.all[strings.ToLower(ref)]; ok {
		e.To = st
		return e, nil
	}
	e.To = b.external(ref)
	return e, nil
}

// checkTypos fails on a misspelt stage name the target depends on. Typos in
// pruned stages are left alone, as they cannot affect this build. The
// decision is per edge, not per image node: "FROM node AS node" means the
// image for that stage, while the same "node" elsewhere may be a typo. The
// names searched are those the stage's file sees.
func (b *builder) checkTypos() error {
	for _, e := range b.g.Edges {
		if e.To.Kind != KindImage || !b.g.reachable[e.From] {
			continue
		}
		s := b.scopeOf(e.From)
		own := ""
		if e.Kind == EdgeFrom {
			own = e.From.Stage.Name
		}
		if name, ok := s.typoFinder().find(e.Ref, own); ok {
			return stageTypo(e, name, s.all[name])
		}
	}
	return nil
}

// typoFinder looks plain image names up among the stage names. Each distinct
// reference is searched once; a stage's own name is set aside (a second,
// memoised search) only when it is what the first search matched.
type typoFinder struct {
	index *nameIndex // the names are lower case, as instructions stores them
	memo  map[[2]string]string
}

func newTypoFinder(names []string) *typoFinder {
	return &typoFinder{index: newNameIndex(names), memo: map[[2]string]string{}}
}

// find returns the stage name ref was probably meant to be, never own.
// Names with '/', ':' or '@' are unambiguous image references. The match is
// the stage's canonical (lower-case) name whatever the case of ref.
func (t *typoFinder) find(ref, own string) (string, bool) {
	if strings.ContainsAny(ref, "/:@") {
		return "", false
	}
	lower := strings.ToLower(ref)
	if _, isName := t.index.exact[lower]; isName && lower != ref && lower != own {
		// FROM matches stage names exactly, so "FROM Build" reached here as
		// an image; no image reference may contain upper case.
		return lower, true
	}
	ref = lower
	// A ref equal to a stage name is not a typo: suggest.Search gives up on
	// an exact match, and so does the index, which is what keeps "FROM
	// node AS node" the image.
	s := t.search(ref, "")
	if own != "" && s == own {
		// "FROM nodes AS node" cannot mean the stage itself: look again
		// among the other names.
		s = t.search(ref, own)
	}
	return s, s != ""
}

// search is suggest.Search(ref, the names but skip, true), bounded: see
// nameIndex.
func (t *typoFinder) search(ref, skip string) string {
	key := [2]string{ref, skip}
	if s, ok := t.memo[key]; ok {
		return s
	}
	s := t.index.search(ref, skip)
	t.memo[key] = s
	return s
}
