package stages

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Args is an ordered set of KEY=value pairs: the global ARG scope that FROM
// lines and ARG-expanded --from values are expanded in. It satisfies
// shell.EnvGetter. Order is declaration order, so output stays deterministic.
type Args struct {
	keys   []string
	values map[string]string
}

// NewArgs returns an Args holding kv pairs in the given order.
func NewArgs(kv ...[2]string) *Args {
	a := &Args{values: map[string]string{}}
	for _, p := range kv {
		a.Set(p[0], p[1])
	}
	return a
}

// Set adds key or replaces its value, keeping its first position.
func (a *Args) Set(key, value string) {
	if _, ok := a.values[key]; !ok {
		a.keys = append(a.keys, key)
	}
	a.values[key] = value
}

func (a *Args) Get(key string) (string, bool) {
	v, ok := a.values[key]
	return v, ok
}

// lookup is Get on a scope that may be nil.
func (a *Args) lookup(key string) (string, bool) {
	if a == nil {
		return "", false
	}
	return a.Get(key)
}

func (a *Args) Keys() []string { return append([]string(nil), a.keys...) }

// Clone returns an independent copy.
func (a *Args) Clone() *Args {
	c := &Args{keys: append([]string(nil), a.keys...), values: make(map[string]string, len(a.values))}
	for k, v := range a.values {
		c.values[k] = v
	}
	return c
}

// MetaArg records one global ARG after expansion, for outline and lint.
type MetaArg struct {
	Key        string
	Value      *string // nil when declared without a default and not given
	FromUser   bool    // the value came from a build arg
	DocComment string
	Location   []parser.Range
	// Deps are the other global ARGs its default used, directly or through
	// an earlier declaration of the same ARG (ARG X=$X:more): giving one
	// of them changes this value too.
	Deps map[string]bool
}

// ExpandMetaArgs evaluates the ARG instructions before the first FROM, in
// order, on top of the automatic args. A build arg replaces a declared
// default, which is then never evaluated: `ARG FOO=${FOO:?msg}` must not
// fail when FOO is given. A declared ARG without default and without build
// arg stays unset.
func ExpandMetaArgs(lex Lexer, auto *Args, metaArgs []instructions.ArgCommand, buildArgs map[string]string) (*Args, []MetaArg, error) {
	return expandMetaArgsIn(lex, auto, nil, metaArgs, buildArgs)
}

// expandMetaArgsIn is ExpandMetaArgs for an included file: an ARG with
// neither build arg nor default takes the value its includer's global
// scope, outer, gives that name (nil: none). That is how an includer
// passes parameters, as a stage ARG without default reads the globals.
func expandMetaArgsIn(lex Lexer, auto, outer *Args, metaArgs []instructions.ArgCommand, buildArgs map[string]string) (*Args, []MetaArg, error) {
	scope := auto.Clone()
	var declared []MetaArg
	deps := map[string]map[string]bool{}
	for _, cmd := range metaArgs {
		for _, kv := range cmd.Args {
			m := MetaArg{Key: kv.Key, DocComment: kv.DocComment, Location: cmd.Location()}
			if v, ok := buildArgs[kv.Key]; ok {
				m.Value, m.FromUser = &v, true
			} else if kv.Value != nil {
				res, err := lex.ProcessWordWithMatches(*kv.Value, scope)
				if err != nil {
					return nil, nil, parser.WithLocation(err, cmd.Location())
				}
				m.Value = &res.Result
				m.Deps = argDeps(kv.Key, res.Matched, deps[kv.Key])
			} else if v, ok := outer.lookup(kv.Key); ok {
				m.Value = &v
			}
			if m.Value != nil {
				scope.Set(kv.Key, *m.Value)
			}
			deps[kv.Key] = m.Deps
			declared = append(declared, m)
		}
	}
	return scope, declared, nil
}

// argDeps are the ARGs a default matched; its own name stands for what its
// earlier declaration depended on.
func argDeps(key string, matched map[string]struct{}, earlier map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range matched {
		if k != key {
			out[k] = true
		}
	}
	if _, self := matched[key]; self {
		maps.Copy(out, earlier)
	}
	return out
}

// Delete removes key.
func (a *Args) Delete(key string) {
	if _, ok := a.values[key]; !ok {
		return
	}
	delete(a.values, key)
	a.keys = slices.DeleteFunc(a.keys, func(k string) bool { return k == key })
}

// WordProcessor expands one word in env, as shell.Lex.ProcessWord does.
type WordProcessor interface {
	ProcessWord(word string, env shell.EnvGetter) (string, map[string]struct{}, error)
}

// ArgSource says where a stage ARG's value came from.
type ArgSource int

const (
	ArgUnset    ArgSource = iota // declared without default, not given, no global
	ArgBuildArg                  // a build arg of its name
	ArgDefault                   // its default, expanded
	ArgGlobal                    // the global ARG of its name
)

// StageArg is the value an ARG instruction gives a name in its stage.
type StageArg struct {
	Value *string // nil for ArgUnset
	From  ArgSource
	// Unmatched are the names its default used that the stage did not
	// hold (ArgDefault only).
	Unmatched map[string]struct{}
}

// StageArgValue is the value of ARG arg in a stage, in upstream's order: the
// build arg of its name, else its default expanded in what the stage holds
// at that line (env, asked only then), else the global ARG of its name
// (global may be nil), else none. It is the one place that order is
// written: the converter, the --from scopes and the SOURCE_DATE_EPOCH stage
// all read it.
func StageArgValue(lex WordProcessor, arg instructions.KeyValuePairOptional, buildArgs map[string]string, global *Args, env func() shell.EnvGetter) (StageArg, error) {
	if v, ok := buildArgs[arg.Key]; ok {
		return StageArg{Value: &v, From: ArgBuildArg}, nil
	}
	if arg.Value != nil {
		v, unmatched, err := lex.ProcessWord(*arg.Value, env())
		return StageArg{Value: &v, From: ArgDefault, Unmatched: unmatched}, err
	}
	if global != nil {
		if v, ok := global.Get(arg.Key); ok {
			return StageArg{Value: &v, From: ArgGlobal}, nil
		}
	}
	return StageArg{}, nil
}
