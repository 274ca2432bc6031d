package stages

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/pkg/errors"
)

// A --from value may use the ARGs its stage declares above it. Their values
// must be known before any image is resolved, since the graph is fixed
// then: a build arg, or a default made only of other ARGs the stage
// declared before (a global or automatic ARG counts once the stage
// redeclares it with "ARG NAME", exactly as RUN would see it). A default
// that names anything else may be reading the base image's ENV, which is
// not known yet, so using it in --from is an error.

// stageArg is one ARG declared in a stage.
type stageArg struct {
	key   string
	value *string // nil: declared without default, not given, no global
	line  int
	loc   []parser.Range
	// why, when not empty, is the reason the value cannot be known before
	// the images are resolved.
	why string
	// cause is the declaration whose own reason why repeats: this one, or
	// the first ARG down the chain of defaults that had one. Naming it
	// instead of each link keeps every why short on a chain of any length.
	cause *stageArg
	// limit is set when why is an expansion limit its default passed.
	limit error
}

// stageHistory is every ARG and ENV name a stage declared, each with the
// line of its declaration, in line order. The scope of one line is a view
// of it (what was declared above that line) rather than a copy, so a
// --from line costs the same however many ARGs its stage has, and a lookup
// is a binary search among the declarations of one name.
type stageHistory struct {
	stage  string
	global *Args
	files  *Files                 // names the lines in messages
	args   map[string][]*stageArg // the declarations of each ARG
	env    map[string][]int       // the lines of the ENVs that set each name
}

// fromScope is what a --from value on one line expands in: the stage's
// ARGs declared above it, then the global scope (as before stage ARGs
// counted). It records the first name that cannot be known.
type fromScope struct {
	*stageHistory
	// line bounds the view: declarations on lines before it count. The
	// walk that fills the history uses math.MaxInt, which sees them all.
	line    int
	problem error
}

// arg is the latest declaration of ARG key above the scope's line.
func (s *fromScope) arg(key string) (*stageArg, bool) {
	decls := s.args[key]
	i, _ := slices.BinarySearchFunc(decls, s.line, func(a *stageArg, line int) int { return cmp.Compare(a.line, line) })
	if i == 0 {
		return nil, false
	}
	return decls[i-1], true
}

// envLine is the line of the latest ENV above the scope's line that set
// key.
func (s *fromScope) envLine(key string) (int, bool) {
	lines := s.env[key]
	i, _ := slices.BinarySearch(lines, s.line)
	if i == 0 {
		return 0, false
	}
	return lines[i-1], true
}

func (s *fromScope) Get(key string) (string, bool) {
	if a, ok := s.arg(key); ok {
		if a.why != "" && s.problem == nil {
			s.problem = s.unknownArg(a)
		}
		if a.value == nil {
			return "", false
		}
		return *a.value, true
	}
	if line, ok := s.envLine(key); ok && s.problem == nil {
		s.problem = &unknownValueError{errors.Errorf("$%s is set by ENV (%s) in stage %q: --from can use ARGs only, since the stage graph is fixed before anything is built; declare it with ARG instead", key, s.files.WhereLine(line), s.stage)}
	}
	return s.global.Get(key)
}

// Keys are the global names, then the stage's own in sorted order. The
// lexer never asks for them (shell.EnvGetter requires the method).
func (s *fromScope) Keys() []string {
	keys := s.global.Keys()
	for _, k := range s.argNames(func(*stageArg) bool { return true }) {
		if _, global := s.global.Get(k); !global {
			keys = append(keys, k)
		}
	}
	return keys
}

