package stages

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// Scanning a unit, right after it is parsed, evaluates its global scope
// and turns its INCLUDE lines (and file references) into the requests of
// the next level.

func isInclude(n *parser.Node) bool { return strings.EqualFold(n.Value, "include") }
func isFrom(n *parser.Node) bool    { return strings.EqualFold(n.Value, "from") }

// scanStages scans a unit that owns stages: the main file, a file INCLUDEd
// before the first FROM, or a file reference's instance.
func (t *tree) scanStages(u *Unit) error {
	if err := t.evalGlobals(u); err != nil {
		return inUnit(err, u)
	}
	return t.scanNodes(u)
}

// evalGlobals evaluates u's global ARGs as the main file's are, except
// that an ARG without default takes its includer's value.
func (t *tree) evalGlobals(u *Unit) error {
	if t.opt.AsWritten {
		u.GlobalArgs = NewArgs()
		return nil
	}
	metaArgs, err := parseMetaArgs(u.AST.AST, t.reading())
	if err != nil {
		return err
	}
	// The includer's scope; none for the main file, nor for a file
	// reference's instance, which is shared by all who name it.
	var outer *Args
	if u.Kind == UnitStages {
		outer = u.Parent.GlobalArgs
	}
	u.GlobalArgs, u.Declared, err = expandMetaArgsIn(t.lex, t.d.AutoArgs, outer, metaArgs, t.opt.BuildArgs)
	u.pathArgs = u.GlobalArgs
	return err
}

// pathScope is what include paths and file references in u expand in:
// its host's global scope. Listing the targets (AsWritten) evaluates none,
// so there it is evaluated here, once, when a path needs it, on the budget
// of the quiet lexer: the listing spends on the Dockerfile's budget what
// it did before includes.
func (t *tree) pathScope(u *Unit) (*Args, error) {
	h := u.host
	if h.pathArgs != nil {
		return h.pathArgs, nil
	}
	var outer *Args
	if h.Kind == UnitStages {
		var err error
		if outer, err = t.pathScope(h.Parent); err != nil {
			return nil, err
		}
	}
	metaArgs, err := parseMetaArgs(h.AST.AST, true)
	if err != nil {
		return nil, err
	}
	h.pathArgs, _, err = expandMetaArgsIn(t.quiet, t.d.AutoArgs, outer, metaArgs, t.opt.BuildArgs)
	return h.pathArgs, err
}

// scanNodes makes a request of every INCLUDE line of u and of every file
// reference.
func (t *tree) scanNodes(u *Unit) error {
	if !t.reading() {
		return nil
	}
	stage, index := u.stage, -1
	for _, n := range u.AST.AST.Children {
		if isFrom(n) {
			index++
			stage = stageLabel(u, n, index)
		}
		if isInclude(n) {
			if err := t.include(u, n, stage); err != nil {
				return err
			}
			continue
		}
		if err := t.scanRefs(u, n); err != nil {
			return err
		}
	}
	return nil
}

// stageLabel is how messages name the stage FROM line n starts.
func stageLabel(u *Unit, n *parser.Node, index int) string {
	if as := fromAsName(n); as != "" {
		return u.Prefix + as
	}
	return fmt.Sprintf("%sstage-%d", u.Prefix, index)
}

// include makes the request of one INCLUDE line: before the first FROM of
// a stages unit it imports stages, anywhere else it pastes a snippet.
func (t *tree) include(u *Unit, n *parser.Node, stage string) error {
	r := &request{kind: UnitStages, from: u, node: n, what: includeText(n), stage: stage}
	if stage != "" {
		r.kind = UnitSnippet
	}
	inc, err := parseInclude(n)
	if err == nil && r.kind == UnitSnippet && inc.ns != "" {
		err = errors.Errorf("AS has no meaning for an INCLUDE inside a stage (%q): it pastes instructions; to import stages, INCLUDE the file before the first FROM", stage)
	}
	if err != nil {
		return atRequest(r, err)
	}
	r.ns = inc.ns
	file, err := t.expandPath(u, inc.path)
	if err == nil {
		inc.from, err = t.expandPath(u, inc.from)
	}
	if err == nil {
		r.ref, err = resolvePath(u, inc.from, file)
	}
	if err != nil {
		return atRequest(r, err)
	}
	return t.admit(r)
}

