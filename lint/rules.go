package lint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/myorg/multistage/stages"
)

const docsBase = "https://github.com/myorg/multistage/blob/main/docs/rules/"

// Our own rules. They are skipped, made errors or (for experimental ones)
// enabled with the same "# check=" settings as upstream's.
var (
	RuleNumericStageReference = linter.LinterRule[func(ref, stage string) string]{
		Name:        "NumericStageReference",
		Description: "Stages should be referenced by name, not by index: an index breaks when stages are added or moved",
		URL:         docsBase + "numeric-stage-reference.md",
		Format: func(ref, stage string) string {
			return fmt.Sprintf("--from=%s refers to %s by its index; name the stage and use its name", ref, stage)
		},
	}
	RuleUnusedBuildArg = linter.LinterRule[func(arg string) string]{
		Name:        "UnusedBuildArg",
		Description: "A build arg was given that no ARG instruction declares, so it has no effect",
		URL:         docsBase + "unused-build-arg.md",
		Format: func(arg string) string {
			return fmt.Sprintf("Build arg %q is given but no ARG declares it; it has no effect", arg)
		},
	}
	RuleStageShadowsImage = linter.LinterRule[func(stage, image string, line int) string]{
		Name:        "StageShadowsImage",
		Description: "A stage named like an image used in the same Dockerfile makes later references to that name mean the stage",
		URL:         docsBase + "stage-shadows-image.md",
		Format: func(stage, image string, line int) string {
			return fmt.Sprintf("Stage name %q shadows image %q (line %d): after this line, FROM %s and --from=%s mean the stage", stage, image, line, stage, stage)
		},
	}
	RuleUnreachableStage = linter.LinterRule[func(stage, target string) string]{
		Name:         "UnreachableStage",
		Description:  "A stage that the target does not need and that is not the last stage is never built",
		URL:          docsBase + "unreachable-stage.md",
		Experimental: true,
		Format: func(stage, target string) string {
			return fmt.Sprintf("Stage %q is not needed by target %q and is not the last stage, so it is never built for this target", stage, target)
		},
	}
)

// Rules lists our own rules, for documentation and tests.
var Rules = []linter.LinterRuleI{&RuleNumericStageReference, &RuleUnusedBuildArg, &RuleStageShadowsImage, &RuleUnreachableStage, &RuleCacheBustArg}

// ourRules runs the rules upstream lacks.
func (c *checker) ourRules() {
	c.numericReferences()
	c.unusedBuildArgs()
	c.shadowedImages()
	c.unreachable()
	c.cacheBustArgs()
}

func (c *checker) numericReferences() {
	for _, e := range c.g.Edges {
		if e.Kind == stages.EdgeFrom || !c.walked(e.From) || !e.To.IsStage() {
			continue
		}
		if _, err := strconv.Atoi(e.Ref); err != nil {
			continue
		}
		stage := fmt.Sprintf("stage %q", e.To.Name)
		if e.To.Name == "" {
			stage = fmt.Sprintf("the unnamed stage %d (line %d)", e.To.Index, e.To.Stage.Location[0].Start.Line)
		}
		lint := c.lint.WithMergedConfigFromComments(e.Command.Comments())
		lint.Run(&RuleNumericStageReference, e.Location, RuleNumericStageReference.Format(e.Ref, stage))
	}
}

// builtinArgs are build args BuildKit or the frontend read without an ARG.
var builtinArgs = map[string]bool{
	"BUILDPLATFORM": true, "BUILDOS": true, "BUILDOSVERSION": true, "BUILDARCH": true, "BUILDVARIANT": true,
	"TARGETPLATFORM": true, "TARGETOS": true, "TARGETOSVERSION": true, "TARGETARCH": true, "TARGETVARIANT": true,
	"TARGETSTAGE": true, "SOURCE_DATE_EPOCH": true,
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "FTP_PROXY": true, "NO_PROXY": true, "ALL_PROXY": true,
}

func (c *checker) unusedBuildArgs() {
	declared := declaredArgs(c.df)
	keys := make([]string, 0, len(c.opt.BuildArgs))
	for k := range c.opt.BuildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if declared[k] || builtinArgs[strings.ToUpper(k)] || strings.HasPrefix(k, "BUILDKIT_") {
			continue
		}
		c.lint.Run(&RuleUnusedBuildArg, nil, RuleUnusedBuildArg.Format(k))
	}
}

