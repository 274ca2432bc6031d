package integration

// TestCalls asks our frontend image questions through the CLI users type:
// `docker buildx build --call=NAME` (and `--check`) on a remote builder,
// with "# syntax=<frontend image>" on line 1. It checks what buildx prints
// and its exit status, as issue 6 (acceptance 1) and the README's "Calls"
// section promise.
//
// buildx silently retries outline, targets and lint with docker/dockerfile
// when a frontend does not answer them, so every call here also proves the
// answer is ours: the progress output names our image and never
// docker/dockerfile, frontend.graph exists only in ours, and the lint
// output carries our own rules.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bksubrequests "github.com/moby/buildkit/frontend/subrequests"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/stages"
)

// callsMain starts at line 2 (line 1 is the syntax line). It has a global
// ARG in a FROM, a COPY --from=${ARG}, a numeric --from, a secret in
// build, an SSH socket in tools, doc comments, and a stage (tools) that
// the default target does not need.
const callsMain = `ARG BASE=busybox
# FROM_STAGE is the stage release takes /version from.
ARG FROM_STAGE=build

# base has the shell.
FROM ${BASE} AS base
# GREETING is written to /greeting.
ARG GREETING=hello
RUN echo "$GREETING" > /greeting

# tools is not needed by release.
FROM base AS tools
RUN --mount=type=ssh echo tools > /version

FROM base AS build
# VERSION is stamped into the image.
ARG VERSION=dev
RUN --mount=type=secret,id=token,required=true echo "$VERSION" > /version

# release is the shipped image.
FROM scratch AS release
COPY --from=${FROM_STAGE} /version /version
COPY --from=0 /greeting /greeting
CMD ["/version"]
`

// callsClean draws no warning from any rule.
const callsClean = `FROM busybox AS build
RUN echo ok > /ok

FROM scratch
COPY --from=build /ok /ok
`

// callsShadow names a stage like the image it is built from.
const callsShadow = `FROM busybox AS busybox
RUN echo hi > /hi

FROM scratch
COPY --from=busybox /hi /hi
`

// callsTypo has a parse-time warning (FromAsCasing, line 2) and a stage
// typo (line 6) that stops the conversion.
const callsTypo = `FROM busybox as build
RUN echo ok > /ok

FROM scratch
COPY --from=biuld /ok /ok
`

// The "# check=" variants of callsMain put the directive on line 2, so
// every line of callsMain moves down by one.
var callsDockerfiles = map[string]string{
	"main":         callsMain,
	"clean":        callsClean,
	"shadow":       callsShadow,
	"typo":         callsTypo,
	"skip":         "# check=skip=NumericStageReference\n" + callsMain,
	"error":        "# check=error=true\n" + callsMain,
	"experimental": "# check=experimental=UnreachableStage\n" + callsMain,
}

// callsCase is one buildx invocation and what it must print.
type callsCase struct {
	name string
	df   string // key of callsDockerfiles
	// builtin leaves out the syntax line: BuildKit's own Dockerfile
	// frontend answers (a control).
	builtin bool
	args    []string // buildx build flags besides --builder and the context
	code    int      // exit status
	// stdout, when set, is the whole standard output (see callsNormalize).
	stdout string
	// stderr holds substrings of the standard error (after callsNormalize).
	stderr []string
	// check inspects the standard output further (the JSON forms).
	check func(t *testing.T, stdout string)
}

const (
	callsNumericRule = `WARNING: NumericStageReference - https://github.com/myorg/multistage/blob/main/docs/rules/numeric-stage-reference.md
--from=0 refers to stage "base" by its index; name the stage and use its name
`
	// callsNumericCheck is --check on callsMain with every rule on.
	callsNumericCheck = "Check complete, 1 warning has been found!\n\n" + callsNumericRule + `Dockerfile:24
--------------------
  22 |     FROM scratch AS release
  23 |     COPY --from=${FROM_STAGE} /version /version
  24 | >>> COPY --from=0 /greeting /greeting
  25 |     CMD ["/version"]
  26 |
--------------------
`
	callsNoWarnings = "Check complete, no warnings found.\n"

	// callsDOTHeader starts every DOT answer.
	callsDOTHeader = `digraph stages {
  rankdir=LR;
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=9];
`
)

