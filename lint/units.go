package lint

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/stages"
)

// A build made of several files (INCLUDE) is checked file by file where a
// rule compares lines with each other: a file's instruction casing is its
// own, its stage names are its own, its FROM lines expand in its own
// global ARGs. A build of one file has one unit and one scope, as before.

// unitOf is the file inclusion whose FROM made df.Stages[i], nil for a
// build of one file.
func unitOf(df *stages.Dockerfile, i int) *stages.Unit {
	if df.Files == nil || df.Files.Single() {
		return nil
	}
	return df.Files.OfStage(i)
}

// unitID is u's ID, 0 (the main file) for nil.
func unitID(u *stages.Unit) int {
	if u == nil {
		return 0
	}
	return u.ID
}

// fileOf is the index of the file loc is in, 0 for a build of one file.
func fileOf(df *stages.Dockerfile, loc []parser.Range) int {
	if df.Files == nil || df.Files.Single() || len(loc) == 0 {
		return 0
	}
	src, _ := df.Files.Split(loc)
	return src.Index
}

// globalScope is what the FROM lines of u's stages expand in, and the
// names declared there: the Dockerfile's for nil.
func globalScope(df *stages.Dockerfile, u *stages.Unit) (*stages.Args, []stages.MetaArg) {
	if u == nil || u.GlobalArgs == nil {
		return df.GlobalArgs, df.Declared
	}
	return u.GlobalArgs, u.Declared
}

// declaredKeys are the names a FROM line may use: the scope's and the
// declared ones.
func declaredKeys(scope *stages.Args, declared []stages.MetaArg) map[string]struct{} {
	keys := map[string]struct{}{}
	for _, k := range scope.Keys() {
		keys[k] = struct{}{}
	}
	for _, m := range declared {
		keys[m.Key] = struct{}{}
	}
	return keys
}

// parserWarnings are the parser's warnings of every file of the build, in
// the line space, once per file: a file included twice has two places in
// the line space but one set of lines of its own, which both map back to.
func parserWarnings(df *stages.Dockerfile) []parser.Warning {
	if df.Files == nil || df.Files.Single() {
		return df.AST.Warnings
	}
	var out []parser.Warning
	seen := map[*stages.Source]bool{}
	for _, u := range df.Files.Units {
		if seen[u.Source] || u.AST == nil {
			continue
		}
		seen[u.Source] = true
		out = append(out, u.AST.Warnings...)
	}
	return out
}

// includedUnits are the inclusions of every file but the main one, none
// for a build of one file.
func includedUnits(df *stages.Dockerfile) []*stages.Unit {
	if df.Files == nil || df.Files.Single() {
		return nil
	}
	return df.Files.Units[1:]
}

// fileRoots are the parsed roots of every file of the build, each once,
// the main file's first.
func fileRoots(df *stages.Dockerfile) []*parser.Node {
	roots := []*parser.Node{df.AST.AST}
	seen := map[*parser.Node]bool{df.AST.AST: true}
	for _, u := range includedUnits(df) {
		if u.AST != nil && !seen[u.AST.AST] {
			seen[u.AST.AST] = true
			roots = append(roots, u.AST.AST)
		}
	}
	return roots
}
