package lint

import (
	"fmt"
	"regexp"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/stages"
)

// RuleCacheBustArg is ours: the old way to make a step run every time is an
// ARG whose value changes per build (--build-arg CACHEBUST=$(date +%s)).
// It pollutes the build args and the history, and it re-runs every RUN
// after the ARG, not only the one that needed it; RUN --no-cache says what
// is meant.
var RuleCacheBustArg = linter.LinterRule[func(arg string, line int) string]{
	Name:        "CacheBustArg",
	Description: "An ARG used only to make the steps after it run again: RUN --no-cache says so directly",
	URL:         docsBase + "cache-bust-arg.md",
	Format: func(arg string, line int) string {
		return fmt.Sprintf("ARG %s (line %d) only changes the cache keys of the RUN steps after it; write RUN --no-cache on the step that must run every time, and drop the ARG", arg, line)
	},
}

// cacheBustName is the names the pattern goes by: CACHEBUST, CACHE_BUST,
// CACHEBUSTER, BUST_CACHE, NOCACHE, CACHE_DATE, CACHE_KEY...
var cacheBustName = regexp.MustCompile(`(?i)bust|^no_?cache$|^cache_?(break(er)?|date|time|ts|stamp|timestamp|key|epoch)$`)

// cacheBustArgs reports, in each stage the target needs, an ARG named like
// a cache buster that no instruction but RUN refers to: a RUN that only
// echoes it, or none at all, since a declared ARG is in every later RUN's
// cache key. A use in ENV, LABEL, COPY... is a real use and is left alone.
func (c *checker) cacheBustArgs() {
	// Instruction text by start line, in the line space every file of the
	// build shares: a stage's commands may come from an included file or
	// a pasted snippet.
	originals := map[int]string{}
	for _, root := range fileRoots(c.df) {
		for _, n := range root.Children {
			originals[n.StartLine] = n.Original
		}
	}
	for _, n := range c.g.Stages {
		if n.Stage == nil || !c.walked(n) {
			continue
		}
		c.cacheBustArgsIn(n.Stage.Commands, originals)
	}
}

func (c *checker) cacheBustArgsIn(cmds []instructions.Command, originals map[int]string) {
	type candidate struct {
		cmd     *instructions.ArgCommand
		usedOff bool // referred to by an instruction other than RUN
	}
	candidates := map[string]*candidate{}
	var order []string
	for _, cmd := range cmds {
		if a, ok := cmd.(*instructions.ArgCommand); ok {
			for _, kv := range a.Args {
				if cacheBustName.MatchString(kv.Key) && candidates[kv.Key] == nil {
					candidates[kv.Key] = &candidate{cmd: a}
					order = append(order, kv.Key)
				}
			}
			continue
		}
		if len(candidates) == 0 {
			continue
		}
		if _, isRun := cmd.(*instructions.RunCommand); isRun {
			continue
		}
		for _, v := range stages.VariablesIn(originals[startLine(cmd.Location())], c.df.EscapeToken) {
			if cand := candidates[v]; cand != nil {
				cand.usedOff = true
			}
		}
	}
	for _, k := range order {
		cand := candidates[k]
		if cand.usedOff {
			continue
		}
		lint := c.lint.WithMergedConfigFromComments(cand.cmd.Comments())
		lint.Run(&RuleCacheBustArg, cand.cmd.Location(), RuleCacheBustArg.Format(k, c.fileLine(cand.cmd.Location())))
	}
}

// startLine is loc's first line in the build's line space.
func startLine(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

// fileLine is the line of loc in its own file, as a message names it.
func (c *checker) fileLine(loc []parser.Range) int {
	if c.df.Files == nil {
		return startLine(loc)
	}
	_, line := c.df.Files.Locate(startLine(loc))
	return line
}