var callsCases = []callsCase{
	// --call=targets
	{
		name: "targets",
		df:   "main",
		args: []string{"--call=targets"},
		stdout: `TARGET            DESCRIPTION
base              has the shell.
tools             is not needed by release.
build
release (default) is the shipped image.
`,
	},
	{
		// Bases and locations are as written, not expanded.
		name: "targets-json",
		df:   "main",
		args: []string{"--call=targets,format=json"},
		check: func(t *testing.T, out string) {
			var l targets.List
			callsJSON(t, out, &l)
			type tg struct {
				name, desc, base string
				def              bool
				line             int
			}
			var got []tg
			for _, x := range l.Targets {
				got = append(got, tg{x.Name, x.Description, x.Base, x.Default, callsLine(x.Location)})
			}
			want := []tg{
				{"base", "has the shell.", "${BASE}", false, 7},
				{"tools", "is not needed by release.", "base", false, 13},
				{"build", "", "base", false, 16},
				{"release", "is the shipped image.", "scratch", true, 22},
			}
			if !callsEqual(got, want) {
				t.Errorf("targets = %+v\nwant %+v", got, want)
			}
			if len(l.Sources) != 1 || !bytes.HasPrefix(l.Sources[0], []byte("# syntax=")) {
				t.Errorf("sources: want the Dockerfile, got %q", l.Sources)
			}
		},
	},

	// --call=outline. FROM_STAGE is listed for release: its COPY
	// --from=${FROM_STAGE} decides which stage release copies from.
	{
		name: "outline",
		df:   "main",
		args: []string{"--call=outline"},
		stdout: `TARGET:      release
DESCRIPTION: is the shipped image.

BUILD ARG    VALUE     DESCRIPTION
BASE         busybox
FROM_STAGE   build     is the stage release takes /version from.
GREETING     hello     is written to /greeting.
VERSION      dev       is stamped into the image.

SECRET   REQUIRED
token    true

`,
	},
	{
		name: "outline-target",
		df:   "main",
		args: []string{"--call=outline", "--target", "build"},
		stdout: `TARGET: build

BUILD ARG   VALUE     DESCRIPTION
BASE        busybox
GREETING    hello     is written to /greeting.
VERSION     dev       is stamped into the image.

SECRET   REQUIRED
token    true

`,
	},
	{
		// The build arg sends release's COPY to tools: build, its
		// VERSION and its secret drop out, tools' SSH socket comes in.
		name: "outline-build-arg",
		df:   "main",
		args: []string{"--call=outline", "--build-arg", "FROM_STAGE=tools"},
		stdout: `TARGET:      release
DESCRIPTION: is the shipped image.

BUILD ARG    VALUE     DESCRIPTION
BASE         busybox
FROM_STAGE   tools     is the stage release takes /version from.
GREETING     hello     is written to /greeting.

SSH       REQUIRED
default

`,
	},
	{
		name: "outline-json",
		df:   "main",
		args: []string{"--call=outline,format=json", "--target", "build", "--build-arg", "VERSION=1.2"},
		check: func(t *testing.T, out string) {
			var o outline.Outline
			callsJSON(t, out, &o)
			if o.Name != "build" || o.Description != "" {
				t.Errorf("name %q description %q, want build and none", o.Name, o.Description)
			}
			type arg struct {
				name, value, desc string
				line              int
			}
			var got []arg
			for _, a := range o.Args {
				got = append(got, arg{a.Name, a.Value, a.Description, callsLine(a.Location)})
			}
			want := []arg{
				{"BASE", "busybox", "", 2},
				{"GREETING", "hello", "is written to /greeting.", 9},
				{"VERSION", "1.2", "is stamped into the image.", 18},
			}
			if !callsEqual(got, want) {
				t.Errorf("args = %+v\nwant %+v", got, want)
			}
			if len(o.Secrets) != 1 || o.Secrets[0].Name != "token" || !o.Secrets[0].Required || callsLine(o.Secrets[0].Location) != 19 {
				t.Errorf("secrets = %+v, want token, required, line 19", o.Secrets)
			}
			if len(o.SSH) != 0 {
				t.Errorf("ssh = %+v, want none (tools is not needed by build)", o.SSH)
			}
		},
	},

	// --call=graph: ours only. The target is bold and filled, what it
	// does not need is grey and dashed.
	{
		name: "graph",
		df:   "main",
		args: []string{"--call=graph"},
		stdout: callsDOTHeader + `  "stage-0" [label="base\nline 7", shape=box];
  "stage-1" [label="tools\nline 13, pruned", shape=box, color=grey55, fontcolor=grey55, style="dashed"];
  "stage-2" [label="build\nline 16", shape=box];
  "stage-3" [label="release\nline 22, target", shape=box, fillcolor="#cfe8ff", style="bold,filled"];
  "ext-0" [label="busybox", shape=ellipse];
  "ext-1" [label="scratch", shape=box, style="dotted"];
  "ext-0" -> "stage-0" [label="from (line 7)"];
  "stage-0" -> "stage-1" [label="from (line 13)", color=grey55, fontcolor=grey55];
  "stage-0" -> "stage-2" [label="from (line 16)"];
  "ext-1" -> "stage-3" [label="from (line 22)"];
  "stage-2" -> "stage-3" [label="copy (line 23)", style=dashed];
  "stage-0" -> "stage-3" [label="copy (line 24)", style=dashed];
}
`,
	},
	{
		name: "graph-target",
		df:   "main",
		args: []string{"--call=graph", "--target", "build"},
		stdout: callsDOTHeader + `  "stage-0" [label="base\nline 7", shape=box];
  "stage-1" [label="tools\nline 13, pruned", shape=box, color=grey55, fontcolor=grey55, style="dashed"];
  "stage-2" [label="build\nline 16, target", shape=box, fillcolor="#cfe8ff", style="bold,filled"];
  "stage-3" [label="release\nline 22, pruned", shape=box, color=grey55, fontcolor=grey55, style="dashed"];
  "ext-0" [label="busybox", shape=ellipse];
  "ext-1" [label="scratch", shape=box, color=grey55, fontcolor=grey55, style="dotted"];
  "ext-0" -> "stage-0" [label="from (line 7)"];
  "stage-0" -> "stage-1" [label="from (line 13)", color=grey55, fontcolor=grey55];
  "stage-0" -> "stage-2" [label="from (line 16)"];
  "ext-1" -> "stage-3" [label="from (line 22)", color=grey55, fontcolor=grey55];
  "stage-2" -> "stage-3" [label="copy (line 23)", style=dashed, color=grey55, fontcolor=grey55];
  "stage-0" -> "stage-3" [label="copy (line 24)", style=dashed, color=grey55, fontcolor=grey55];
}
`,
	},
	{
		// COPY --from=${FROM_STAGE} resolved with the build arg: the
		// line-23 edge goes to tools, and build is pruned instead.
		name: "graph-build-arg",
		df:   "main",
		args: []string{"--call=graph", "--build-arg", "FROM_STAGE=tools"},
		stdout: callsDOTHeader + `  "stage-0" [label="base\nline 7", shape=box];
  "stage-1" [label="tools\nline 13", shape=box];
  "stage-2" [label="build\nline 16, pruned", shape=box, color=grey55, fontcolor=grey55, style="dashed"];
  "stage-3" [label="release\nline 22, target", shape=box, fillcolor="#cfe8ff", style="bold,filled"];
  "ext-0" [label="busybox", shape=ellipse];
  "ext-1" [label="scratch", shape=box, style="dotted"];
  "ext-0" -> "stage-0" [label="from (line 7)"];
  "stage-0" -> "stage-1" [label="from (line 13)"];
  "stage-0" -> "stage-2" [label="from (line 16)", color=grey55, fontcolor=grey55];
  "ext-1" -> "stage-3" [label="from (line 22)"];
  "stage-1" -> "stage-3" [label="copy (line 23)", style=dashed];
  "stage-0" -> "stage-3" [label="copy (line 24)", style=dashed];
}
`,
	},
	{
		name: "graph-json",
		df:   "main",
		args: []string{"--call=graph,format=json", "--build-arg", "FROM_STAGE=tools", "--build-arg", "BASE=busybox:latest"},
		check: func(t *testing.T, out string) {
			var r stages.Rendered
			callsJSON(t, out, &r)
			if r.Target != "stage-3" {
				t.Errorf("target %q, want stage-3", r.Target)
			}
			nodes := map[string]stages.RenderedNode{}
			for _, n := range r.Nodes {
				nodes[n.ID] = n
			}
			for id, want := range map[string]string{
				"stage-0": "stage base base=busybox:latest line=7",
				"stage-1": "stage tools base=base line=13",
				"stage-2": "stage build base=base line=16 pruned",
				"stage-3": "stage release base=scratch line=22 target",
				"ext-0":   "image busybox:latest",
				"ext-1":   "scratch scratch",
			} {
				if got := callsNode(nodes[id]); got != want {
					t.Errorf("node %s: %q, want %q", id, got, want)
				}
			}
			if len(r.Nodes) != 6 {
				t.Errorf("%d nodes, want 6: %+v", len(r.Nodes), r.Nodes)
			}
			var edges []string
			for _, e := range r.Edges {
				edges = append(edges, callsEdge(e))
			}
			want := []string{
				"stage-0 -from-> ext-0 busybox:latest line 7",
				"stage-1 -from-> stage-0 base line 13",
				"stage-2 -from-> stage-0 base line 16 pruned",
				"stage-3 -from-> ext-1 scratch line 22",
				"stage-3 -copy-> stage-1 tools line 23",
				"stage-3 -copy-> stage-0 0 line 24",
			}
			if !callsEqual(edges, want) {
				t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(edges, "\n"), strings.Join(want, "\n"))
			}
		},
	},
	{
		// A named context replaces stage base: a folder, and no edge to
		// busybox any more.
		name: "graph-build-context",
		df:   "main",
		args: []string{"--call=graph", "--build-context", "base=docker-image://busybox"},
		stdout: callsDOTHeader + `  "stage-0" [label="base\nnamed context, line 7", shape=folder];
  "stage-1" [label="tools\nline 13, pruned", shape=box, color=grey55, fontcolor=grey55, style="dashed"];
  "stage-2" [label="build\nline 16", shape=box];
  "stage-3" [label="release\nline 22, target", shape=box, fillcolor="#cfe8ff", style="bold,filled"];
  "ext-0" [label="scratch", shape=box, style="dotted"];
  "stage-0" -> "stage-1" [label="from (line 13)", color=grey55, fontcolor=grey55];
  "stage-0" -> "stage-2" [label="from (line 16)"];
  "ext-0" -> "stage-3" [label="from (line 22)"];
  "stage-2" -> "stage-3" [label="copy (line 23)", style=dashed];
  "stage-0" -> "stage-3" [label="copy (line 24)", style=dashed];
}
`,
	},
	{
		// Control: BuildKit's own Dockerfile frontend has no graph call,
		// so the answers above cannot have come from it.
		name:    "graph-builtin-control",
		df:      "clean",
		builtin: true,
		args:    []string{"--call=graph"},
		code:    1,
		stderr:  []string{"unsupported request frontend.graph"},
	},
	{
		name:   "graph-unknown-target",
		df:     "main",
		args:   []string{"--call=graph", "--target", "nope"},
		code:   1,
		stderr: []string{`target stage "nope" could not be found; the stages are: base, tools, build, release`},
	},

	// --check and its aliases: exit status 1 on any warning.
	{name: "check", df: "main", args: []string{"--check"}, code: 1, stdout: callsNumericCheck},
	{name: "call-check", df: "main", args: []string{"--call=check"}, code: 1, stdout: callsNumericCheck},
	{name: "call-lint", df: "main", args: []string{"--call=lint"}, code: 1, stdout: callsNumericCheck},
	{
		name: "check-json",
		df:   "main",
		args: []string{"--call=check,format=json"},
		code: 1,
		check: func(t *testing.T, out string) {
			var r lint.LintResults
			callsJSON(t, out, &r)
			if r.Error != nil {
				t.Errorf("error %q, want none", r.Error.Message)
			}
			if len(r.Warnings) != 1 {
				t.Fatalf("%d warnings, want 1: %+v", len(r.Warnings), r.Warnings)
			}
			w := r.Warnings[0]
			if w.RuleName != "NumericStageReference" || callsLine(w.Location) != 24 ||
				w.URL != "https://github.com/myorg/multistage/blob/main/docs/rules/numeric-stage-reference.md" ||
				w.Detail != `--from=0 refers to stage "base" by its index; name the stage and use its name` {
				t.Errorf("warning %+v", w)
			}
			if len(r.Sources) != 1 || r.Sources[0].Filename != "Dockerfile" {
				t.Errorf("sources %+v, want the Dockerfile", r.Sources)
			}
		},
	},
	{
		// With a target, release's COPY --from=0 is not checked.
		name: "check-target", df: "main", args: []string{"--check", "--target", "build"}, stdout: callsNoWarnings,
	},
	{name: "check-clean", df: "clean", args: []string{"--check"}, stdout: callsNoWarnings},
	{
		// BUILDKIT_* and the automatic platform ARGs are read without an
		// ARG: only NOPE is reported.
		name: "check-unused-build-arg",
		df:   "clean",
		args: []string{"--check", "--build-arg", "NOPE=1", "--build-arg", "BUILDKIT_DOCKERFILE_CHECK=", "--build-arg", "TARGETARCH=amd64"},
		code: 1,
		stdout: `Check complete, 1 warning has been found!

WARNING: UnusedBuildArg - https://github.com/myorg/multistage/blob/main/docs/rules/unused-build-arg.md
Build arg "NOPE" is given but no ARG declares it; it has no effect
`,
	},
	{
		name: "check-stage-shadows-image",
		df:   "shadow",
		args: []string{"--check"},
		code: 1,
		stdout: `Check complete, 1 warning has been found!

WARNING: StageShadowsImage - https://github.com/myorg/multistage/blob/main/docs/rules/stage-shadows-image.md
Stage name "busybox" shadows image "busybox" (line 2): after this line, FROM busybox and --from=busybox mean the stage
Dockerfile:2
--------------------
   1 |     # syntax={{FRONTEND}}
   2 | >>> FROM busybox AS busybox
   3 |     RUN echo hi > /hi
   4 |
--------------------
`,
	},
	{
		name: "check-unreachable-stage",
		df:   "experimental",
		args: []string{"--check", "--target", "build"},
		code: 1,
		stdout: `Check complete, 1 warning has been found!

WARNING: UnreachableStage - https://github.com/myorg/multistage/blob/main/docs/rules/unreachable-stage.md
Stage "tools" is not needed by target "build" and is not the last stage, so it is never built for this target
Dockerfile:14
--------------------
  12 |
  13 |     # tools is not needed by release.
  14 | >>> FROM base AS tools
  15 |     RUN --mount=type=ssh echo tools > /version
  16 |
--------------------
`,
	},
	{name: "check-skip-directive", df: "skip", args: []string{"--check"}, stdout: callsNoWarnings},
	{
		name:   "check-skip-build-arg",
		df:     "main",
		args:   []string{"--check", "--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=NumericStageReference"},
		stdout: callsNoWarnings,
	},
	{
		// error=true: the warning is printed, then the build fails on it.
		name: "check-error-directive",
		df:   "error",
		args: []string{"--check"},
		code: 1,
		stdout: "Check complete, 1 warning has been found!\n\n" + callsNumericRule + `Dockerfile:25
--------------------
  23 |     FROM scratch AS release
  24 |     COPY --from=${FROM_STAGE} /version /version
  25 | >>> COPY --from=0 /greeting /greeting
  26 |     CMD ["/version"]
  27 |
--------------------

`,
		stderr: []string{"ERROR: lint violation found for rules: NumericStageReference"},
	},
	{
		// A Dockerfile that does not convert: the warnings, then the
		// error with its line.
		name: "check-conversion-error",
		df:   "typo",
		args: []string{"--check"},
		code: 1,
		stdout: `Check complete, 1 warning has been found!

WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/
'as' and 'FROM' keywords' casing do not match
Dockerfile:2
--------------------
   1 |     # syntax={{FRONTEND}}
   2 | >>> FROM busybox as build
   3 |     RUN echo ok > /ok
   4 |
--------------------

`,
		stderr: []string{
			`ERROR: COPY --from=biuld (line 6) is not a stage of this Dockerfile: did you mean stage "build"?`,
			"Dockerfile:6\n",
			" 6 | >>> COPY --from=biuld /ok /ok\n",
		},
	},

	// --call=subrequests.describe lists graph next to upstream's calls.
	{
		name: "describe",
		df:   "main",
		args: []string{"--call=subrequests.describe"},
		stdout: `NAME                 VERSION DESCRIPTION
outline              1.0.0   List all parameters current build target supports
targets              1.0.0   List all targets current build supports
lint                 1.0.0   Lint a Dockerfile
graph                1.0.0   Show the stage graph of the build target: stages, images, named contexts and edges (DOT in result.txt, JSON in result.json)
subrequests.describe 1.0.0   List available subrequest types
`,
	},
	{
		name: "describe-json",
		df:   "main",
		args: []string{"--call=subrequests.describe,format=json"},
		check: func(t *testing.T, out string) {
			var reqs []bksubrequests.Request
			callsJSON(t, out, &reqs)
			var got []string
			for _, r := range reqs {
				got = append(got, r.Name+"@"+r.Version)
			}
			want := []string{"frontend.outline@1.0.0", "frontend.targets@1.0.0", "frontend.lint@1.0.0",
				"frontend.graph@1.0.0", "frontend.subrequests.describe@1.0.0"}
			if !callsEqual(got, want) {
				t.Errorf("describe lists %v, want %v", got, want)
			}
		},
	},
}

