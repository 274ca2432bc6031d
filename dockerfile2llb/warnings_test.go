package dockerfile2llb_test

// Build warnings against --check warnings: one source of warnings, so each
// rule shows the same in a build (ConvertOpt.Warn) and under --check
// (frontend.lint).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/client/llb"
	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	lintres "github.com/moby/buildkit/frontend/subrequests/lint"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// buildWarnings converts dt as a build does and lists its warnings as
// "Rule line N: message", sorted.
func buildWarnings(t *testing.T, dt []byte, cfg dockerui.Config) ([]string, error) {
	t.Helper()
	var mu sync.Mutex
	var out []string
	opt := ours.ConvertOpt{Config: cfg, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(),
		Warn: func(rule, _, _, msg string, loc []parser.Range) {
			mu.Lock()
			defer mu.Unlock()
			out = append(out, warningLine(rule, msg, loc))
		}}
	if cfg.TargetPlatforms != nil {
		opt.TargetPlatform = &cfg.TargetPlatforms[0]
	}
	_, err := ours.Convert(context.Background(), dt, opt)
	slices.Sort(out)
	return out, err
}

// checkWarnings answers frontend.lint for dt, in the same form.
func checkWarnings(t *testing.T, dt []byte, cfg dockerui.Config) (*lintres.LintResults, []string) {
	t.Helper()
	opt := ours.ConvertOpt{Config: cfg, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(), SourceMap: testSourceMap(t, dt)}
	if cfg.TargetPlatforms != nil {
		opt.TargetPlatform = &cfg.TargetPlatforms[0]
	}
	res, err := ours.Lint(context.Background(), dt, opt)
	if err != nil {
		t.Fatalf("lint: %v", err)
	}
	return res, lintLines(res)
}

// lintLines lists the warnings of a lint answer like buildWarnings does.
func lintLines(res *lintres.LintResults) []string {
	var out []string
	for _, w := range res.Warnings {
		var loc []parser.Range
		for _, r := range w.Location.Ranges {
			loc = append(loc, parser.Range{Start: parser.Position{Line: int(r.Start.Line)}, End: parser.Position{Line: int(r.End.Line)}})
		}
		out = append(out, warningLine(w.RuleName, w.Detail, loc))
	}
	slices.Sort(out)
	return out
}

// testSourceMap is a source map like dockerui's, with a definition.
func testSourceMap(t *testing.T, dt []byte) *llb.SourceMap {
	src := llb.Local("dockerfile")
	def, err := src.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sm := llb.NewSourceMap(&src, "Dockerfile", "Dockerfile", dt)
	sm.Definition = def
	return sm
}

func warningLine(rule, msg string, loc []parser.Range) string {
	line := 0
	if len(loc) > 0 {
		line = loc[0].Start.Line
	}
	return fmt.Sprintf("%s line %d: %s", rule, line, msg)
}

