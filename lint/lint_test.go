package lint_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerui"
	lintres "github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/lint"
	"github.com/myorg/multistage/stages"
)

type lintCase struct {
	name       string
	dockerfile string
	target     string
	buildArgs  map[string]string
	// want lists "Rule line N" entries of the rule under test (only rules
	// named in rules are kept); empty means the rule stays quiet.
	want []string
}

// runLint answers --check for c, as the frontend does (every stage with
// no target), returning "Rule line N: message" sorted.
func runLint(t *testing.T, c lintCase) []string {
	t.Helper()
	res := checkOK(t, c.dockerfile, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: c.buildArgs, Target: c.target},
		MetaResolver: fakeresolver.New(),
	})
	var got []string
	for _, w := range res.Warnings {
		got = append(got, fmt.Sprintf("%s line %d: %s", w.RuleName, warningLine(w), w.Detail))
	}
	slices.Sort(got)
	return got
}

// checkOK answers --check for dockerfile, failing the test if the
// Dockerfile does not convert.
func checkOK(t *testing.T, dockerfile string, opt dockerfile2llb.ConvertOpt) *lintres.LintResults {
	t.Helper()
	res, err := dockerfile2llb.Lint(context.Background(), []byte(dockerfile), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil {
		t.Fatalf("lint: %s", res.Error.Message)
	}
	return res
}

// warningLine is the first line a warning names, 0 for none.
func warningLine(w lintres.Warning) int {
	if len(w.Location.Ranges) == 0 {
		return 0
	}
	return int(w.Location.Ranges[0].Start.Line)
}

func only(rule string, ws []string) []string {
	var out []string
	for _, w := range ws {
		if strings.HasPrefix(w, rule+" ") {
			r, _, _ := strings.Cut(w, ":")
			out = append(out, r)
		}
	}
	return out
}

func checkRule(t *testing.T, rule string, cases []lintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := only(rule, runLint(t, c))
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: got %q, want %q", rule, got, c.want)
			}
		})
	}
}

func TestNumericStageReference(t *testing.T) {
	checkRule(t, "NumericStageReference", []lintCase{
		{name: "fires on COPY --from=0", dockerfile: "FROM alpine AS build\nFROM scratch\nCOPY --from=0 /a /a\n",
			want: []string{"NumericStageReference line 3"}},
		{name: "fires on RUN --mount from=0", dockerfile: "FROM alpine\nFROM alpine\nRUN --mount=from=0,target=/x true\n",
			want: []string{"NumericStageReference line 3"}},
		{name: "quiet with a name", dockerfile: "FROM alpine AS build\nFROM scratch\nCOPY --from=build /a /a\n"},
		{name: "skipped", dockerfile: "# check=skip=NumericStageReference\nFROM alpine AS build\nFROM scratch\nCOPY --from=0 /a /a\n"},
	})
}

func TestInvalidDefaultArgInFrom(t *testing.T) {
	checkRule(t, "InvalidDefaultArgInFrom", []lintCase{
		{name: "fires when only the build arg makes the name valid", dockerfile: "ARG IMG\nFROM ${IMG}\n",
			buildArgs: map[string]string{"IMG": "alpine"}, want: []string{"InvalidDefaultArgInFrom line 2"}},
		{name: "quiet with a valid default", dockerfile: "ARG IMG=alpine\nFROM ${IMG}\n", buildArgs: map[string]string{"IMG": "busybox"}},
		{name: "quiet on a stage name", dockerfile: "FROM alpine AS build\nFROM build\n"},
	})
}

func TestSecretsUsedInArgOrEnv(t *testing.T) {
	checkRule(t, "SecretsUsedInArgOrEnv", []lintCase{
		{name: "fires on every use of a name, in every stage", dockerfile: "FROM alpine\nARG API_KEY\nENV API_KEY=x\nFROM alpine\nARG API_KEY\n",
			want: []string{"SecretsUsedInArgOrEnv line 2", "SecretsUsedInArgOrEnv line 3", "SecretsUsedInArgOrEnv line 5"}},
		{name: "quiet for an allowed name, however often", dockerfile: "FROM alpine\nARG KEY_FILE\nFROM alpine\nARG KEY_FILE\nARG VERSION\n"},
	})
}

func TestUnusedBuildArg(t *testing.T) {
	checkRule(t, "UnusedBuildArg", []lintCase{
		{name: "fires", dockerfile: "FROM alpine\nARG USED\n", buildArgs: map[string]string{"USED": "1", "TYPO": "2"},
			want: []string{"UnusedBuildArg line 0"}},
		{name: "quiet for declared, global and builtin args", dockerfile: "ARG GLOBAL\nFROM alpine\nARG USED\n",
			buildArgs: map[string]string{"USED": "1", "GLOBAL": "2", "HTTP_PROXY": "x", "BUILDKIT_SYNTAX": "y", "TARGETARCH": "arm64"}},
		{name: "skipped", dockerfile: "# check=skip=UnusedBuildArg\nFROM alpine\n", buildArgs: map[string]string{"TYPO": "2"}},
	})
}