func TestCalls(t *testing.T) {
	e := requireEnv(t)
	if e.builder == "" {
		t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
	}
	dirs := map[string]string{}
	for name, df := range callsDockerfiles {
		dir := filepath.Join(t.TempDir(), name)
		write(t, filepath.Join(dir, "Dockerfile"), "# syntax="+e.frontend+"\n"+df)
		dirs[name] = dir
		dir = filepath.Join(t.TempDir(), name)
		write(t, filepath.Join(dir, "Dockerfile"), "# no syntax line\n"+df)
		dirs["builtin:"+name] = dir
	}
	start := time.Now()
	var (
		timesMu sync.Mutex
		times   []string
	)
	t.Cleanup(func() {
		sort.Strings(times)
		t.Logf("%d calls in %s wall time:\n%s", len(times), time.Since(start).Round(time.Millisecond), strings.Join(times, "\n"))
	})
	for _, c := range callsCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			key := c.df
			if c.builtin {
				key = "builtin:" + key
			}
			dir, ok := dirs[key]
			if !ok {
				t.Fatalf("no Dockerfile %q", c.df)
			}
			r := callsRun(t, e, dir, c.args...)
			timesMu.Lock()
			times = append(times, c.name+": "+r.took.Round(time.Millisecond).String())
			timesMu.Unlock()
			defer func() {
				if t.Failed() {
					t.Logf("docker buildx build %s\nstdout:\n%s\nstderr:\n%s", strings.Join(c.args, " "), r.stdout, r.stderr)
				}
			}()
			if r.code != c.code {
				t.Errorf("exit status %d, want %d", r.code, c.code)
			}
			// Proof that the answer is ours, not docker/dockerfile's.
			if !c.builtin && !strings.Contains(r.stderr, e.frontend) {
				t.Errorf("the progress output never names %s", e.frontend)
			}
			if strings.Contains(r.stderr, "docker/dockerfile") || strings.Contains(r.stdout, "docker/dockerfile") {
				t.Errorf("buildx fell back to docker/dockerfile")
			}
			if c.stdout != "" {
				if want := e.expand(c.stdout); r.stdout != want {
					t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr does not contain %q", s)
				}
			}
			if c.check != nil {
				c.check(t, r.stdout)
			}
		})
	}
}

