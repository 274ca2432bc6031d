package stages

import "strings"

// Names resolve per unit (Earthly's model): a file sees its own stages and
// those of the files it INCLUDEs, qualified with their AS name or as they
// are, and nothing of whoever includes it, so its meaning does not depend
// on its includer. A build of one file has one scope, which is exactly
// what the builder had before includes.

// scope is what the stages of one unit see.
type scope struct {
	unit *Unit
	// globals is the unit's global ARG scope: Input.GlobalArgs for the
	// main file (callers may hand in their own), the unit's otherwise.
	globals *Args
	// all maps each visible name to its stage: the unit's own (the last
	// definition of a name, as --from and --target read it) and its
	// includes' qualified ones.
	all map[string]*Node
	// seen is what FROM binds to: the includes' names up front, the
	// unit's own names as its stages pass.
	seen map[string]*Node
	// own are the unit's stages, which --from=N counts.
	own []*Node
	// visible are the named stages it sees, in stage order.
	visible []*Node
	typos   *typoFinder
}

// key is n's name as the unit reads it: its qualified name without the
// unit's own prefix.
func (s *scope) key(n *Node) string { return strings.TrimPrefix(n.Name, s.unit.Prefix) }

// names are the visible names in stage order, for suggestions.
func (s *scope) names() []string {
	out := make([]string, 0, len(s.visible))
	for _, n := range s.visible {
		out = append(out, s.key(n))
	}
	return out
}

// typoFinder is the scope's, made on first use.
func (s *scope) typoFinder() *typoFinder {
	if s.typos == nil {
		s.typos = newTypoFinder(s.names())
	}
	return s.typos
}

// buildScopes makes the scope of every unit that owns stages, the files it
// includes first: linear in names times nesting depth.
func (b *builder) buildScopes() {
	b.scopes = make([]*scope, len(b.in.Files.Units))
	for _, u := range b.in.Files.Units {
		if u.Kind != UnitSnippet {
			b.scopeFor(u)
		}
	}
}

func (b *builder) scopeFor(u *Unit) *scope {
	if s := b.scopes[u.ID]; s != nil {
		return s
	}
	s := &scope{unit: u, globals: b.globalsOf(u), all: map[string]*Node{}, seen: map[string]*Node{}}
	for _, c := range u.children {
		for _, n := range b.scopeFor(c).visible {
			k := s.key(n)
			s.all[k], s.seen[k] = n, n
			s.visible = append(s.visible, n)
		}
	}
	s.own = b.g.Stages[u.First : u.First+u.Count]
	for _, n := range s.own {
		if n.Name != "" {
			s.all[s.key(n)] = n
			s.visible = append(s.visible, n)
		}
	}
	b.scopes[u.ID] = s
	return s
}

// scopeOf is the scope stage n's words resolve in; a snippet's lines are
// its stage's.
func (b *builder) scopeOf(n *Node) *scope { return b.scopes[n.Unit.ID] }

func (b *builder) globalsOf(u *Unit) *Args {
	switch {
	case u.Kind == UnitMain:
		return b.in.GlobalArgs
	case u.GlobalArgs == nil:
		return NewArgs()
	}
	return u.GlobalArgs
}

// mainScope is the main file's: what --target names.
func (b *builder) mainScope() *scope { return b.scopes[0] }
