package stages

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// BuildAllArg is the build arg that makes every stage of the Dockerfile
// reachable while the export stays the target's. It is a build arg rather
// than an option so that buildx, bake and buildctl can all pass it.
const BuildAllArg = "MULTISTAGE_BUILD_ALL"

// BuildAll reports whether args ask for every stage. An unparsable value is
// an error rather than "off": a CI job that meant to run its test stages
// must not pass silently without them.
func BuildAll(args map[string]string) (bool, error) {
	v, ok := args[BuildAllArg]
	if !ok || v == "" {
		return false, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, errors.Errorf("build arg %s=%q is not a boolean; use %s=1 to build every stage or leave it unset", BuildAllArg, v, BuildAllArg)
	}
	return on, nil
}

// SplitTargets splits a target option as buildx passes it ("a,b"): blanks
// around names and empty items are dropped, and names that differ only in
// case fold into the first spelling, since targets match case-insensitively.
func SplitTargets(target string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(target, ",") {
		t = strings.TrimSpace(t)
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}

// IsTarget reports whether n is one of the requested targets.
func (g *Graph) IsTarget(n *Node) bool { return slices.Contains(g.Targets, n) }

// roots are where reachability starts: every target, or every stage when
// all stages are built.
func (g *Graph) roots() []*Node {
	if g.AllStages {
		return g.Stages
	}
	return g.Targets
}

// selectTargets resolves every requested name among those the main file
// sees (its stages, and its includes' by qualified name); the unknown ones
// are reported together. Two names for the same stage ("a" and "A") select
// it once.
func (b *builder) selectTargets() ([]*Node, error) {
	names := SplitTargets(b.in.Target)
	if len(names) == 0 {
		return []*Node{b.g.Stages[len(b.g.Stages)-1]}, nil
	}
	var out []*Node
	var unknown []string
	for _, name := range names {
		n, ok := b.mainScope().all[strings.ToLower(name)]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(unknown) > 0 {
		return nil, unknownTargets(unknown, b.mainScope().names())
	}
	return out, nil
}

// WithAllStages is g with every stage reachable, as MULTISTAGE_BUILD_ALL
// builds it; g itself is unchanged.
func (g *Graph) WithAllStages() *Graph {
	all := *g
	all.AllStages = true
	markReachable(&all)
	return &all
}
