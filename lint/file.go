package lint

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"
	"github.com/myorg/multistage/stages"
)

// reservedStageNames cannot be stage names without confusing readers:
// they mean the empty image and the build context.
var reservedStageNames = map[string]bool{"context": true, "scratch": true}

// file runs the rules about the Dockerfile as a whole, over every stage.
func (c *checker) file() {
	for _, w := range parserWarnings(c.df) {
		if w.URL == linter.RuleNoEmptyContinuation.URL && w.Location != nil {
			c.lint.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
		}
	}
	type unitName struct {
		unit int
		name string
	}
	seen := map[unitName]bool{} // names are per file: go.build and build differ
	for i, st := range c.df.Stages {
		if st.Name == "" {
			continue
		}
		if reservedStageNames[st.Name] {
			c.lint.Run(&linter.RuleReservedStageName, st.Location, linter.RuleReservedStageName.Format(st.Name))
		}
		key := unitName{unitID(unitOf(c.df, i)), st.Name}
		if seen[key] {
			c.lint.Run(&linter.RuleDuplicateStageName, st.Location, linter.RuleDuplicateStageName.Format(st.Name))
		}
		seen[key] = true
	}
	c.casing()
	c.defaultArgsInFrom()
}

// casing reports instructions whose case differs from the majority's in
// their file.
func (c *checker) casing() {
	lower, upper := map[int]int{}, map[int]int{}
	count := func(name string, loc []parser.Range) {
		switch {
		case isLower(name):
			lower[fileOf(c.df, loc)]++
		case isUpper(name):
			upper[fileOf(c.df, loc)]++
		}
	}
	for _, st := range c.df.Stages {
		count(st.OrigCmd, st.Location)
		for _, cmd := range st.Commands {
			count(cmd.Name(), cmd.Location())
		}
	}
	check := func(name string, loc []parser.Range) {
		f := fileOf(c.df, loc)
		majorityLower := lower[f] > upper[f]
		want := ""
		switch {
		case majorityLower && !isLower(name):
			want = "lowercase"
		case !majorityLower && !isUpper(name):
			want = "uppercase"
		}
		if want != "" {
			c.lint.Run(&linter.RuleConsistentInstructionCasing, loc, linter.RuleConsistentInstructionCasing.Format(name, want))
		}
	}
	for _, st := range c.df.Stages {
		check(st.OrigCmd, st.Location)
		for _, cmd := range st.Commands {
			check(cmd.Name(), cmd.Location())
		}
	}
}

// isLower and isUpper are s == strings.ToLower(s) and s ==
// strings.ToUpper(s) without the copy the other case costs, once per
// instruction.
func isLower(s string) bool { return unchangedBy(s, unicode.ToLower) }
func isUpper(s string) bool { return unchangedBy(s, unicode.ToUpper) }

func unchangedBy(s string, mapping func(rune) rune) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if mapping(r) != r {
			return false
		}
	}
	return true
}

// defaultArgsInFrom reports FROM lines that only work because a build arg
// is given: with the global ARG defaults alone the image name is invalid.
func (c *checker) defaultArgsInFrom() {
	lex := c.lexer()
	scopes := map[*stages.Unit]*stages.Args{}
	// Stages often share a base; each name is parsed once.
	invalid := map[string]bool{}
	for i, st := range c.df.Stages {
		u := unitOf(c.df, i)
		scope, ok := scopes[u]
		if !ok {
			metaArgs := c.df.MetaArgs
			if u != nil {
				metaArgs = u.MetaArgs
			}
			var err error
			if scope, _, err = stages.ExpandMetaArgs(lex, c.df.AutoArgs, metaArgs, nil); err != nil {
				return // the conversion reports it
			}
			scopes[u] = scope
		}
		res, err := lex.ProcessWordWithMatches(st.BaseName, scope)
		if err != nil {
			return
		}
		if stages.IsPathRef(res.Result) {
			continue // a file's stage, not an image name
		}
		bad, seen := invalid[res.Result]
		if !seen {
			bad = !c.validReference(res.Result)
			invalid[res.Result] = bad
		}
		if bad {
			c.lint.Run(&linter.RuleInvalidDefaultArgInFrom, st.Location, linter.RuleInvalidDefaultArgInFrom.Format(st.BaseName))
		}
	}
}