func TestStageShadowsImage(t *testing.T) {
	checkRule(t, "StageShadowsImage", []lintCase{
		{name: "fires on FROM node AS node", dockerfile: "FROM node AS node\nFROM node\n",
			want: []string{"StageShadowsImage line 1"}},
		{name: "fires on a tagged image", dockerfile: "FROM golang:1.22 AS build\nFROM build AS golang\n",
			want: []string{"StageShadowsImage line 2"}},
		{name: "fires on the familiar name of a full reference", dockerfile: "FROM docker.io/library/node:20 AS build\nFROM build AS node\n",
			want: []string{"StageShadowsImage line 2"}},
		{name: "quiet", dockerfile: "FROM node:20 AS build\nFROM build AS app\n"},
		{name: "quiet when the stage name is only part of the image's", dockerfile: "FROM nodejs:20 AS build\nFROM build AS node\n"},
		{name: "skipped", dockerfile: "# check=skip=StageShadowsImage\nFROM node AS node\n"},
	})
}

func TestUnreachableStage(t *testing.T) {
	df := "FROM alpine AS used\nFROM alpine AS unused\nFROM scratch AS out\nCOPY --from=used / /\n"
	checkRule(t, "UnreachableStage", []lintCase{
		{name: "off by default", dockerfile: df},
		{name: "fires when enabled", dockerfile: "# check=experimental=UnreachableStage\n" + df,
			want: []string{"UnreachableStage line 3"}},
		{name: "quiet when everything is used", dockerfile: "# check=experimental=UnreachableStage\nFROM alpine AS a\nFROM a\n"},
		// An experimental rule is skipped unless experimental= names it:
		// in BuildKit's linter, skip= only applies to the other rules.
		{name: "skipped unless enabled", dockerfile: "# check=skip=all\n" + df},
	})
}

// Upstream's rules are compared with upstream's converter on every
// differential case (dockerfile2llb's TestDifferentialLint); these check
// the settings on a few of them.
func TestUpstreamRulesSettings(t *testing.T) {
	checkRule(t, "JSONArgsRecommended", []lintCase{
		{name: "fires", dockerfile: "FROM alpine\nCMD echo hi\n", want: []string{"JSONArgsRecommended line 2"}},
		{name: "quiet with SHELL", dockerfile: "FROM alpine\nSHELL [\"/bin/sh\", \"-c\"]\nCMD echo hi\n"},
		{name: "skipped by comment", dockerfile: "FROM alpine\n# check=skip=JSONArgsRecommended\nCMD echo hi\n"},
	})
	checkRule(t, "UndefinedVar", []lintCase{
		{name: "fires", dockerfile: "FROM scratch\nENV A=$MISSING\n", want: []string{"UndefinedVar line 2"}},
		{name: "quiet for declared ARG", dockerfile: "FROM scratch\nARG X\nENV A=$X\n"},
	})
}

// TestErrorOnWarning: with error=true, Linter.Error fails like upstream.
func TestErrorOnWarning(t *testing.T) {
	dt := []byte("# check=error=true\nFROM alpine AS build\nFROM scratch\nCOPY --from=0 / /\n")
	l, err := lint.NewLinter(dt, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	df, err := stages.Parse(dt, stages.ParseOpt{Linter: l})
	if err != nil {
		t.Fatal(err)
	}
	g, err := stages.Build(stages.FromDockerfile(df, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	lint.GraphRules(df, g, lint.Options{Linter: l})
	if err := l.Error(); err == nil || !strings.Contains(err.Error(), "NumericStageReference") {
		t.Fatalf("want a lint violation error naming NumericStageReference, got %v", err)
	}
	// BUILDKIT_DOCKERFILE_CHECK (a config) wins over the directive.
	l, _ = lint.NewLinter(dt, &linter.Config{SkipAll: true}, nil)
	if l.ReturnAsError || !l.SkipAll {
		t.Fatalf("the config must replace the directive: %+v", l)
	}
	if _, err := lint.NewLinter([]byte("# check=bogus\nFROM alpine\n"), nil, nil); err == nil {
		t.Fatal("an invalid check directive must fail")
	}
}

// TestRulesHaveDocs: every rule of ours has a page in docs/rules, which
// its URL points at.
func TestRulesHaveDocs(t *testing.T) {
	rules := map[string]string{
		lint.RuleNumericStageReference.Name: lint.RuleNumericStageReference.URL,
		lint.RuleUnusedBuildArg.Name:        lint.RuleUnusedBuildArg.URL,
		lint.RuleStageShadowsImage.Name:     lint.RuleStageShadowsImage.URL,
		lint.RuleUnreachableStage.Name:      lint.RuleUnreachableStage.URL,
		lint.RuleCacheBustArg.Name:          lint.RuleCacheBustArg.URL,
	}
	if len(rules) != len(lint.Rules) {
		t.Fatalf("lint.Rules has %d rules, this test knows %d", len(lint.Rules), len(rules))
	}
	for name, url := range rules {
		page := path.Base(url)
		dt, err := os.ReadFile(filepath.Join("..", "docs", "rules", page))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(string(dt), "# "+name) {
			t.Errorf("%s: docs/rules/%s does not start with its name", name, page)
		}
	}
}