// admit queues r for the next level, unless it closes a cycle or passes
// the depth or unit limits.
func (t *tree) admit(r *request) error {
	if r.kind != UnitPath {
		for v := r.from; v != nil; v = v.Parent {
			if v.Kind != UnitMain && v.Source.Ref == r.ref {
				return includeCycle(r, v)
			}
		}
	}
	if depth := r.from.depth + 1; depth > t.lim.Depth {
		return atRequest(r, &LimitError{What: "the nesting of INCLUDE and file references", Got: depth, Max: t.lim.Depth, Unit: "levels"})
	}
	if units := len(t.files.Units) - 1 + t.pending; units >= t.lim.Units {
		return atRequest(r, &LimitError{What: "the number of inclusions in one build", Got: units + 1, Max: t.lim.Units, Unit: "inclusions"})
	}
	t.pending++
	t.next = append(t.next, r)
	return nil
}

// includeText is an INCLUDE line as written, on one line.
func includeText(n *parser.Node) string {
	words := strings.Fields(n.Original)
	words[0] = "INCLUDE"
	return strings.Join(words, " ")
}

// includeLine is what an INCLUDE line says.
type includeLine struct{ from, path, ns string }

const includeUsage = "expected INCLUDE [--from=<context>] <path> [AS <name>]"

var validNamespace = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// parseInclude reads an INCLUDE line off its text: the parser kept the
// line of an instruction it does not know, but not its arguments.
func parseInclude(n *parser.Node) (includeLine, error) {
	var inc includeLine
	words := strings.Fields(n.Original)[1:]
	for len(words) > 0 && strings.HasPrefix(words[0], "--") {
		v, ok := strings.CutPrefix(words[0], "--from=")
		switch {
		case !ok:
			return inc, errors.Errorf("unknown flag %s; %s", strings.SplitN(words[0], "=", 2)[0], includeUsage)
		case v == "":
			return inc, errors.Errorf("--from= names no build context; %s", includeUsage)
		case inc.from != "":
			return inc, errors.Errorf("--from is given twice; %s", includeUsage)
		}
		inc.from, words = v, words[1:]
	}
	switch {
	case len(words) == 3 && strings.EqualFold(words[1], "as"):
		inc.ns = strings.ToLower(words[2])
		if !validNamespace.MatchString(inc.ns) {
			return inc, errors.Errorf("AS %s is not a valid name: it must start with a letter and hold only letters, digits, '-' and '_' (dots join namespaces)", words[2])
		}
	case len(words) != 1:
		return inc, errors.New(includeUsage)
	}
	inc.path = words[0]
	return inc, nil
}

// expandPath evaluates a path word in u's global scope. A variable that is
// not set is an error even when the rest is not empty: a half-expanded
// path is never meant. "${X:-default}" sets what it wants.
func (t *tree) expandPath(u *Unit, word string) (string, error) {
	if word == "" || t.lex.literal(word) {
		return word, nil
	}
	scope, err := t.pathScope(u)
	if err != nil {
		return "", err
	}
	res, err := t.lex.ProcessWordWithMatches(word, scope)
	if err != nil {
		return "", err
	}
	var unset []string
	for name := range res.Unmatched {
		if usedBare(word, name) {
			unset = append(unset, name)
		}
	}
	if len(unset) > 0 {
		slices.Sort(unset)
		return "", errors.New(unsetHint(unset))
	}
	return res.Result, nil
}

// usedBare reports whether word uses $name or ${name} without a
// modifier that gives it a value when unset.
func usedBare(word, name string) bool {
	for i := strings.Index(word, "$"); i >= 0; i = nextDollar(word, i) {
		rest := word[i+1:]
		if after, ok := strings.CutPrefix(rest, "{"+name); ok && strings.HasPrefix(after, "}") {
			return true
		}
		if after, ok := strings.CutPrefix(rest, name); ok && (after == "" || !isNameByte(after[0])) {
			return true
		}
	}
	return false
}

func nextDollar(word string, i int) int {
	j := strings.Index(word[i+1:], "$")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// resolvePath is the file a path written in u names: from the root of
// build context from, when given; else from the root of u's context for a
// rooted path, or from u's own directory (the context root for the main
// Dockerfile, whatever -f said, as COPY sources are).
func resolvePath(u *Unit, from, p string) (FileRef, error) {
	if strings.ContainsAny(p, "*?[") {
		return FileRef{}, errors.Errorf("%s is a pattern; INCLUDE and file references name one file", p)
	}
	ref := FileRef{Context: from}
	switch {
	case from != "":
		ref.Path = path.Clean(strings.TrimPrefix(p, "/"))
	case strings.HasPrefix(p, "/"):
		ref.Context = u.Source.Ref.Context
		ref.Path = path.Clean(p[1:])
	default:
		ref.Context = u.Source.Ref.Context
		ref.Path = path.Clean(path.Join(path.Dir(u.Source.Ref.Path), p))
	}
	if ref.Path == ".." || strings.HasPrefix(ref.Path, "../") {
		return FileRef{}, climbs(p, ref.Context)
	}
	return ref, nil
}