// froms runs the rules about each FROM line, for every stage, with the
// stage's "# check=" comments applied. It stops where a conversion would
// fail on a FROM line.
func (c *checker) froms() error {
	lex := c.lexer()
	keysOf := map[*stages.Unit]map[string]struct{}{}
	for i, st := range c.df.Stages {
		u := unitOf(c.df, i)
		scope, declared := globalScope(c.df, u)
		keys, ok := keysOf[u]
		if !ok {
			keys = declaredKeys(scope, declared)
			keysOf[u] = keys
		}
		lint := c.lint.WithMergedConfigFromComments(st.Comments)
		res, err := lex.ProcessWordWithMatches(st.BaseName, scope)
		undefinedInFrom(keys, res.Unmatched, st.Location, lint)
		if err != nil || res.Result == "" {
			return nil // the graph reports it
		}
		if st.Platform == "" {
			continue
		}
		pres, err := lex.ProcessWordWithMatches(st.Platform, scope)
		undefinedInFrom(keys, pres.Unmatched, st.Location, lint)
		redundantTargetPlatform(st.Platform, pres, st.Location, scope, lint)
		constPlatform(st.Name, pres, st.Location, lint)
		if err != nil || pres.Result == "" {
			return nil
		}
		if _, err := platforms.Parse(pres.Result); err != nil {
			return nil
		}
	}
	return nil
}

func undefinedInFrom(declared map[string]struct{}, unmatched map[string]struct{}, loc []parser.Range, lint *linter.Linter) {
	if len(unmatched) == 0 {
		return
	}
	options := make([]string, 0, len(declared))
	for k := range declared {
		options = append(options, k)
	}
	sort.Strings(options)
	for _, arg := range slices.Sorted(maps.Keys(unmatched)) {
		if _, ok := declared[arg]; ok {
			continue
		}
		s, _ := suggest.Search(arg, options, true)
		lint.Run(&linter.RuleUndefinedArgInFrom, loc, linter.RuleUndefinedArgInFrom.Format(arg, s))
	}
}

// redundantTargetPlatform fires for --platform=$TARGETPLATFORM alone.
func redundantTargetPlatform(word string, res shell.ProcessWordResult, loc []parser.Range, env shell.EnvGetter, lint *linter.Linter) {
	if len(res.Matched) != 1 || len(res.Unmatched) != 0 {
		return
	}
	if _, ok := res.Matched["TARGETPLATFORM"]; !ok {
		return
	}
	if v, _ := env.Get("TARGETPLATFORM"); res.Result == v {
		lint.Run(&linter.RuleRedundantTargetPlatform, loc, linter.RuleRedundantTargetPlatform.Format(word))
	}
}

// constPlatform fires for a literal --platform, unless the stage name
// says which OS or architecture it is for.
func constPlatform(stageName string, res shell.ProcessWordResult, loc []parser.Range, lint *linter.Linter) {
	if len(res.Matched) > 0 || len(res.Unmatched) > 0 {
		return
	}
	p, err := platforms.Parse(res.Result)
	if err != nil {
		return
	}
	if strings.Contains(stageName, p.OS) || strings.Contains(stageName, p.Architecture) {
		return
	}
	lint.Run(&linter.RuleFromPlatformFlagConstDisallowed, loc, linter.RuleFromPlatformFlagConstDisallowed.Format(res.Result))
}

// baseImagePlatforms reports images that came back for another platform
// than the one asked for.
func (c *checker) baseImagePlatforms() {
	if c.opt.Image == nil {
		return
	}
	for _, e := range c.g.Edges {
		if e.To.Kind != stages.KindImage || !c.walked(e.From) || e.From.Kind == stages.KindContext {
			continue
		}
		img := c.opt.Image(e)
		if img == nil || img.Config == nil || img.Empty {
			continue
		}
		want, got := img.Platform, img.Config.Platform
		if want.OS != got.OS || want.Architecture != got.Architecture {
			msg := linter.RuleInvalidBaseImagePlatform.Format(e.Ref,
				platforms.FormatAll(platforms.Normalize(want)), platforms.FormatAll(platforms.Normalize(got)))
			c.lint.Run(&linter.RuleInvalidBaseImagePlatform, e.Location, msg)
		}
	}
}