// argNames are the stage's ARGs declared above the scope's line whose
// latest declaration passes keep, sorted.
func (s *fromScope) argNames(keep func(*stageArg) bool) []string {
	var names []string
	for k := range s.args {
		if a, ok := s.arg(k); ok && keep(a) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// expand evaluates word and fails when it used a value that is not known
// before the images are resolved.
func (s *fromScope) expand(lex Lexer, word string) (shell.ProcessWordResult, error) {
	s.problem = nil
	res, err := lex.ProcessWordWithMatches(word, s)
	if err == nil {
		err = s.problem
	}
	return res, err
}

// stageScopes walks the stages of unit u (root is its AST with its
// snippets pasted) and returns, for every line whose COPY/ADD --from or RUN
// --mount from= uses a variable, the scope it expands in. Lines without a
// variable keep the global scope.
func stageScopes(root *parser.Node, lex Lexer, u *Unit, files *Files, buildArgs map[string]string) map[int]*fromScope {
	if !slices.ContainsFunc(root.Children, usesVariableFrom) {
		return nil // the common case: nothing to evaluate
	}
	out := map[int]*fromScope{}
	var cur *fromScope
	index := -1
	for _, n := range root.Children {
		switch strings.ToLower(n.Value) {
		case "from":
			index++
			label := fromAsName(n)
			if label == "" {
				label = fmt.Sprintf("stage-%d", index)
			}
			cur = &fromScope{line: math.MaxInt, stageHistory: &stageHistory{stage: u.Prefix + label, global: u.GlobalArgs, files: files,
				args: map[string][]*stageArg{}, env: map[string][]int{}}}
		case "arg":
			if cur != nil {
				cur.declare(n, lex, buildArgs)
			}
		case "env":
			if cur != nil {
				if cmd, err := parseAhead(n); err == nil {
					for _, kv := range cmd.(*instructions.EnvCommand).Env {
						cur.env[kv.Key] = append(cur.env[kv.Key], n.StartLine)
					}
				}
			}
		case "copy", "add", "run":
			if cur != nil && usesVariableFrom(n) {
				out[n.StartLine] = cur.at(n.StartLine)
			}
		}
	}
	return out
}

// declare evaluates one ARG line in the stage, as the build will but with
// only what is known before the images resolve.
func (s *fromScope) declare(n *parser.Node, lex Lexer, buildArgs map[string]string) {
	v, err := parseAhead(n)
	if err != nil {
		return // instructions.Parse reports it
	}
	for _, kv := range v.(*instructions.ArgCommand).Args {
		val, err := StageArgValue(lex, kv, buildArgs, s.global, s.known)
		a := &stageArg{key: kv.Key, value: val.Value, line: n.StartLine, loc: n.Location()}
		a.cause = a
		var limit *LimitError
		switch {
		case errors.As(err, &limit):
			a.why, a.limit = err.Error(), err
		case err != nil:
			a.why = err.Error()
		default:
			a.why, a.cause = s.whyUnknown(a, val.Unmatched)
		}
		if a.why != "" {
			a.value = nil
		}
		s.args[kv.Key] = append(s.args[kv.Key], a)
	}
}

// known is what an ARG default in the stage reads: the stage's ARGs so
// far whose values are known.
func (s *fromScope) known() shell.EnvGetter { return knownArgs{s} }

// knownArgs answers from the scope's own history, so evaluating an ARG
// does not copy the ARGs above it.
type knownArgs struct{ s *fromScope }

func knownValue(a *stageArg) bool { return a.value != nil && a.why == "" }

func (k knownArgs) Get(key string) (string, bool) {
	if a, ok := k.s.arg(key); ok && knownValue(a) {
		return *a.value, true
	}
	return "", false
}

func (k knownArgs) Keys() []string { return k.s.argNames(knownValue) }

// whyUnknown says what the default of ARG a needed that is not known yet,
// from the names it used and did not find, and which declaration's reason
// it repeats; "" when nothing.
func (s *fromScope) whyUnknown(a *stageArg, unmatched map[string]struct{}) (string, *stageArg) {
	for _, k := range slices.Sorted(maps.Keys(unmatched)) {
		if dep, ok := s.arg(k); ok && dep.why != "" {
			root := dep.cause
			if root == dep {
				return fmt.Sprintf("its default uses ARG %s, which %s", k, dep.why), root
			}
			return fmt.Sprintf("its default uses ARG %s, which depends on ARG %s (%s), which %s", k, root.key, s.files.WhereLine(root.line), root.why), root
		}
		if line, ok := s.envLine(k); ok {
			return fmt.Sprintf("its default uses $%s, set by ENV (%s); the stage graph is fixed before anything is built, so only ARGs can choose a --from", k, s.files.WhereLine(line)), a
		}
		if _, ok := s.arg(k); ok {
			continue // declared without a value: empty, as in the build
		}
		return fmt.Sprintf("its default uses $%s, which is not an ARG declared earlier in the stage, so it could come from the base image's ENV; the stage graph is fixed before any image is resolved: declare \"ARG %s\" above it (a global or automatic ARG counts once redeclared) or pass --build-arg %s=...", k, k, a.key), a
	}
	return "", a
}

// unknownArg is the error of a --from that used ARG a, whose value is not
// known before the images are resolved. When an expansion limit is why,
// the error is that limit's, at the line that passed it.
func (s *fromScope) unknownArg(a *stageArg) error {
	if root := a.cause; root.limit != nil {
		return withLocations(errors.Wrapf(root.limit, "ARG %s (%s) of stage %q", root.key, s.files.WhereLine(root.line), s.stage), root.loc)
	}
	return withLocations(&unknownValueError{errors.Errorf("ARG %s (%s) of stage %q cannot choose a --from: %s", a.key, s.files.WhereLine(a.line), s.stage, a.why)}, a.loc)
}

// at is the scope of a --from on line: a view of the same history.
func (s *fromScope) at(line int) *fromScope {
	return &fromScope{stageHistory: s.stageHistory, line: line}
}

// usesVariableFrom reports whether a COPY/ADD --from or a RUN --mount
// holds a variable.
func usesVariableFrom(n *parser.Node) bool {
	for _, f := range n.Flags {
		if v, ok := strings.CutPrefix(f, "--from="); ok && strings.Contains(v, "$") {
			return true
		}
		if v, ok := strings.CutPrefix(f, "--mount="); ok && strings.Contains(mountField(v, "from"), "$") {
			return true
		}
	}
	return false
}

// fromAsName is the lower-cased AS name of a FROM node, or "".
func fromAsName(n *parser.Node) string {
	var words []string
	for w := n.Next; w != nil; w = w.Next {
		words = append(words, w.Value)
	}
	if len(words) == 3 && strings.EqualFold(words[1], "as") {
		return strings.ToLower(words[2])
	}
	return ""
}

// expander evaluates a --from word: a stage's scope, or the global one.
type expander interface {
	expand(lex Lexer, word string) (shell.ProcessWordResult, error)
}

type globalScope struct{ *Args }

func (g globalScope) expand(lex Lexer, word string) (shell.ProcessWordResult, error) {
	return lex.ProcessWordWithMatches(word, g.Args)
}

// scopeFor is the scope of a --from on a line of a unit whose stage
// scopes are scopes: its stage's, or the unit's global scope when the
// value holds no variable or precedes every FROM.
func scopeFor(scopes map[int]*fromScope, global *Args) func(line int) expander {
	return func(line int) expander {
		if s, ok := scopes[line]; ok {
			return s
		}
		return globalScope{global}
	}
}

// unknownValueError is a --from value that needs what is only known once
// images are resolved or the build runs.
type unknownValueError struct{ error }

func (e *unknownValueError) Unwrap() error { return e.error }
