package stages

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// dockerfile-x's forms: FROM ./f#stage, COPY --from=./f#stage and RUN
// --mount=from=./f#stage name a stage of another file, the last one
// without "#stage". Each file named this way is one instance per build,
// whose stages are "f#stage"; it comes before every other stage, so any
// file may use it. A reference is found while its file is scanned, so it
// may use global ARGs and build args only; the builder reports one that
// only a stage ARG turns into a path.

// IsPathRef reports whether an expanded FROM or --from value names a file
// (dockerfile-x's form) rather than a stage, an image or a named context.
func IsPathRef(v string) bool {
	return strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "/")
}

// refWord is one FROM or --from value of an instruction, as written.
type refWord struct{ what, word string }

// refWords are the values of n that may name a stage.
func refWords(n *parser.Node) []refWord {
	var out []refWord
	switch strings.ToLower(n.Value) {
	case "from":
		if n.Next != nil {
			out = append(out, refWord{"FROM ", n.Next.Value})
		}
	case "copy", "add":
		for _, f := range n.Flags {
			if v, ok := strings.CutPrefix(f, "--from="); ok {
				out = append(out, refWord{strings.ToUpper(n.Value) + " --from=", v})
			}
		}
	case "run":
		for _, f := range n.Flags {
			if v, ok := strings.CutPrefix(f, "--mount="); ok {
				if from := mountField(v, "from"); from != "" {
					out = append(out, refWord{"RUN --mount from=", from})
				}
			}
		}
	}
	return out
}

// scanRefs makes a request of every file reference of n that no earlier
// line made. A value that does not expand is left to the builder, which
// reports it where it reports today.
func (t *tree) scanRefs(u *Unit, n *parser.Node) error {
	for _, w := range refWords(n) {
		if !IsPathRef(w.word) && !strings.Contains(w.word, "$") {
			continue
		}
		v, ok := t.quietExpand(u, w.word)
		if !ok || !IsPathRef(v) {
			continue
		}
		if err := t.pathRef(u, n, w, v); err != nil {
			return err
		}
	}
	return nil
}

// quietExpand expands word in u's global scope, on a budget of its own,
// and says nothing when it cannot.
func (t *tree) quietExpand(u *Unit, word string) (string, bool) {
	if t.quiet.literal(word) {
		return word, true
	}
	scope, err := t.pathScope(u)
	if err != nil {
		return "", false
	}
	res, err := t.quiet.ProcessWordWithMatches(word, scope)
	return res.Result, err == nil
}

// pathRef records that line n of u names v, and asks for v's file unless
// an instance of it is asked for already.
func (t *tree) pathRef(u *Unit, n *parser.Node, w refWord, v string) error {
	key := pathKey{line: n.StartLine, ref: v}
	r := &request{kind: UnitPath, from: u, node: n, what: w.what + w.word, keys: []pathKey{key}}
	file, _, _ := strings.Cut(v, "#")
	ref, err := resolvePath(u, "", file)
	if err != nil {
		return atRequest(r, err)
	}
	if prev := t.pathReqs[ref]; prev != nil {
		prev.keys = append(prev.keys, key)
		u.pathReqs = append(u.pathReqs, prev)
		return nil
	}
	r.ref = ref
	t.pathReqs[ref] = r
	u.pathReqs = append(u.pathReqs, r)
	return t.admit(r)
}

// pathOrder is the order the instances are assembled in: each after the
// instances its files name, so that their stages come first.
func (t *tree) pathOrder() []*Unit {
	var out []*Unit
	done := map[*Unit]bool{}
	var visit func(p *Unit)
	visit = func(p *Unit) {
		if done[p] {
			return
		}
		done[p] = true
		for _, q := range namedInstances(p, nil) {
			visit(q)
		}
		out = append(out, p)
	}
	for _, p := range t.paths {
		visit(p)
	}
	return out
}

// namedInstances appends to out the instances u and the files it includes
// name, in line order.
func namedInstances(u *Unit, out []*Unit) []*Unit {
	for _, r := range u.pathReqs {
		out = append(out, r.unit)
	}
	for _, n := range u.AST.AST.Children {
		if s := u.snippets[n]; s != nil {
			out = namedInstances(s, out)
		}
	}
	for _, c := range u.children {
		out = namedInstances(c, out)
	}
	return out
}

// pathStage is the stage a file reference names: "#name" among the names
// its instance sees, else the instance's last stage.
func (b *builder) pathStage(e *Edge, raw string) (*Node, error) {
	u, ok := b.in.Files.pathRefs[pathKey{line: firstLine(e.Location), ref: e.Ref}]
	if !ok {
		return nil, unreadRef(e, raw, b.stageArgsIn(e, raw))
	}
	s := b.scopes[u.ID]
	_, name, _ := strings.Cut(e.Ref, "#")
	if name == "" {
		if len(s.own) == 0 {
			return nil, noLastStage(e, u, s.names())
		}
		return s.own[len(s.own)-1], nil
	}
	if n := s.all[strings.ToLower(name)]; n != nil {
		return n, nil
	}
	return nil, unknownPathStage(e, u, name, s.names())
}

// stageArgsIn are the variables of raw that the stage declares above the
// edge's line: why a value found no file when the files were read.
func (b *builder) stageArgsIn(e *Edge, raw string) []string {
	fs, ok := b.in.fromScopes[firstLine(e.Location)]
	if !ok {
		return nil
	}
	var out []string
	for _, name := range scanWord(raw, b.in.Lex.Escape(), true).names {
		if _, declared := fs.arg(name); declared && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
