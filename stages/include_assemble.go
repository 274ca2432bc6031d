package stages

import (
	"maps"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Assembling turns the units into one Dockerfile: each unit that owns
// stages is parsed by instructions.Parse with its snippets pasted, after
// the files it includes (so a stage only ever uses stages above it), and
// the instances of file references come before everything.

func (t *tree) assemble() error {
	for _, p := range t.pathOrder() {
		if err := t.assembleTree(p); err != nil {
			return err
		}
	}
	if err := t.assembleTree(t.files.Main()); err != nil {
		return err
	}
	for _, r := range t.pathReqs {
		for _, k := range r.keys {
			if t.files.pathRefs == nil {
				t.files.pathRefs = map[pathKey]*Unit{}
			}
			t.files.pathRefs[k] = r.unit
		}
	}
	return t.checkNames()
}

func (t *tree) assembleTree(u *Unit) error {
	for _, c := range u.children {
		if err := t.assembleTree(c); err != nil {
			return err
		}
	}
	return t.assembleUnit(u)
}

// assembleUnit is what Parse did for a whole Dockerfile, for one unit:
// the --from scopes, RUN --mount from= expanded, instructions.Parse.
func (t *tree) assembleUnit(u *Unit) error {
	root := t.splice(u)
	var scopes map[int]*fromScope
	var raw, targets map[MountKey]string
	var err error
	if t.opt.AsWritten {
		root, raw, targets, err = expandMountFrom(root, leaveOut)
	} else {
		scopes = stageScopes(root, t.lex, u, t.files, t.opt.BuildArgs)
		root, raw, targets, err = expandMountFrom(root, expandIn(t.lex, scopeFor(scopes, u.GlobalArgs)))
	}
	if err != nil {
		return t.located(err)
	}
	stages, meta, err := instructions.Parse(root, t.lint)
	if err != nil {
		if !t.reading() {
			return noIncludeHint(err)
		}
		return t.located(err)
	}
	t.merge(scopes, raw, targets)
	u.MetaArgs, u.First, u.Count = meta, len(t.d.Stages), len(stages)
	t.d.Stages = append(t.d.Stages, stages...)
	if u.Count > 0 {
		t.files.ordered = append(t.files.ordered, u)
	}
	if u.Kind == UnitMain {
		t.d.MetaArgs = meta
	}
	return nil
}

// merge adds a unit's line-keyed maps to the Dockerfile's; lines are
// global, so they never collide. A single file's maps are taken as they
// are.
func (t *tree) merge(scopes map[int]*fromScope, raw, targets map[MountKey]string) {
	d := t.d
	if d.fromScopes == nil {
		d.fromScopes = scopes
	} else {
		maps.Copy(d.fromScopes, scopes)
	}
	if d.RawMountFrom == nil {
		d.RawMountFrom, d.MountTargets = raw, targets
		return
	}
	maps.Copy(d.RawMountFrom, raw)
	maps.Copy(d.MountTargets, targets)
}

// splice is the root instructions.Parse reads for u: its own, or a copy
// without INCLUDE lines in which each snippet's instructions stand where
// its INCLUDE was. A file without INCLUDE keeps its root.
func (t *tree) splice(u *Unit) *parser.Node {
	root := u.AST.AST
	if !t.reading() || !slices.ContainsFunc(root.Children, isInclude) {
		return root
	}
	out := *root
	out.Children = make([]*parser.Node, 0, len(root.Children))
	for _, n := range root.Children {
		switch s := u.snippets[n]; {
		case s != nil:
			out.Children = append(out.Children, t.splice(s).Children...)
		case !isInclude(n):
			out.Children = append(out.Children, n)
		}
	}
	return &out
}

// checkNames rejects a stage name that reaches a unit twice, from two
// different files, and a namespace that clashes with a name. Within one
// file a name may repeat, as upstream allows (lint warns).
func (t *tree) checkNames() error {
	for _, p := range t.paths {
		if _, err := t.visibleNames(p); err != nil {
			return err
		}
	}
	_, err := t.visibleNames(t.files.Main())
	return err
}

// nameSet is the names one unit sees, in stage order.
type nameSet struct {
	u    *Unit
	list []visibleStage
	at   map[string]int
	ns   map[string]*Unit
}

// visibleNames are the names u sees, relative to u: linear in names times
// nesting depth.
func (t *tree) visibleNames(u *Unit) ([]visibleStage, error) {
	set := &nameSet{u: u, at: map[string]int{}, ns: map[string]*Unit{}}
	for _, c := range u.children {
		if prev := set.ns[c.NS]; c.NS != "" && prev != nil {
			return nil, namespaceTwice(u, prev, c)
		}
		if c.NS != "" {
			set.ns[c.NS] = c
		}
	}
	for _, c := range u.children {
		names, err := t.visibleNames(c)
		if err != nil {
			return nil, err
		}
		for _, s := range names {
			if c.NS != "" {
				s.name = c.NS + "." + s.name
			}
			s.via = c
			if err := set.add(s); err != nil {
				return nil, err
			}
		}
	}
	for _, st := range t.d.Stages[u.First : u.First+u.Count] {
		if st.Name == "" {
			continue
		}
		if err := set.add(visibleStage{name: st.Name, unit: u, loc: st.Location}); err != nil {
			return nil, err
		}
	}
	return set.list, nil
}

func (set *nameSet) add(s visibleStage) error {
	for p := s.name; p != ""; p = parentNamespace(p) {
		if inc := set.ns[p]; inc != nil && inc != s.via {
			return namespaceClash(set.u, inc, s)
		}
	}
	i, ok := set.at[s.name]
	switch {
	case !ok:
		set.at[s.name] = len(set.list)
		set.list = append(set.list, s)
	case set.list[i].via == nil && s.via == nil:
		set.list[i] = s // the same file: the last definition counts
	default:
		return duplicateStage(set.u, set.list[i], s)
	}
	return nil
}

// parentNamespace is name without its last dotted part: "go.c" for
// "go.c.build", "" for "build".
func parentNamespace(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	return name[:i]
}