// declaredArgs are the names every ARG of the build declares: the global
// ARGs of each file (Declared is the main file's; an included file has a
// scope of its own, which build args reach too) and the stages' ARGs,
// pasted snippets' included.
func declaredArgs(df *stages.Dockerfile) map[string]bool {
	declared := map[string]bool{}
	declare := func(a *instructions.ArgCommand) {
		for _, kv := range a.Args {
			declared[kv.Key] = true
		}
	}
	for _, m := range df.Declared {
		declared[m.Key] = true
	}
	for _, u := range includedUnits(df) {
		for i := range u.MetaArgs {
			declare(&u.MetaArgs[i])
		}
	}
	for _, st := range df.Stages {
		for _, cmd := range st.Commands {
			if a, ok := cmd.(*instructions.ArgCommand); ok {
				declare(a)
			}
		}
	}
	return declared
}

// shadowedImages reports a stage whose name is the name of an image the
// Dockerfile uses: "FROM node AS node" (or a stage "node" next to
// "FROM node:20") makes every later "node" mean the stage.
func (c *checker) shadowedImages() {
	var named []*stages.Node
	for _, s := range c.g.Stages {
		if s.Name != "" && s.Stage != nil {
			named = append(named, s)
		}
	}
	if len(named) == 0 {
		return
	}
	byName := c.imageEdgesByName(named)
	for _, s := range named {
		if e, ok := byName[s.Name]; ok {
			lint := c.lint.WithMergedConfigFromComments(s.Stage.Comments)
			lint.Run(&RuleStageShadowsImage, s.Stage.Location, RuleStageShadowsImage.Format(s.Name, e.To.Name, e.Line()))
		}
	}
}

// imageEdgesByName maps the names an image reference answers to (as
// written, lower case, and its familiar name without tag or digest) to the
// first edge that uses it. A reference is parsed only when its last path
// element, tag and digest cut off, is a stage name: a familiar name that
// can equal a stage name has no '/', so it is that element. Asking every
// stage name of every reference cost images times stages.
func (c *checker) imageEdgesByName(named []*stages.Node) map[string]*stages.Edge {
	isName := make(map[string]bool, len(named))
	for _, s := range named {
		isName[s.Name] = true
	}
	out := map[string]*stages.Edge{}
	add := func(name string, e *stages.Edge) {
		if _, ok := out[name]; !ok {
			out[name] = e
		}
	}
	for _, e := range c.g.Edges {
		if e.To.Kind != stages.KindImage {
			continue
		}
		lower := strings.ToLower(e.To.Name)
		add(lower, e)
		if !isName[lastElement(lower)] {
			continue
		}
		if ref, err := reference.ParseNormalizedNamed(e.To.Name); err == nil {
			add(reference.FamiliarName(ref), e)
		}
	}
	return out
}

// lastElement is the last path element of an image reference, without
// its digest or tag.
func lastElement(ref string) string {
	ref = ref[strings.LastIndex(ref, "/")+1:]
	ref, _, _ = strings.Cut(ref, "@")
	ref, _, _ = strings.Cut(ref, ":")
	return ref
}

func (c *checker) unreachable() {
	last := c.g.Stages[len(c.g.Stages)-1]
	for _, s := range c.g.Stages {
		if s == last || c.g.Reachable(s) || s.Stage == nil {
			continue
		}
		lint := c.lint.WithMergedConfigFromComments(s.Stage.Comments)
		if !experimentalOn(lint, &RuleUnreachableStage) {
			// Each message names the target: formatting them for a rule
			// that is off cost the stages times the target's name.
			continue
		}
		lint.Run(&RuleUnreachableStage, s.Stage.Location, RuleUnreachableStage.Format(s.DisplayName(), c.g.Target.DisplayName()))
	}
}

// experimentalOn reports whether an experimental rule would report
// anything: Linter.Run drops its message unless "# check=experimental="
// (or the build arg) names it or all.
func experimentalOn(lint *linter.Linter, rule linter.LinterRuleI) bool {
	if lint == nil || lint.Warn == nil {
		return false
	}
	_, on := lint.ExperimentalRules[rule.RuleName()]
	return lint.ExperimentalAll || on
}