// TestWarningsBuildAndCheck pins warnings that must appear once, and the
// same way, in a build and under --check.
func TestWarningsBuildAndCheck(t *testing.T) {
	for _, tc := range []struct {
		name, dockerfile string
		want             []string
	}{{
		name: "invalid definition description once per ARG line",
		dockerfile: "# check=experimental=InvalidDefinitionDescription\n" +
			"# the version\nARG VERSION=1\n" +
			"FROM scratch\n# something else\nARG OTHER\n",
		want: []string{
			"InvalidDefinitionDescription line 3: Comment for ARG should follow the format: `# VERSION <description>`",
			"InvalidDefinitionDescription line 6: Comment for ARG should follow the format: `# OTHER <description>`",
		},
	}, {
		name:       "our NumericStageReference in a build too",
		dockerfile: "FROM busybox AS build\nRUN true\nFROM scratch\nCOPY --from=0 /bin/sh /sh\n",
		want:       []string{`NumericStageReference line 4: --from=0 refers to stage "build" by its index; name the stage and use its name`},
	}, {
		name:       "duplicate stage name",
		dockerfile: "FROM busybox AS a\nFROM a AS a\n",
		want:       []string{"DuplicateStageName line 2: Duplicate stage name \"a\", stage names should be unique"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dt := []byte(tc.dockerfile)
			cfg := dockerui.Config{BuildArgs: map[string]string{}}
			build, err := buildWarnings(t, dt, cfg)
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			if !slices.Equal(build, tc.want) {
				t.Errorf("build warnings:\n  %s\nwant\n  %s", strings.Join(build, "\n  "), strings.Join(tc.want, "\n  "))
			}
			_, check := checkWarnings(t, dt, cfg)
			if !slices.Equal(check, tc.want) {
				t.Errorf("--check warnings:\n  %s\nwant\n  %s", strings.Join(check, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestCheckEqualsBuildWarnings asserts, for every differential case and
// every named stage of it as the target (or the case's own target), that
// --check --target reports exactly the warnings a build of that target
// reports: both come from the one conversion pass. (--check with no target
// covers every stage, as upstream's does, so it is compared by target.)
func TestCheckEqualsBuildWarnings(t *testing.T) {
	compared := 0
	for _, dc := range loadCases(t) {
		for _, target := range namedTargets(dc) {
			opts := dc.Opts
			opts.Target = target
			name := dc.Name + "@" + target
			cfg, _, err := dockeruiConfig(opts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			build, buildErr := buildWarnings(t, dc.Data, cfg)
			res, check := checkWarnings(t, dc.Data, cfg)
			if (buildErr == nil) != (res.Error == nil) {
				t.Errorf("%s: build error %v, --check error %+v", name, buildErr, res.Error)
			}
			if !slices.Equal(build, check) {
				t.Errorf("%s: warnings differ:\n%s", name, unifiedDiff("build", "--check", strings.Join(build, "\n"), strings.Join(check, "\n"), 1))
				continue
			}
			if len(build) > 0 {
				compared++
			}
		}
	}
	// Our own cases alone (no corpus, as in the image's test stage) have
	// about ten targets with warnings; the corpus adds hundreds.
	if compared < 8 {
		t.Errorf("only %d targets with warnings compared; want at least 8", compared)
	}
	t.Logf("--check equals the build on %d targets with warnings", compared)
}

// namedTargets are the targets a case is compared for: its own, or every
// named stage.
func namedTargets(dc diffCase) []string {
	if dc.Opts.Target != "" {
		return []string{dc.Opts.Target}
	}
	l, err := ours.ListTargets(context.Background(), dc.Data)
	if err != nil {
		return nil
	}
	var out []string
	for _, tg := range l.Targets {
		if tg.Name != "" {
			out = append(out, tg.Name)
		}
	}
	return out
}

// TestDifferentialCheck compares --check with no target (every stage) with
// upstream's answer, for upstream's rules, on every differential case
// upstream answers.
func TestDifferentialCheck(t *testing.T) {
	compared := 0
	for _, dc := range loadCases(t) {
		cfg, _, err := dockeruiConfig(dc.Opts)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
		ourRes, our := checkWarnings(t, dc.Data, cfg)
		upRes, up, err := upstreamCheckWarnings(t, dc.Data, cfg)
		if err != nil {
			continue // upstream panics on "# check=" without a linter
		}
		compared++
		if _, dev := deliberateDeviations[dc.Name]; !dev && (ourRes.Error == nil) != (upRes.Error == nil) {
			t.Errorf("%s: upstream error %+v, ours %+v", dc.Name, upRes.Error, ourRes.Error)
		}
		if our = upstreamRulesOnly(our); !slices.Equal(up, our) {
			t.Errorf("%s: --check warnings differ:\n%s", dc.Name, unifiedDiff("upstream", "ours", strings.Join(up, "\n"), strings.Join(our, "\n"), 1))
		}
	}
	if compared < 100 {
		t.Errorf("only %d cases compared; want at least 100", compared)
	}
}

func upstreamCheckWarnings(t *testing.T, dt []byte, cfg dockerui.Config) (*lintres.LintResults, []string, error) {
	opt := upstream.ConvertOpt{Config: cfg, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(), SourceMap: testSourceMap(t, dt)}
	if cfg.TargetPlatforms != nil {
		opt.TargetPlatform = &cfg.TargetPlatforms[0]
	}
	res, err := catchPanic(func() (*lintres.LintResults, error) {
		return upstream.DockerfileLint(context.Background(), dt, opt)
	})
	if err != nil {
		return nil, nil, err
	}
	return res, lintLines(res), nil
}
