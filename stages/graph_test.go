package stages

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// graphCase is one Dockerfile in, and either a graph or an error out.
//
// Graph expectations are always checked in full: a nil slice means "none".
// Nodes are written as their display name, with " (kind)" appended for
// anything that is not a plain stage: "alpine (image)", "scratch (scratch)",
// "base (context)". Edges are "from -kind-> to", listed stage by stage in
// Dockerfile order, each stage's FROM first and then its instructions.
type graphCase struct {
	name       string
	dockerfile string
	target     string
	args       map[string]string // build args
	auto       map[string]string // automatic args (BUILDPLATFORM, TARGETARCH, ...)
	contexts   []string          // named contexts (--build-context NAME=...)

	wantTarget string   // display name of the selected target
	order      []string // reachable stages, dependencies first
	pruned     []string
	edges      []string
	externals  []string
	// resolve is the reachable externals; nil means every external.
	resolve []string
	// platforms lists "stage=platform" for stages with FROM --platform.
	platforms []string

	// err lists substrings of the error message; lines are the exact line
	// numbers carried by the error's locations (nil: none).
	err    []string
	notErr string
	lines  []int
}

// df joins Dockerfile lines, so that a case's line N is its Nth argument.
func df(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

var graphCases = []graphCase{
	// --- resolution: stages, indexes, images --------------------------------
	{
		name:       "single unnamed stage",
		dockerfile: df("FROM alpine"),
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> alpine (image)"},
		externals:  []string{"alpine (image)"},
	},
	{
		name:       "default target is the last stage and unused stages are pruned",
		dockerfile: df("FROM alpine AS a", "FROM busybox AS b", "FROM debian"),
		wantTarget: "stage-2",
		order:      []string{"stage-2"},
		pruned:     []string{"a", "b"},
		edges:      []string{"a -from-> alpine (image)", "b -from-> busybox (image)", "stage-2 -from-> debian (image)"},
		externals:  []string{"alpine (image)", "busybox (image)", "debian (image)"},
		resolve:    []string{"debian (image)"},
	},
	{
		name:       "target is case-insensitive",
		dockerfile: df("FROM alpine AS build", "RUN make", "FROM busybox AS test"),
		target:     "BuIlD",
		wantTarget: "build",
		order:      []string{"build"},
		pruned:     []string{"test"},
		edges:      []string{"build -from-> alpine (image)", "test -from-> busybox (image)"},
		externals:  []string{"alpine (image)", "busybox (image)"},
		resolve:    []string{"alpine (image)"},
	},
	{
		name: "COPY --from a stage name in any case",
		dockerfile: df(
			"FROM golang AS build",
			"FROM alpine",
			"COPY --from=BUILD /out /out",
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "COPY --from an integer index of an unnamed stage",
		dockerfile: df("FROM golang", "FROM alpine", "COPY --from=0 /out /out"),
		wantTarget: "stage-1",
		order:      []string{"stage-0", "stage-1"},
		edges:      []string{"stage-0 -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> stage-0"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "COPY --from an integer index of a named stage",
		dockerfile: df("FROM golang AS build", "FROM alpine AS unused", "FROM alpine", "COPY --from=0 /out /out"),
		wantTarget: "stage-2",
		order:      []string{"build", "stage-2"},
		pruned:     []string{"unused"},
		edges:      []string{"build -from-> golang (image)", "unused -from-> alpine (image)", "stage-2 -from-> alpine (image)", "stage-2 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
		resolve:    []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "FROM an earlier stage",
		dockerfile: df("FROM alpine AS base", "RUN apk add git", "FROM base AS app"),
		wantTarget: "app",
		order:      []string{"base", "app"},
		edges:      []string{"base -from-> alpine (image)", "app -from-> base"},
		externals:  []string{"alpine (image)"},
	},
	{
		name: "FROM alpine AS alpine means the image, later uses mean the stage",
		dockerfile: df(
			"FROM alpine AS alpine",
			"RUN apk add curl",
			"FROM alpine",
			"COPY --from=alpine /usr/bin/curl /usr/bin/curl",
		),
		wantTarget: "stage-1",
		order:      []string{"alpine", "stage-1"},
		edges:      []string{"alpine -from-> alpine (image)", "stage-1 -from-> alpine", "stage-1 -copy-> alpine"},
		externals:  []string{"alpine (image)"},
	},
	{
		name: "FROM Build (upper case) is a typo of the stage",
		// FROM matches stage names exactly, as upstream does; as no image
		// reference may contain upper case, the graph says so early.
		dockerfile: df("FROM alpine AS build", "FROM Build"),
		err:        []string{`FROM Build (line 2) is not a stage of this Dockerfile: did you mean stage "build"? (defined at line 1`},
		lines:      []int{2},
	},
	{
		name:       "FROM Build AS build is the image, like FROM alpine AS alpine",
		dockerfile: df("FROM Build AS build"),
		wantTarget: "build",
		order:      []string{"build"},
		edges:      []string{"build -from-> Build (image)"},
		externals:  []string{"Build (image)"},
	},
	{
		name:       "scratch is its own kind of node",
		dockerfile: df("FROM golang AS build", "FROM scratch", "COPY --from=build /app /app"),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> scratch (scratch)", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "scratch (scratch)"},
	},
	{
		name: "images are deduplicated by reference",
		dockerfile: df(
			"FROM alpine AS a",
			"FROM alpine AS b",
			"COPY --from=alpine /etc/os-release /a",
			"FROM alpine:3.20",
			"COPY --from=a /x /x",
			"COPY --from=b /y /y",
		),
		wantTarget: "stage-2",
		order:      []string{"a", "b", "stage-2"},
		edges: []string{
			"a -from-> alpine (image)",
			"b -from-> alpine (image)", "b -copy-> alpine (image)",
			"stage-2 -from-> alpine:3.20 (image)", "stage-2 -copy-> a", "stage-2 -copy-> b",
		},
		externals: []string{"alpine (image)", "alpine:3.20 (image)"},
	},
	{
		name: "COPY --from an external image",
		dockerfile: df(
			"FROM alpine",
			"COPY --from=nginx:1.27 /etc/nginx /etc/nginx",
			"COPY --from=docker.io/library/busybox:latest /bin/busybox /bin/",
			"COPY --from=nginx:1.27 /usr/sbin/nginx /usr/sbin/",
		),
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges: []string{
			"stage-0 -from-> alpine (image)",
			"stage-0 -copy-> nginx:1.27 (image)",
			"stage-0 -copy-> docker.io/library/busybox:latest (image)",
			"stage-0 -copy-> nginx:1.27 (image)",
		},
		externals: []string{"alpine (image)", "nginx:1.27 (image)", "docker.io/library/busybox:latest (image)"},
	},
	{
		name: "RUN --mount from a stage",
		dockerfile: df(
			"FROM golang AS src",
			"FROM alpine",
			"RUN --mount=type=bind,from=src,target=/src make -C /src",
		),
		wantTarget: "stage-1",
		order:      []string{"src", "stage-1"},
		edges:      []string{"src -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -mount-> src"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name: "RUN with mounts from an image, a stage and the context",
		dockerfile: df(
			"FROM golang AS src",
			"FROM alpine",
			"RUN --mount=from=busybox,target=/bb --mount=type=cache,target=/cache --mount=type=bind,from=SRC,target=/src true",
		),
		wantTarget: "stage-1",
		order:      []string{"src", "stage-1"},
		edges: []string{
			"src -from-> golang (image)",
			"stage-1 -from-> alpine (image)", "stage-1 -mount-> busybox (image)", "stage-1 -mount-> src",
		},
		externals: []string{"golang (image)", "alpine (image)", "busybox (image)"},
	},
	{
		name: "RUN --mount from an integer index",
		// Upstream reads from=0 as an image named "0"; the graph treats it
		// like COPY --from=0.
		dockerfile: df("FROM golang", "FROM alpine", "RUN --mount=type=bind,from=0,target=/src true"),
		wantTarget: "stage-1",
		order:      []string{"stage-0", "stage-1"},
		edges:      []string{"stage-0 -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -mount-> stage-0"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name: "several COPY --from the same stage give one edge each",
		dockerfile: df(
			"FROM golang AS build",
			"FROM alpine",
			"COPY --from=build /a /a",
			"COPY /local /local",
			"COPY --from=build /b /b",
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> build", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},

	// --- named contexts ------------------------------------------------------
	{
		name: "a named context replaces a whole stage",
		dockerfile: df(
			"FROM alpine AS base",
			"RUN apk add gcc",
			"COPY --from=base /never /checked",
			"FROM base AS app",
		),
		contexts:   []string{"base"},
		wantTarget: "app",
		order:      []string{"base (context)", "app"},
		edges:      []string{"app -from-> base (context)"},
		externals:  nil,
	},
	{
		name:       "a named context replaces a FROM image",
		dockerfile: df("FROM alpine", "RUN true"),
		contexts:   []string{"alpine"},
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> alpine (context)"},
		externals:  []string{"alpine (context)"},
	},
	{
		name: "a named context replaces a --from image and is never a typo",
		dockerfile: df(
			"FROM alpine AS tool",
			"FROM alpine",
			"COPY --from=tools /bin/x /x",
			"RUN --mount=from=tools,target=/t true",
		),
		contexts:   []string{"tools"},
		wantTarget: "stage-1",
		order:      []string{"stage-1"},
		pruned:     []string{"tool"},
		edges: []string{
			"tool -from-> alpine (image)",
			"stage-1 -from-> alpine (image)", "stage-1 -copy-> tools (context)", "stage-1 -mount-> tools (context)",
		},
		externals: []string{"alpine (image)", "tools (context)"},
	},

	// --- ARG expansion: FROM, --from, --mount from ---------------------------
	{
		name: "COPY --from=${VAR} uses the global ARG default",
		dockerfile: df(
			"ARG SRC=build",
			"FROM golang AS build",
			"FROM golang AS test",
			"FROM alpine",
			"COPY --from=${SRC} /out /out",
		),
		wantTarget: "stage-2",
		order:      []string{"build", "stage-2"},
		pruned:     []string{"test"},
		edges:      []string{"build -from-> golang (image)", "test -from-> golang (image)", "stage-2 -from-> alpine (image)", "stage-2 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name: "a build arg overrides the ARG in COPY --from",
		dockerfile: df(
			"ARG SRC=build",
			"FROM golang AS build",
			"FROM golang AS test",
			"FROM alpine",
			"COPY --from=$SRC /out /out",
		),
		args:       map[string]string{"SRC": "test"},
		wantTarget: "stage-2",
		order:      []string{"test", "stage-2"},
		pruned:     []string{"build"},
		edges:      []string{"build -from-> golang (image)", "test -from-> golang (image)", "stage-2 -from-> alpine (image)", "stage-2 -copy-> test"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name: "COPY --from=${VAR:-default} when the ARG is unset",
		dockerfile: df(
			"ARG SRC",
			"FROM golang AS build",
			"FROM alpine",
			"COPY --from=${SRC:-build} /out /out",
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "COPY --from an ARG that expands to an index",
		dockerfile: df("ARG N=0", "FROM golang", "FROM alpine", "COPY --from=$N /out /out"),
		wantTarget: "stage-1",
		order:      []string{"stage-0", "stage-1"},
		edges:      []string{"stage-0 -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> stage-0"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name: "COPY --from an ARG that expands to an image",
		dockerfile: df(
			"ARG NGINX=nginx:1.27",
			"FROM alpine",
			"COPY --from=${NGINX} /etc/nginx /etc/nginx",
		),
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> alpine (image)", "stage-0 -copy-> nginx:1.27 (image)"},
		externals:  []string{"alpine (image)", "nginx:1.27 (image)"},
	},
	{
		name: "RUN --mount=from=$VAR uses the global ARG default",
		dockerfile: df(
			"ARG TOOLS=tools",
			"FROM busybox AS tools",
			"FROM alpine",
			"RUN --mount=from=$TOOLS,target=/t /t/run",
		),
		wantTarget: "stage-1",
		order:      []string{"tools", "stage-1"},
		edges:      []string{"tools -from-> busybox (image)", "stage-1 -from-> alpine (image)", "stage-1 -mount-> tools"},
		externals:  []string{"busybox (image)", "alpine (image)"},
	},
	{
		name: "a build arg overrides the ARG in RUN --mount from",
		dockerfile: df(
			"ARG TOOLS=tools",
			"FROM busybox AS tools",
			"FROM alpine",
			"RUN --mount=type=bind,from=${TOOLS},target=/t /t/run",
		),
		args:       map[string]string{"TOOLS": "nginx:1.27"},
		wantTarget: "stage-1",
		order:      []string{"stage-1"},
		pruned:     []string{"tools"},
		edges:      []string{"tools -from-> busybox (image)", "stage-1 -from-> alpine (image)", "stage-1 -mount-> nginx:1.27 (image)"},
		externals:  []string{"busybox (image)", "alpine (image)", "nginx:1.27 (image)"},
		resolve:    []string{"alpine (image)", "nginx:1.27 (image)"},
	},
	{
		name:       "a build arg overrides a global ARG used in FROM",
		dockerfile: df("ARG BASE=alpine:3.20", "FROM $BASE"),
		args:       map[string]string{"BASE": "debian:12"},
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> debian:12 (image)"},
		externals:  []string{"debian:12 (image)"},
	},
	{
		name:       "a global ARG without default is set by a build arg",
		dockerfile: df("ARG BASE", "FROM ${BASE}"),
		args:       map[string]string{"BASE": "busybox"},
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> busybox (image)"},
		externals:  []string{"busybox (image)"},
	},
	{
		name:       "a global ARG default uses an earlier global ARG",
		dockerfile: df("ARG V=3.20", "ARG IMG=alpine:${V}", "FROM $IMG"),
		args:       map[string]string{"V": "3.21"},
		wantTarget: "stage-0",
		order:      []string{"stage-0"},
		edges:      []string{"stage-0 -from-> alpine:3.21 (image)"},
		externals:  []string{"alpine:3.21 (image)"},
	},
	{
		name: "a global ARG names an earlier stage, overridden by a build arg",
		dockerfile: df(
			"ARG FLAVOR=slim",
			"FROM alpine AS slim",
			"FROM debian AS full",
			"FROM $FLAVOR",
		),
		args:       map[string]string{"FLAVOR": "full"},
		wantTarget: "stage-2",
		order:      []string{"full", "stage-2"},
		pruned:     []string{"slim"},
		edges:      []string{"slim -from-> alpine (image)", "full -from-> debian (image)", "stage-2 -from-> full"},
		externals:  []string{"alpine (image)", "debian (image)"},
		resolve:    []string{"debian (image)"},
	},
	{
		name: "automatic BUILDPLATFORM in FROM --platform",
		dockerfile: df(
			"FROM --platform=$BUILDPLATFORM golang AS build",
			"FROM --platform=linux/arm64 alpine",
			"COPY --from=build /app /app",
		),
		auto:       map[string]string{"BUILDPLATFORM": "linux/amd64"},
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
		platforms:  []string{"build=linux/amd64", "stage-1=linux/arm64"},
	},
	{
		name: "automatic TARGETARCH in a FROM name, kept by a bare ARG",
		dockerfile: df(
			"ARG TARGETARCH",
			"FROM alpine AS base-amd64",
			"FROM alpine AS base-arm64",
			"FROM base-$TARGETARCH",
		),
		auto:       map[string]string{"TARGETARCH": "arm64"},
		wantTarget: "stage-2",
		order:      []string{"base-arm64", "stage-2"},
		pruned:     []string{"base-amd64"},
		edges:      []string{"base-amd64 -from-> alpine (image)", "base-arm64 -from-> alpine (image)", "stage-2 -from-> base-arm64"},
		externals:  []string{"alpine (image)"},
	},

	// --- ARG expansion errors -----------------------------------------------
	{
		name:       "empty FROM after ARG expansion",
		dockerfile: df("ARG BASE", "FROM $BASE"),
		err:        []string{"FROM $BASE (line 2) is empty after expanding global ARGs", "BASE is not set"},
		lines:      []int{2},
	},
	{
		name:       "a build arg never declared does not reach FROM",
		dockerfile: df("FROM alpine AS a", "FROM $UNDECLARED"),
		args:       map[string]string{"UNDECLARED": "a"},
		err:        []string{"FROM $UNDECLARED (line 2) is empty", "UNDECLARED is not set"},
		lines:      []int{2},
	},
	{
		name:       "empty FROM --platform after ARG expansion",
		dockerfile: df("FROM alpine", "FROM --platform=$NOPE alpine"),
		err:        []string{"empty platform value from expression $NOPE; NOPE is not set"},
		lines:      []int{2},
	},
	{
		// Upstream's words exactly: BuildKit's suite compares them.
		name:       "FROM --platform with a misspelt automatic ARG",
		dockerfile: df("FROM --platform=$BULIDPLATFORM alpine"),
		auto:       map[string]string{"BUILDPLATFORM": "linux/amd64"},
		err:        []string{"empty platform value from expression $BULIDPLATFORM (did you mean BUILDPLATFORM?)"},
		notErr:     "is not set",
		lines:      []int{1},
	},
	{
		name:       "FROM --platform that does not parse, with a misspelt global ARG",
		dockerfile: df("ARG MY_OS=linux", "ARG MY_ARCH=amd64", "FROM --platform=linux/${MYARCH} alpine"),
		err: []string{`failed to parse platform linux/${MYARCH}: "" is an invalid component of "linux/": ` +
			`platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument (did you mean MY_ARCH?)`},
		lines: []int{3},
	},
	{
		name:       "FROM --platform that does not parse, in a pruned stage",
		dockerfile: df("FROM --platform=linux/amd64/v9/x alpine AS unused", "FROM alpine"),
		err:        []string{"failed to parse platform linux/amd64/v9/x: "},
		lines:      []int{1},
	},
	{
		name:       "empty COPY --from from an ARG declared empty",
		dockerfile: df("ARG SRC=", "FROM alpine", "COPY --from=$SRC /a /b"),
		err:        []string{"COPY --from $SRC (line 3) is empty after expanding global ARGs"},
		notErr:     "is not set",
		lines:      []int{3},
	},
	{
		// Issue 10: ARGs declared in the stage above the instruction count.
		name: "a stage-local ARG chooses COPY --from",
		dockerfile: df(
			"FROM golang AS build",
			"FROM alpine",
			"ARG SRC=build",
			"COPY --from=$SRC /a /b",
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "empty RUN --mount from after ARG expansion",
		dockerfile: df("FROM alpine", "RUN --mount=from=$NOPE,target=/x true"),
		err:        []string{"from=$NOPE is empty after expanding global ARGs and build args"},
		lines:      []int{2},
	},
	{
		name:       "bad substitution in FROM",
		dockerfile: df("FROM alpine", "FROM ${BASE"),
		err:        []string{"FROM ${BASE"},
		lines:      []int{2},
	},

	// --- target ---------------------------------------------------------------
	{
		name:       "unknown target suggests a stage and lists them all",
		dockerfile: df("FROM golang AS build", "FROM alpine AS test"),
		target:     "biuld",
		err:        []string{`target stage "biuld" could not be found (did you mean build?); the stages are: build, test`, "did you mean build?"},
	},
	{
		name:       "unknown target without a close name",
		dockerfile: df("FROM golang AS build", "FROM alpine AS test"),
		target:     "release",
		err:        []string{`target stage "release" could not be found; the stages are: build, test`},
		notErr:     "did you mean",
	},
	{
		name:       "unknown target in a Dockerfile without named stages",
		dockerfile: df("FROM alpine", "FROM busybox"),
		target:     "stage-1",
		err:        []string{`target stage "stage-1" could not be found; the Dockerfile has no named stages`},
	},

	// --- forward and self references, cycles ---------------------------------
	{
		name:       "forward reference by COPY --from",
		dockerfile: df("FROM alpine AS a", "COPY --from=b /x /x", "FROM alpine AS b"),
		err:        []string{`COPY --from=b (line 2) in stage "a" refers to stage "b", which is defined later (line 3)`},
		lines:      []int{2, 3},
	},
	{
		name:       "forward reference by FROM",
		dockerfile: df("FROM b AS a", "FROM alpine AS b"),
		err:        []string{`FROM b (line 1) in stage "a" refers to stage "b", which is defined later (line 2)`},
		lines:      []int{1, 2},
	},
	{
		name:       "forward reference by index",
		dockerfile: df("FROM alpine", "COPY --from=1 /x /x", "FROM alpine"),
		err:        []string{`COPY --from=1 (line 2) in stage "stage-0" refers to stage "stage-1", which is defined later (line 3)`},
		lines:      []int{2, 3},
	},
	{
		name:       "forward reference by RUN --mount from",
		dockerfile: df("FROM alpine AS a", "RUN --mount=from=b,target=/b true", "FROM alpine AS b"),
		err:        []string{`RUN --mount from=b (line 2) in stage "a" refers to stage "b", which is defined later (line 3)`},
		lines:      []int{2, 3},
	},
	{
		name: "forward reference in a pruned stage is still an error",
		dockerfile: df(
			"FROM alpine AS a",
			"FROM alpine AS b",
			"COPY --from=c /x /x",
			"FROM alpine AS c",
		),
		target: "a",
		err:    []string{`COPY --from=c (line 3) in stage "b" refers to stage "c"`},
		lines:  []int{3, 4},
	},
	{
		name:       "self reference by COPY --from",
		dockerfile: df("FROM alpine AS a", "COPY --from=a /x /y"),
		err:        []string{`COPY --from=a (line 2) refers to its own stage "a" (line 1)`},
		lines:      []int{2, 1},
	},
	{
		name:       "self reference by index",
		dockerfile: df("FROM alpine", "FROM alpine", "COPY --from=1 /x /y"),
		err:        []string{`COPY --from=1 (line 3) refers to its own stage "stage-1" (line 2)`},
		lines:      []int{3, 2},
	},
	{
		name:       "self reference by RUN --mount from, in another case",
		dockerfile: df("FROM alpine AS a", "RUN --mount=from=A,target=/x true"),
		err:        []string{`RUN --mount from=A (line 2) refers to its own stage "a" (line 1)`},
		lines:      []int{2, 1},
	},
	{
		name: "two-stage cycle",
		dockerfile: df(
			"FROM alpine AS a",
			"COPY --from=b /x /x",
			"FROM alpine AS b",
			"COPY --from=a /y /y",
		),
		err:   []string{"stages form a cycle: a -> b -> a (COPY --from=b (line 2), COPY --from=a (line 4))"},
		lines: []int{2, 4},
	},
	{
		name: "three-stage cycle names every line",
		dockerfile: df(
			"FROM alpine AS a",
			"COPY --from=b /x /x",
			"FROM alpine AS b",
			"RUN --mount=from=c,target=/c true",
			"FROM alpine AS c",
			"COPY --from=a /z /z",
		),
		err:   []string{"stages form a cycle: a -> b -> c -> a (COPY --from=b (line 2), RUN --mount from=c (line 4), COPY --from=a (line 6))"},
		lines: []int{2, 4, 6},
	},
	{
		name:       "cycle through FROM lines",
		dockerfile: df("FROM b AS a", "FROM a AS b"),
		err:        []string{"stages form a cycle: a -> b -> a (FROM b (line 1), FROM a (line 2))"},
		lines:      []int{1, 2},
	},
	{
		name: "three-stage cycle listed in path order, not line order",
		dockerfile: df(
			"FROM alpine AS x",
			"FROM alpine AS a",
			"COPY --from=c /1 /1",
			"FROM alpine AS b",
			"COPY --from=a /2 /2",
			"FROM alpine AS c",
			"COPY --from=b /3 /3",
		),
		target: "x",
		err:    []string{"stages form a cycle: a -> c -> b -> a"},
		lines:  []int{3, 7, 5},
	},

	// --- bad indexes -----------------------------------------------------------
	{
		name:       "negative index",
		dockerfile: df("FROM alpine", "COPY --from=-1 /x /x"),
		err:        []string{"invalid stage index -1; COPY --from=-1 (line 2): the Dockerfile has stages 0 to 0"},
		lines:      []int{2},
	},
	{
		name:       "index past the last stage",
		dockerfile: df("FROM alpine", "FROM alpine", "COPY --from=2 /x /x"),
		err:        []string{"invalid stage index 2; COPY --from=2 (line 3): the Dockerfile has stages 0 to 1"},
		lines:      []int{3},
	},
	{
		name:       "index past the last stage in RUN --mount from",
		dockerfile: df("FROM alpine", "RUN --mount=from=7,target=/x true"),
		err:        []string{"invalid stage index 7; RUN --mount from=7 (line 2)"},
		lines:      []int{2},
	},
	{
		name:       "index from an ARG past the last stage",
		dockerfile: df("ARG N=3", "FROM alpine", "COPY --from=$N /x /x"),
		err:        []string{"invalid stage index 3; COPY --from=3 (line 3)"},
		lines:      []int{3},
	},

	// --- typos ------------------------------------------------------------------
	{
		name:       "typo in FROM",
		dockerfile: df("FROM golang AS build", "FROM buidl"),
		err:        []string{`FROM buidl (line 2) is not a stage of this Dockerfile: did you mean stage "build"? (defined at line 1`, "docker.io/library/buidl"},
		lines:      []int{2},
	},
	{
		name:       "typo in COPY --from",
		dockerfile: df("FROM golang AS build", "FROM alpine", "COPY --from=biuld /app /app"),
		err:        []string{`COPY --from=biuld (line 3) is not a stage`, `did you mean stage "build"? (defined at line 1`},
		lines:      []int{3},
	},
	{
		name:       "typo in RUN --mount from",
		dockerfile: df("FROM golang AS build", "FROM alpine", "RUN --mount=from=bulid,target=/b true"),
		err:        []string{`RUN --mount from=bulid (line 3) is not a stage`, `did you mean stage "build"? (defined at line 1`},
		lines:      []int{3},
	},
	{
		name:       "typo in upper case suggests the stage's real name",
		dockerfile: df("FROM golang AS build", "FROM alpine", "COPY --from=BUIDL /app /app"),
		err:        []string{`COPY --from=BUIDL (line 3) is not a stage`, `did you mean stage "build"? (defined at line 1`},
		lines:      []int{3},
	},
	{
		name:       "typo from an ARG",
		dockerfile: df("ARG SRC=buld", "FROM golang AS build", "FROM alpine", "COPY --from=$SRC /app /app"),
		err:        []string{`COPY --from=buld (line 4) is not a stage`, `did you mean stage "build"`},
		lines:      []int{4},
	},
	{
		name: "fully qualified names are always images",
		dockerfile: df(
			"FROM golang AS build",
			"FROM alpine",
			"COPY --from=docker.io/library/buidl /x /x",
			"COPY --from=buidl:1 /y /y",
			"COPY --from=buidl@sha256:0000000000000000000000000000000000000000000000000000000000000000 /z /z",
		),
		wantTarget: "stage-1",
		order:      []string{"stage-1"},
		pruned:     []string{"build"},
		edges: []string{
			"build -from-> golang (image)",
			"stage-1 -from-> alpine (image)",
			"stage-1 -copy-> docker.io/library/buidl (image)",
			"stage-1 -copy-> buidl:1 (image)",
			"stage-1 -copy-> buidl@sha256:0000000000000000000000000000000000000000000000000000000000000000 (image)",
		},
		externals: []string{
			"golang (image)", "alpine (image)", "docker.io/library/buidl (image)", "buidl:1 (image)",
			"buidl@sha256:0000000000000000000000000000000000000000000000000000000000000000 (image)",
		},
		resolve: []string{
			"alpine (image)", "docker.io/library/buidl (image)", "buidl:1 (image)",
			"buidl@sha256:0000000000000000000000000000000000000000000000000000000000000000 (image)",
		},
	},
	{
		name:       "a name three edits away is an image",
		dockerfile: df("FROM golang AS build", "FROM alpine", "COPY --from=bzzzd /x /x"),
		wantTarget: "stage-1",
		order:      []string{"stage-1"},
		pruned:     []string{"build"},
		edges:      []string{"build -from-> golang (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> bzzzd (image)"},
		externals:  []string{"golang (image)", "alpine (image)", "bzzzd (image)"},
		resolve:    []string{"alpine (image)", "bzzzd (image)"},
	},
	{
		name: "a typo in a pruned stage is not an error",
		dockerfile: df(
			"FROM golang AS build",
			"FROM alpine AS test",
			"COPY --from=buidl /app /app",
			"FROM alpine AS release",
			"COPY --from=build /app /app",
		),
		wantTarget: "release",
		order:      []string{"build", "release"},
		pruned:     []string{"test"},
		edges: []string{
			"build -from-> golang (image)",
			"test -from-> alpine (image)", "test -copy-> buidl (image)",
			"release -from-> alpine (image)", "release -copy-> build",
		},
		externals: []string{"golang (image)", "alpine (image)", "buidl (image)"},
		resolve:   []string{"golang (image)", "alpine (image)"},
	},
	{
		name:       "the same typo is an error once the target needs it",
		dockerfile: df("FROM golang AS build", "FROM alpine AS test", "COPY --from=buidl /app /app", "FROM alpine AS release"),
		target:     "test",
		err:        []string{`COPY --from=buidl (line 3) is not a stage`},
		lines:      []int{3},
	},
	{
		name:       "FROM node AS node is the image even next to a similar stage name",
		dockerfile: df("FROM alpine AS code", "FROM node AS node", "COPY --from=code /src /src"),
		wantTarget: "node",
		order:      []string{"code", "node"},
		edges:      []string{"code -from-> alpine (image)", "node -from-> node (image)", "node -copy-> code"},
		externals:  []string{"alpine (image)", "node (image)"},
	},
	{
		name:       "FROM nodes AS node: a stage's own name is no suggestion",
		dockerfile: df("FROM nodes AS node"),
		wantTarget: "node",
		order:      []string{"node"},
		edges:      []string{"node -from-> nodes (image)"},
		externals:  []string{"nodes (image)"},
	},
	{
		name:       "own-name exemption holds when another stage misspells the same image",
		dockerfile: df("FROM nodes", "FROM nodes AS node"),
		target:     "node",
		wantTarget: "node",
		order:      []string{"node"},
		pruned:     []string{"stage-0"},
		edges:      []string{"stage-0 -from-> nodes (image)", "node -from-> nodes (image)"},
		externals:  []string{"nodes (image)"},
		resolve:    []string{"nodes (image)"},
	},
	{
		name:       "own-name exemption does not hide the same typo in another stage",
		dockerfile: df("FROM nodes AS node", "FROM nodes", "COPY --from=node /a /a"),
		err:        []string{`FROM nodes (line 2) is not a stage`, `did you mean stage "node"? (defined at line 1`},
		lines:      []int{2},
	},

	// --- pruning ------------------------------------------------------------------
	{
		name: "target in the middle prunes the stages after it",
		dockerfile: df(
			"FROM golang AS deps",
			"FROM deps AS build",
			"FROM build AS test",
			"FROM alpine AS release",
			"COPY --from=build /app /app",
		),
		target:     "build",
		wantTarget: "build",
		order:      []string{"deps", "build"},
		pruned:     []string{"test", "release"},
		edges:      []string{"deps -from-> golang (image)", "build -from-> deps", "test -from-> build", "release -from-> alpine (image)", "release -copy-> build"},
		externals:  []string{"golang (image)", "alpine (image)"},
		resolve:    []string{"golang (image)"},
	},
	{
		name: "diamond",
		dockerfile: df(
			"FROM alpine AS base",
			"FROM base AS left",
			"FROM base AS right",
			"FROM scratch",
			"COPY --from=left /l /l",
			"COPY --from=right /r /r",
		),
		wantTarget: "stage-3",
		order:      []string{"base", "left", "right", "stage-3"},
		edges: []string{
			"base -from-> alpine (image)", "left -from-> base", "right -from-> base",
			"stage-3 -from-> scratch (scratch)", "stage-3 -copy-> left", "stage-3 -copy-> right",
		},
		externals: []string{"alpine (image)", "scratch (scratch)"},
	},
	{
		name: "diamond with the target on one side",
		dockerfile: df(
			"FROM alpine AS base",
			"FROM base AS left",
			"FROM base AS right",
			"FROM scratch",
			"COPY --from=left /l /l",
			"COPY --from=right /r /r",
		),
		target:     "right",
		wantTarget: "right",
		order:      []string{"base", "right"},
		pruned:     []string{"left", "stage-3"},
		edges: []string{
			"base -from-> alpine (image)", "left -from-> base", "right -from-> base",
			"stage-3 -from-> scratch (scratch)", "stage-3 -copy-> left", "stage-3 -copy-> right",
		},
		externals: []string{"alpine (image)", "scratch (scratch)"},
		resolve:   []string{"alpine (image)"},
	},
	{
		name: "images of pruned stages are not resolved; FROM images come first",
		dockerfile: df(
			"FROM alpine AS docs",
			"COPY --from=pandoc/core:3 /usr/bin/pandoc /usr/bin/",
			"FROM golang AS build",
			"FROM scratch",
			"COPY --from=build /app /app",
		),
		wantTarget: "stage-2",
		order:      []string{"build", "stage-2"},
		pruned:     []string{"docs"},
		edges: []string{
			"docs -from-> alpine (image)", "docs -copy-> pandoc/core:3 (image)",
			"build -from-> golang (image)",
			"stage-2 -from-> scratch (scratch)", "stage-2 -copy-> build",
		},
		externals: []string{"alpine (image)", "golang (image)", "scratch (scratch)", "pandoc/core:3 (image)"},
		resolve:   []string{"golang (image)", "scratch (scratch)"},
	},

	// --- duplicate names ----------------------------------------------------------
	{
		name: "duplicate names: FROM binds to the one above, --from to the last",
		dockerfile: df(
			"FROM alpine AS base",
			"FROM base AS mid",
			"FROM busybox AS base",
			"FROM scratch",
			"COPY --from=base /bin /bin",
		),
		wantTarget: "stage-3",
		order:      []string{"base", "stage-3"},
		pruned:     []string{"base", "mid"},
		edges: []string{
			"base -from-> alpine (image)", "mid -from-> base", "base -from-> busybox (image)",
			"stage-3 -from-> scratch (scratch)", "stage-3 -copy-> base",
		},
		externals: []string{"alpine (image)", "busybox (image)", "scratch (scratch)"},
		resolve:   []string{"busybox (image)", "scratch (scratch)"},
	},
	{
		name:       "duplicate names: the target is the last definition",
		dockerfile: df("FROM alpine AS base", "FROM busybox AS base", "FROM scratch"),
		target:     "base",
		wantTarget: "base",
		order:      []string{"base"},
		pruned:     []string{"base", "stage-2"},
		edges:      []string{"base -from-> alpine (image)", "base -from-> busybox (image)", "stage-2 -from-> scratch (scratch)"},
		externals:  []string{"alpine (image)", "busybox (image)", "scratch (scratch)"},
		resolve:    []string{"busybox (image)"},
	},
	{
		name: "duplicate names: --from between the definitions is a forward reference",
		dockerfile: df(
			"FROM alpine AS base",
			"FROM alpine AS mid",
			"COPY --from=base /x /x",
			"FROM busybox AS base",
		),
		err:   []string{`COPY --from=base (line 3) in stage "mid" refers to stage "base", which is defined later (line 4)`},
		lines: []int{3, 4},
	},

	// --- escape directive and line numbers -------------------------------------------
	{
		name: "escape directive with Windows paths and continuations",
		dockerfile: df(
			"# escape=`",
			"FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build",
			"RUN echo a `",
			"    && echo b",
			"FROM mcr.microsoft.com/windows/nanoserver:ltsc2022",
			`COPY --from=build C:\out C:\out`,
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges: []string{
			"build -from-> mcr.microsoft.com/windows/servercore:ltsc2022 (image)",
			"stage-1 -from-> mcr.microsoft.com/windows/nanoserver:ltsc2022 (image)",
			"stage-1 -copy-> build",
		},
		externals: []string{"mcr.microsoft.com/windows/servercore:ltsc2022 (image)", "mcr.microsoft.com/windows/nanoserver:ltsc2022 (image)"},
	},
	{
		name: "escape directive: an error on a continued line names both lines",
		dockerfile: df(
			"# escape=`",
			"FROM alpine AS build",
			"FROM alpine",
			"COPY --from=buidl `",
			`    C:\a C:\b`,
		),
		err:   []string{`COPY --from=buidl (line 4) is not a stage`},
		lines: []int{4, 5},
	},
	{
		name: "a forward reference on continued lines names all of them",
		dockerfile: df(
			"FROM alpine AS a",
			"COPY \\",
			"  --from=b \\",
			"  /x /x",
			"FROM alpine AS b",
		),
		err:   []string{`COPY --from=b (line 2) in stage "a"`},
		lines: []int{2, 3, 4, 5},
	},
	{
		name: "a check directive above an instruction does not break parsing",
		dockerfile: df(
			"# check=skip=all",
			"FROM alpine AS build",
			"# check=error=true",
			"FROM build",
		),
		wantTarget: "stage-1",
		order:      []string{"build", "stage-1"},
		edges:      []string{"build -from-> alpine (image)", "stage-1 -from-> build"},
		externals:  []string{"alpine (image)"},
	},

	// --- parse errors -------------------------------------------------------------
	{
		name:       "unknown instruction names its line",
		dockerfile: df("FROM alpine", "FORM busybox"),
		err:        []string{"dockerfile parse error on line 2", "unknown instruction: FORM"},
		lines:      []int{2},
	},
	{
		name:       "invalid stage name names its line",
		dockerfile: df("FROM alpine", "FROM alpine AS 1build"),
		err:        []string{"dockerfile parse error on line 2", "invalid name for build stage"},
		lines:      []int{2},
	},
	{
		name:       "instruction before the first FROM",
		dockerfile: df("ARG A=1", "RUN true", "FROM alpine"),
		err:        []string{"no build stage in current context"},
		lines:      []int{2},
	},
	{
		name:       "invalid global ARG names its line once",
		dockerfile: df("ARG", "FROM alpine"),
		err:        []string{"ARG requires at least one argument"},
		lines:      []int{1},
	},
	{
		name:       "bad substitution in a global ARG default",
		dockerfile: df("ARG A=${B", "FROM alpine"),
		err:        []string{`failed to process "${B"`},
		lines:      []int{1},
	},
	{
		name:       "unterminated heredoc",
		dockerfile: df("FROM alpine", "RUN <<EOF", "echo hi"),
		err:        []string{"unterminated heredoc"},
		lines:      []int{2, 3},
	},
	{
		name:       "unknown flag names its line",
		dockerfile: df("FROM alpine", "COPY --form=build /a /b"),
		err:        []string{"dockerfile parse error on line 2", "unknown flag: --form"},
		lines:      []int{2},
	},
	{
		// Found by FuzzGraph: the parser reported line 0.
		name:       "invalid escape directive names its own line",
		dockerfile: "#esCApe=000",
		err:        []string{"invalid escape token '000' does not match ` or \\"},
		lines:      []int{1},
	},
	{
		name:       "a repeated parser directive names its own line",
		dockerfile: df("# escape=`", "# ESCAPE=\\", "FROM alpine"),
		err:        []string{"only one escape parser directive can be used"},
		lines:      []int{2},
	},
	{
		name:       "an over-long line names its own line",
		dockerfile: df("FROM alpine", "RUN echo "+strings.Repeat("x", 70000)),
		err:        []string{"dockerfile line greater than max allowed size"},
		lines:      []int{2},
	},
	{
		name:       "empty Dockerfile",
		dockerfile: "\n \n",
		err:        []string{"the Dockerfile cannot be empty"},
	},
	{
		name:       "only global ARGs, no FROM",
		dockerfile: df("ARG A=1"),
		err:        []string{"the Dockerfile has no FROM instruction"},
	},
	{
		name:       "only comments",
		dockerfile: df("# nothing here"),
		err:        []string{"file with no instructions"},
		lines:      []int{1},
	},
}

func TestGraph(t *testing.T) {
	if len(graphCases) < 45 {
		t.Fatalf("only %d cases", len(graphCases))
	}
	seen := map[string]bool{}
	for _, c := range graphCases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			g, err := buildCase(c)
			if c.err != nil {
				checkError(t, err, c)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v (lines %v)", err, errorLines(err))
			}
			if err := checkInvariants(g); err != nil {
				t.Fatalf("invariant: %v", err)
			}
			checkGraph(t, g, c)
		})
	}
}

func buildCase(c graphCase) (*Graph, error) {
	auto := NewArgs()
	for _, k := range slices.Sorted(maps.Keys(c.auto)) {
		auto.Set(k, c.auto[k])
	}
	d, err := Parse([]byte(c.dockerfile), ParseOpt{AutoArgs: auto, BuildArgs: c.args})
	if err != nil {
		return nil, err
	}
	var named func(string) bool
	if c.contexts != nil {
		named = func(name string) bool { return slices.Contains(c.contexts, name) }
	}
	return Build(FromDockerfile(d, c.target, named))
}

func checkError(t *testing.T, err error, c graphCase) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", c.err)
	}
	for _, s := range c.err {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q\n does not contain %q", err, s)
		}
	}
	if c.notErr != "" && strings.Contains(err.Error(), c.notErr) {
		t.Errorf("error %q\n contains %q", err, c.notErr)
	}
	if got := errorLines(err); !reflect.DeepEqual(got, c.lines) {
		t.Errorf("error lines = %v, want %v (error: %v)", got, c.lines, err)
	}
}

// errorLines lists the line of every range of every location the error
// carries, in order, across all parser.LocationError values in its chain.
func errorLines(err error) []int {
	var out []int
	for ; err != nil; err = errors.Unwrap(err) {
		le, ok := err.(*parser.LocationError)
		if !ok {
			continue
		}
		for _, loc := range le.Locations {
			for _, r := range loc {
				out = append(out, r.Start.Line)
			}
		}
	}
	return out
}

func checkGraph(t *testing.T, g *Graph, c graphCase) {
	t.Helper()
	resolve := c.resolve
	if resolve == nil {
		resolve = c.externals
	}
	var platforms []string
	for _, s := range g.Stages {
		if s.Platform != "" {
			platforms = append(platforms, s.DisplayName()+"="+s.Platform)
		}
	}
	for _, cmp := range []struct {
		what      string
		got, want any
	}{
		{"target", g.Target.DisplayName(), c.wantTarget},
		{"order", labels(g.Order), c.order},
		{"pruned", names(pruned(g)), c.pruned},
		{"edges", edgeStrings(g), c.edges},
		{"externals", labels(g.Externals), c.externals},
		{"reachable externals", labels(reachableExternals(g)), resolve},
		{"platforms", platforms, c.platforms},
	} {
		if !reflect.DeepEqual(cmp.got, cmp.want) {
			t.Errorf("%s:\n got  %#v\n want %#v", cmp.what, cmp.got, cmp.want)
		}
	}
}

func label(n *Node) string {
	if n.Kind == KindStage {
		return n.DisplayName()
	}
	return fmt.Sprintf("%s (%s)", n.DisplayName(), n.Kind)
}

func labels(ns []*Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, label(n))
	}
	return out
}

func names(ns []*Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.DisplayName())
	}
	return out
}

func edgeStrings(g *Graph) []string {
	var out []string
	for _, s := range g.Stages {
		for _, e := range s.Deps {
			out = append(out, fmt.Sprintf("%s -%s-> %s", label(e.From), e.Kind, label(e.To)))
		}
	}
	return out
}

// checkInvariants holds for every graph Build returns; the fuzz target
// checks it too.
func checkInvariants(g *Graph) error {
	if g.Target == nil || !g.Target.IsStage() || !g.Reachable(g.Target) {
		return errors.New("target is not a reachable stage")
	}
	if len(g.Order)+len(pruned(g)) != len(g.Stages) {
		return fmt.Errorf("%d ordered + %d pruned != %d stages", len(g.Order), len(pruned(g)), len(g.Stages))
	}
	// The last stage in order is a target, unless every stage is built.
	if last := g.Order[len(g.Order)-1]; !g.AllStages && !g.IsTarget(last) {
		return errors.New("last in order is not a target")
	}
	for _, t := range g.Targets {
		if !g.Reachable(t) {
			return fmt.Errorf("target %s is not reachable", t.DisplayName())
		}
	}
	deps := 0
	for i, s := range g.Stages {
		if s.Index != i || !s.IsStage() {
			return fmt.Errorf("stage %d has index %d", i, s.Index)
		}
		if err := checkDeps(g, s); err != nil {
			return err
		}
		deps += len(s.Deps)
	}
	if deps != len(g.Edges) {
		return fmt.Errorf("%d edges, %d deps", len(g.Edges), deps)
	}
	for i, s := range g.Order {
		if i > 0 && g.Order[i-1].Index >= s.Index {
			return errors.New("order is not in Dockerfile order")
		}
	}
	seen := map[string]bool{}
	for _, n := range g.Externals {
		if n.IsStage() || seen[n.Name] {
			return fmt.Errorf("external %q is a stage or repeated", n.Name)
		}
		seen[n.Name] = true
	}
	return nil
}

func checkDeps(g *Graph, s *Node) error {
	if s.Kind == KindContext {
		if len(s.Deps) != 0 {
			return fmt.Errorf("stage %s is replaced by a context but has deps", s.DisplayName())
		}
		return nil
	}
	if len(s.Deps) == 0 || s.Deps[0].Kind != EdgeFrom || s.Deps[0].To != s.Base {
		return fmt.Errorf("stage %s does not start with its FROM edge", s.DisplayName())
	}
	for _, e := range s.Deps {
		if e.From != s || e.Line() == 0 {
			return fmt.Errorf("edge %s of %s is misplaced or has no line", e.Ref, s.DisplayName())
		}
		if e.To.IsStage() && e.To.Index >= s.Index {
			return fmt.Errorf("edge %s of %s points forward", e.Ref, s.DisplayName())
		}
		if g.Reachable(s) && !g.Reachable(e.To) {
			return fmt.Errorf("%s is reachable but its dependency %s is not", s.DisplayName(), e.Ref)
		}
	}
	return nil
}

// TestMountIndex checks that mount edges know which --mount they came from,
// counting mounts without from= too.
func TestMountIndex(t *testing.T) {
	g, err := buildCase(graphCase{dockerfile: df(
		"FROM golang AS src",
		"FROM alpine",
		"RUN --mount=type=cache,target=/c --mount=from=src,target=/s --mount=from=busybox,target=/b true",
	)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range g.Stages[1].Deps[1:] {
		got = append(got, fmt.Sprintf("%s@%d", e.Ref, e.MountIndex))
	}
	if want := []string{"src@1", "busybox@2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("mount indexes = %v, want %v", got, want)
	}
}

// pruned lists the stages the target does not need, in Dockerfile order.
func pruned(g *Graph) []*Node {
	var out []*Node
	for _, s := range g.Stages {
		if !g.Reachable(s) {
			out = append(out, s)
		}
	}
	return out
}

// reachableExternals lists the images and contexts the target needs, in
// order of first reference: exactly the set worth resolving.
func reachableExternals(g *Graph) []*Node {
	var out []*Node
	for _, n := range g.Externals {
		if g.Reachable(n) {
			out = append(out, n)
		}
	}
	return out
}

// TestWithBaseTriggersLeavesGraph: the ONBUILD triggers of a base image
// give a new graph, where a trigger's COPY --from makes its stage needed;
// the graph it came from does not change.
func TestWithBaseTriggersLeavesGraph(t *testing.T) {
	d, err := Parse([]byte("FROM alpine AS tools\nFROM example.com/onbuild AS app\nRUN true\n"), ParseOpt{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(FromDockerfile(d, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	edges, order := len(g.Edges), len(g.Order)
	g2, err := g.WithBaseTriggers(map[int][]string{1: {"COPY --from=tools /bin/tool /bin/tool"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Edges) != edges || len(g.Order) != order || len(g.Stages[1].Triggers) != 0 {
		t.Errorf("the original graph changed: %d edges (was %d), %d ordered (was %d), %d triggers", len(g.Edges), edges, len(g.Order), order, len(g.Stages[1].Triggers))
	}
	if len(g2.Stages[1].Triggers) != 1 || !g2.Reachable(g2.Stages[0]) || len(g2.Edges) != edges+1 {
		t.Errorf("new graph: %d triggers on app, tools reachable %v, %d edges (want %d)", len(g2.Stages[1].Triggers), g2.Reachable(g2.Stages[0]), len(g2.Edges), edges+1)
	}
}
