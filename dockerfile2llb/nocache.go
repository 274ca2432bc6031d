package dockerfile2llb

import (
	"fmt"
	"path"
	"strings"

	"github.com/myorg/multistage/stages"
)

// noCacheFilter is the no-cache option (--no-cache-filter). Its plain
// forms keep dockerui's meaning: present and empty covers every stage, a
// list of names covers those names, whatever their case. Ours are "!name"
// (every stage but these) and globs ("test-*", "kit.*"), matched without
// regard to case as stage names are.
type noCacheFilter struct {
	set     bool // the option was given
	include []string
	exclude []string // the names after "!"
}

// parseNoCache reads the option's value; set says whether it was given.
func parseNoCache(value string, set bool) noCacheFilter {
	f := noCacheFilter{set: set}
	if !set || value == "" {
		return f
	}
	for _, p := range strings.Split(value, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			f.exclude = append(f.exclude, neg)
		} else if p != "" {
			f.include = append(f.include, p)
		}
	}
	return f
}

// covers reports whether stage name is built without cache: it matches a
// name or glob (every stage does when only "!" patterns are given), and no
// "!" pattern takes it out again.
func (f noCacheFilter) covers(name string) bool {
	if !f.set {
		return false
	}
	name = strings.ToLower(name)
	in := len(f.include) == 0 || matchesAny(f.include, name)
	return in && !matchesAny(f.exclude, name)
}

// unmatched are the patterns, as written after lower-casing, that match
// none of names: a typo there would otherwise silently rebuild nothing (or,
// after "!", everything).
func (f noCacheFilter) unmatched(names []string) []string {
	var out []string
	for _, group := range [][]string{f.include, f.exclude} {
		for _, p := range group {
			found := false
			for _, n := range names {
				if matchPattern(p, strings.ToLower(n)) {
					found = true
					break
				}
			}
			if !found {
				out = append(out, p)
			}
		}
	}
	return out
}

func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if matchPattern(p, name) {
			return true
		}
	}
	return false
}

// matchPattern matches a stage name against a name or a glob; stage names
// hold no '/', so path.Match's rules are the shell's here. A malformed
// glob matches only itself.
func matchPattern(pattern, name string) bool {
	if !strings.ContainsAny(pattern, "*?[") {
		return pattern == name
	}
	ok, err := path.Match(pattern, name)
	return ok || (err != nil && pattern == name)
}

// describeUnmatched is the warning for patterns that matched no stage.
func describeUnmatched(patterns []string) string {
	quoted := make([]string, len(patterns))
	for i, p := range patterns {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	return fmt.Sprintf("--no-cache-filter %s matches no stage of this Dockerfile", strings.Join(quoted, ", "))
}

// readNoCache reads the no-cache option off the client, where dockerui
// keeps it as given, and warns about the patterns that match no stage.
func (c *converter) readNoCache() noCacheFilter {
	if c.opt.Client == nil {
		return noCacheFilter{}
	}
	value, set := c.opt.Client.BuildOpts().Opts["no-cache"]
	f := parseNoCache(value, set)
	if missed := f.unmatched(c.graph.StageNames()); len(missed) > 0 && c.opt.Warn != nil {
		c.opt.Warn("NoCacheFilterUnmatched", "A --no-cache-filter pattern that matches no stage", "", describeUnmatched(missed), nil)
	}
	return f
}

// rebuilds reports whether the option makes stage name run again even
// where BuildKit would take what uses it from the cache. Plain names keep
// upstream's meaning (the stage's steps skip the cache when they run, which
// they do not when everything that uses them is cached); "!" and globs are
// ours, and rebuild what they match.
func (f noCacheFilter) rebuilds(name string) bool {
	return f.covers(name) && f.ours()
}

// ours reports whether the option uses a form upstream's has not.
func (f noCacheFilter) ours() bool {
	if len(f.exclude) > 0 {
		return true
	}
	for _, p := range f.include {
		if strings.ContainsAny(p, "*?[") {
			return true
		}
	}
	return false
}

// ignoresCache reports whether the stage's next ops skip the cache.
func (s *stageState) ignoresCache() bool { return s.noCache || s.rerun }

// inheritRerun marks s as rerunning when it reads a stage that does.
func (c *converter) inheritRerun(s *stageState, from *stages.Node) {
	if src, ok := c.states[from]; ok && src.rerun {
		s.rerun = true
	}
}