// callsResult is one finished buildx invocation.
type callsResult struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// callsRun runs `buildx build --builder B --progress=plain ARGS DIR` and
// returns its output, normalised by callsNormalize.
func callsRun(t *testing.T, e *environment, dir string, args ...string) callsResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	argv := append(append([]string{}, e.buildx...), "build", "--builder", e.builder, "--progress=plain")
	argv = append(append(argv, args...), dir)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "BUILDX_NO_DEFAULT_ATTESTATIONS=1", "DOCKER_CLI_HINTS=false", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	r := callsResult{
		stdout: callsNormalize(stdout.String(), dir),
		stderr: callsNormalize(stderr.String(), dir),
		took:   time.Since(began),
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return r
}

// callsNormalize makes buildx output comparable: the context directory is
// dropped from "DIR/Dockerfile:N", and trailing blanks (tabwriter padding,
// the snippet's empty last line) are trimmed from every line.
func callsNormalize(s, dir string) string {
	s = strings.ReplaceAll(s, dir+string(filepath.Separator), "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// callsJSON decodes a format=json answer, failing the test on bad JSON.
func callsJSON(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("not the JSON answer (%v):\n%s", err, out)
	}
}

// callsLine is the first line of a location, 0 when there is none.
func callsLine(l *pb.Location) int {
	if len(l.GetRanges()) == 0 {
		return 0
	}
	return int(l.GetRanges()[0].GetStart().GetLine())
}

func callsEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// callsNode describes a graph node in one line.
func callsNode(n stages.RenderedNode) string {
	s := string(n.Kind) + " " + n.Name
	if n.Base != "" {
		s += " base=" + n.Base
	}
	if n.Platform != "" {
		s += " platform=" + n.Platform
	}
	if n.Line != 0 {
		s += " line=" + strconv.Itoa(n.Line)
	}
	if n.Target {
		s += " target"
	}
	if n.Pruned {
		s += " pruned"
	}
	return s
}

// callsEdge describes a graph edge in one line.
func callsEdge(e stages.RenderedEdge) string {
	s := e.From + " -" + string(e.Kind) + "-> " + e.To + " " + e.Ref + " line " + strconv.Itoa(e.Line)
	if e.Pruned {
		s += " pruned"
	}
	return s
}
