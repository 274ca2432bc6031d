package stages

import (
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// RUN --no-cache is ours: the step runs on every build. BuildKit's
// instructions package rejects flags it does not know, so the flag is
// taken off the AST before it parses and put back on the command after, in
// FlagsUsed, where the converter reads it (RunNoCache). Everything after the
// step runs again too, since its input changed: the cache keys see to that.

const noCacheFlag = "no-cache"

// takeRunNoCache removes --no-cache from the RUN nodes of root and returns
// the start lines of those it asked to run every time. A value other than
// true or false is an error at its line.
func takeRunNoCache(root *parser.Node) (map[int]bool, error) {
	var lines map[int]bool
	for _, n := range root.Children {
		on, err := takeNoCacheFlag(n)
		if err != nil {
			return nil, err
		}
		if on {
			if lines == nil {
				lines = map[int]bool{}
			}
			lines[n.StartLine] = true
		}
	}
	return lines, nil
}

// takeNoCacheFlag removes --no-cache from one RUN node; true when it asks
// for no cache.
func takeNoCacheFlag(n *parser.Node) (bool, error) {
	if !strings.EqualFold(n.Value, "run") {
		return false, nil
	}
	on := false
	kept := n.Flags[:0:0]
	for _, f := range n.Flags {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if !strings.HasPrefix(f, "--") || name != noCacheFlag {
			kept = append(kept, f)
			continue
		}
		on = true
		if hasValue {
			v, err := strconv.ParseBool(value)
			if err != nil {
				return false, parser.WithLocation(errors.Errorf("RUN --no-cache=%s (line %d): --no-cache takes no value, or true or false", value, n.StartLine), n.Location())
			}
			on = v
		}
	}
	if len(kept) != len(n.Flags) {
		n.Flags = kept
	}
	return on, nil
}

// markRunNoCache puts the flag back on the RUN commands whose line had it.
func markRunNoCache(stages []instructions.Stage, lines map[int]bool) {
	if len(lines) == 0 {
		return
	}
	for _, st := range stages {
		for _, cmd := range st.Commands {
			if run, ok := cmd.(*instructions.RunCommand); ok && lines[firstLine(run.Location())] {
				markNoCache(run)
			}
		}
	}
}

func markNoCache(run *instructions.RunCommand) {
	if !slices.Contains(run.FlagsUsed, noCacheFlag) {
		run.FlagsUsed = append(run.FlagsUsed, noCacheFlag)
	}
}

// RunNoCache reports whether a RUN was written with --no-cache.
func RunNoCache(run *instructions.RunCommand) bool {
	return slices.Contains(run.FlagsUsed, noCacheFlag)
}
