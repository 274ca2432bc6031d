package stages_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// includeCase is a Dockerfile and the files it includes in, and the graph
// (or error) out. Files are keyed by path in the build context, or
// "NAME:path" in the named context NAME.
type includeCase struct {
	name   string
	main   string
	files  map[string]string
	args   map[string]string
	target string
	// stages are every stage in build order, as "name (file:line)".
	stages []string
	// edges are every edge, stage by stage, as "from -kind-> to".
	edges []string
	// bases are every stage's FROM after expansion, as "name=base" or
	// "name=base@platform".
	bases []string
	// err lists substrings of the error; where is the file:line of every
	// location it carries, outermost first (nil: none).
	err   []string
	where []string
}

// lines joins Dockerfile lines, so that a file's line N is its Nth
// argument.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func reader(files map[string]string) *fakefiles.Reader {
	r := &fakefiles.Reader{Files: map[stages.FileRef]string{}}
	for k, v := range files {
		ref := stages.FileRef{Path: k}
		if ctx, p, ok := strings.Cut(k, ":"); ok {
			ref = stages.FileRef{Context: ctx, Path: p}
		}
		r.Files[ref] = v
	}
	return r
}

// parseIncludes parses c.main with a reader of c.files.
func parseIncludes(c includeCase) (*stages.Dockerfile, *fakefiles.Reader, error) {
	r := reader(c.files)
	d, err := stages.ParseContext(context.Background(), []byte(c.main), stages.ParseOpt{Reader: r, BuildArgs: c.args, Target: c.target})
	return d, r, err
}

func buildIncludes(c includeCase) (*stages.Graph, error) {
	d, _, err := parseIncludes(c)
	if err != nil {
		return nil, err
	}
	return stages.Build(stages.FromDockerfile(d, c.target, nil))
}

func runIncludeCases(t *testing.T, cases []includeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := buildIncludes(c)
			if c.err != nil {
				checkIncludeError(t, err, c.err, c.where)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v (at %v)", err, errorWhere(err))
			}
			if c.stages != nil {
				if got := stageList(g); !reflect.DeepEqual(got, c.stages) {
					t.Errorf("stages:\n got  %q\n want %q", got, c.stages)
				}
			}
			if c.edges != nil {
				if got := edgeList(g); !reflect.DeepEqual(got, c.edges) {
					t.Errorf("edges:\n got  %q\n want %q", got, c.edges)
				}
			}
			if c.bases != nil {
				if got := baseList(g); !reflect.DeepEqual(got, c.bases) {
					t.Errorf("bases:\n got  %q\n want %q", got, c.bases)
				}
			}
		})
	}
}

func checkIncludeError(t *testing.T, err error, want, where []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	for _, s := range want {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q\n does not contain %q", err, s)
		}
	}
	if got := errorWhere(err); !reflect.DeepEqual(got, where) {
		t.Errorf("error locations = %q, want %q (error: %v)", got, where, err)
	}
}

// errorWhere is the file:line of the first range of every location group
// of every LocationError in err's chain, outermost first.
func errorWhere(err error) []string {
	files := stages.FilesOf(err)
	var out []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		le, ok := e.(*parser.LocationError)
		if !ok {
			continue
		}
		for _, group := range le.Locations {
			name, line := "Dockerfile", group[0].Start.Line
			if files != nil {
				src, local := files.Split(group)
				name, line = src.Name, local[0].Start.Line
			}
			out = append(out, fmt.Sprintf("%s:%d", name, line))
		}
	}
	return out
}

// stageList is every stage as "name (file:line)".
func stageList(g *stages.Graph) []string {
	var out []string
	for _, n := range g.Stages {
		out = append(out, fmt.Sprintf("%s (%s:%d)", n.DisplayName(), n.Unit.Source.Name, n.Line()))
	}
	return out
}

func baseList(g *stages.Graph) []string {
	var out []string
	for _, n := range g.Stages {
		b := n.DisplayName() + "=" + n.BaseName
		if n.Platform != "" {
			b += "@" + n.Platform
		}
		out = append(out, b)
	}
	return out
}

func edgeList(g *stages.Graph) []string {
	var out []string
	for _, s := range g.Stages {
		for _, e := range s.Deps {
			to := e.To.DisplayName()
			if !e.To.IsStage() {
				to += " (" + string(e.To.Kind) + ")"
			}
			out = append(out, fmt.Sprintf("%s -%s-> %s", s.DisplayName(), e.Kind, to))
		}
	}
	return out
}

const goFile = "FROM golang AS build\nRUN go build\nFROM build AS test\nRUN go test\n"

func TestIncludeNamespaces(t *testing.T) {
	runIncludeCases(t, []includeCase{
		{
			name:  "AS qualifies the names and the file's own references resolve inside it",
			main:  lines("INCLUDE docker/go.Dockerfile AS go", "FROM go.build", "COPY --from=go.test /r /r"),
			files: map[string]string{"docker/go.Dockerfile": goFile},
			stages: []string{"go.build (docker/go.Dockerfile:1)", "go.test (docker/go.Dockerfile:3)",
				"stage-0 (Dockerfile:2)"},
			edges: []string{"go.build -from-> golang (image)", "go.test -from-> go.build",
				"stage-0 -from-> go.build", "stage-0 -copy-> go.test"},
		},
		{
			name:   "without AS the names are kept",
			main:   lines("INCLUDE docker/go.Dockerfile", "FROM test"),
			files:  map[string]string{"docker/go.Dockerfile": goFile},
			stages: []string{"build (docker/go.Dockerfile:1)", "test (docker/go.Dockerfile:3)", "stage-0 (Dockerfile:2)"},
			edges:  []string{"build -from-> golang (image)", "test -from-> build", "stage-0 -from-> test"},
		},
		{
			name:  "COPY --from=N counts the stages of its own file",
			main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM alpine AS a", "FROM alpine", "COPY --from=0 /a /a"),
			files: map[string]string{"lib.Dockerfile": lines("FROM busybox AS x", "FROM busybox", "COPY --from=0 /x /x")},
			stages: []string{"lib.x (lib.Dockerfile:1)", "lib.stage-1 (lib.Dockerfile:2)",
				"a (Dockerfile:2)", "stage-1 (Dockerfile:3)"},
			edges: []string{"lib.x -from-> busybox (image)", "lib.stage-1 -from-> busybox (image)", "lib.stage-1 -copy-> lib.x",
				"a -from-> alpine (image)", "stage-1 -from-> alpine (image)", "stage-1 -copy-> a"},
		},
		{
			name: "nested namespaces join with dots, and the main file sees go.c.x",
			main: lines("INCLUDE go.Dockerfile AS go", "FROM go.c.base", "COPY --from=go.app / /"),
			files: map[string]string{
				"go.Dockerfile":       lines("INCLUDE common/c.Dockerfile AS c", "FROM c.base AS app"),
				"common/c.Dockerfile": lines("FROM alpine AS base"),
			},
			stages: []string{"go.c.base (common/c.Dockerfile:1)", "go.app (go.Dockerfile:2)", "stage-0 (Dockerfile:2)"},
			edges:  []string{"go.c.base -from-> alpine (image)", "go.app -from-> go.c.base", "stage-0 -from-> go.c.base", "stage-0 -copy-> go.app"},
		},
		{
			name: "names without AS propagate upward",
			main: lines("INCLUDE a.Dockerfile", "FROM base"),
			files: map[string]string{
				"a.Dockerfile": lines("INCLUDE b.Dockerfile", "FROM base AS mid"),
				"b.Dockerfile": lines("FROM alpine AS base"),
			},
			stages: []string{"base (b.Dockerfile:1)", "mid (a.Dockerfile:2)", "stage-0 (Dockerfile:2)"},
			edges:  []string{"base -from-> alpine (image)", "mid -from-> base", "stage-0 -from-> base"},
		},
		{
			name:   "an included file does not see its includer's stages: its FROM tools is an image",
			main:   lines("INCLUDE lib.Dockerfile AS l", "FROM alpine AS tools", "FROM l.lib"),
			files:  map[string]string{"lib.Dockerfile": lines("FROM tools AS lib")},
			stages: []string{"l.lib (lib.Dockerfile:1)", "tools (Dockerfile:2)", "stage-1 (Dockerfile:3)"},
			edges:  []string{"l.lib -from-> tools (image)", "tools -from-> alpine (image)", "stage-1 -from-> l.lib"},
		},
		{
			name:   "the same file included twice with two names gives two sets of stages",
			main:   lines("INCLUDE go.Dockerfile AS a", "INCLUDE go.Dockerfile AS b", "FROM a.test", "COPY --from=b.build / /"),
			files:  map[string]string{"go.Dockerfile": goFile},
			stages: []string{"a.build (go.Dockerfile:1)", "a.test (go.Dockerfile:3)", "b.build (go.Dockerfile:1)", "b.test (go.Dockerfile:3)", "stage-0 (Dockerfile:3)"},
			edges: []string{"a.build -from-> golang (image)", "a.test -from-> a.build", "b.build -from-> golang (image)", "b.test -from-> b.build",
				"stage-0 -from-> a.test", "stage-0 -copy-> b.build"},
		},
		{
			name: "a file of INCLUDEs only passes its files' stages on",
			main: lines("INCLUDE barrel.Dockerfile AS lib", "FROM lib.go.build"),
			files: map[string]string{
				"barrel.Dockerfile": lines("INCLUDE go.Dockerfile AS go", "INCLUDE c.Dockerfile"),
				"go.Dockerfile":     goFile,
				"c.Dockerfile":      lines("FROM alpine AS base"),
			},
			stages: []string{"lib.go.build (go.Dockerfile:1)", "lib.go.test (go.Dockerfile:3)", "lib.base (c.Dockerfile:1)", "stage-0 (Dockerfile:2)"},
			edges:  []string{"lib.go.build -from-> golang (image)", "lib.go.test -from-> lib.go.build", "lib.base -from-> alpine (image)", "stage-0 -from-> lib.go.build"},
		},
		{
			name:   "a main file of INCLUDEs only builds the last included stage",
			main:   lines("INCLUDE go.Dockerfile AS go"),
			files:  map[string]string{"go.Dockerfile": goFile},
			stages: []string{"go.build (go.Dockerfile:1)", "go.test (go.Dockerfile:3)"},
		},
	})
}

func TestIncludeArgScopes(t *testing.T) {
	lib := lines("ARG V=2", "FROM alpine:${V} AS x")
	runIncludeCases(t, []includeCase{
		{
			name:  "a global ARG of the same name keeps its value in each file",
			main:  lines("ARG V=1", "INCLUDE lib.Dockerfile AS lib", "FROM alpine:${V}"),
			files: map[string]string{"lib.Dockerfile": lib},
			bases: []string{"lib.x=alpine:2", "stage-0=alpine:1"},
		},
		{
			name:  "a build arg gives every file's ARG of its name",
			main:  lines("ARG V=1", "INCLUDE lib.Dockerfile AS lib", "FROM alpine:${V}"),
			files: map[string]string{"lib.Dockerfile": lib},
			args:  map[string]string{"V": "9"},
			bases: []string{"lib.x=alpine:9", "stage-0=alpine:9"},
		},
		{
			name:  "an ARG without default takes its includer's value",
			main:  lines("ARG V=1", "INCLUDE lib.Dockerfile AS lib", "FROM alpine:${V}"),
			files: map[string]string{"lib.Dockerfile": lines("ARG V", "FROM alpine:${V} AS x")},
			bases: []string{"lib.x=alpine:1", "stage-0=alpine:1"},
		},
		{
			name: "inherited through two levels, and an ARG below the INCLUDE counts",
			main: lines("INCLUDE a.Dockerfile AS a", "ARG V=1", "FROM a.b.x"),
			files: map[string]string{
				"a.Dockerfile": lines("ARG V", "INCLUDE b.Dockerfile AS b", "FROM a AS y"),
				"b.Dockerfile": lines("ARG V", "FROM alpine:${V} AS x"),
			},
			bases: []string{"a.b.x=alpine:1", "a.y=a", "stage-0=a.b.x"},
		},
		{
			name:  "an undeclared ARG is not inherited",
			main:  lines("ARG V=1", "INCLUDE lib.Dockerfile AS lib", "FROM alpine"),
			files: map[string]string{"lib.Dockerfile": lines("FROM alpine:${V:-none} AS x")},
			bases: []string{"lib.x=alpine:none", "stage-0=alpine"},
		},
		{
			name:  "FROM --platform of an included stage expands in its file",
			main:  lines("ARG P=linux/amd64", "INCLUDE lib.Dockerfile AS lib", "FROM --platform=${P} alpine"),
			files: map[string]string{"lib.Dockerfile": lines("ARG P=linux/arm64", "FROM --platform=${P} alpine AS x")},
			bases: []string{"lib.x=alpine@linux/arm64", "stage-0=alpine@linux/amd64"},
		},
		{
			name: "a stage ARG without default in --from reads its own file's global",
			main: lines("ARG SRC=nowhere", "INCLUDE lib.Dockerfile AS lib", "FROM lib.y"),
			files: map[string]string{"lib.Dockerfile": lines("ARG SRC=x", "FROM alpine AS x", "FROM alpine AS y", "ARG SRC",
				"COPY --from=${SRC} /a /a")},
			edges: []string{"lib.x -from-> alpine (image)", "lib.y -from-> alpine (image)", "lib.y -copy-> lib.x", "stage-0 -from-> lib.y"},
		},
		{
			name:  "--from with a global ARG resolves in its own file's names",
			main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM lib.y"),
			files: map[string]string{"lib.Dockerfile": lines("ARG SRC=x", "FROM alpine AS x", "FROM alpine AS y", "COPY --from=${SRC} /a /a")},
			edges: []string{"lib.x -from-> alpine (image)", "lib.y -from-> alpine (image)", "lib.y -copy-> lib.x", "stage-0 -from-> lib.y"},
		},
	})
}

// TestIncludeOneReadPerLevel: the reader is asked once per nesting level,
// for every distinct file of that level, and a file read at one level is
// never asked for again.
func TestIncludeOneReadPerLevel(t *testing.T) {
	for _, c := range []struct {
		name  string
		main  string
		files map[string]string
		calls [][]string
	}{
		{
			name:  "no INCLUDE reads nothing",
			main:  lines("FROM alpine AS a", "COPY --from=a / /"),
			calls: nil,
		},
		{
			name: "three files at one level, one of them twice",
			main: lines("INCLUDE a.Dockerfile AS a", "INCLUDE b.Dockerfile AS b", "INCLUDE a.Dockerfile AS c", "INCLUDE --from=lib c.Dockerfile AS d", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": "FROM alpine AS x\n", "b.Dockerfile": "FROM alpine AS x\n",
				"lib:c.Dockerfile": "FROM alpine AS x\n"},
			calls: [][]string{{"a.Dockerfile", "b.Dockerfile", "lib:c.Dockerfile"}},
		},
		{
			name: "a diamond reads the shared file once",
			main: lines("INCLUDE a.Dockerfile AS a", "INCLUDE b.Dockerfile AS b", "FROM a.x"),
			files: map[string]string{
				"a.Dockerfile": lines("INCLUDE d.Dockerfile AS d", "FROM d.x AS x"),
				"b.Dockerfile": lines("INCLUDE d.Dockerfile AS d", "FROM d.x AS x"),
				"d.Dockerfile": lines("FROM alpine AS x"),
			},
			calls: [][]string{{"a.Dockerfile", "b.Dockerfile"}, {"d.Dockerfile"}},
		},
		{
			name: "three levels with ../ and rooted paths",
			main: lines("INCLUDE a/a.Dockerfile AS a", "FROM alpine"),
			files: map[string]string{
				"a/a.Dockerfile": lines("INCLUDE ../b.Dockerfile AS b", "FROM alpine AS x"),
				"b.Dockerfile":   lines("INCLUDE c/c.Dockerfile AS c", "FROM alpine AS x"),
				"c/c.Dockerfile": lines("INCLUDE /d.Dockerfile AS d", "FROM alpine AS x"),
				"d.Dockerfile":   lines("FROM alpine AS x"),
			},
			calls: [][]string{{"a/a.Dockerfile"}, {"b.Dockerfile"}, {"c/c.Dockerfile"}, {"d.Dockerfile"}},
		},
		{
			name: "a file read at an earlier level is not asked for again",
			main: lines("INCLUDE a.Dockerfile AS a", "INCLUDE d.Dockerfile AS d", "FROM alpine"),
			files: map[string]string{
				"a.Dockerfile": lines("INCLUDE d.Dockerfile AS d", "FROM alpine AS x"),
				"d.Dockerfile": lines("FROM alpine AS x"),
			},
			calls: [][]string{{"a.Dockerfile", "d.Dockerfile"}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, r, err := parseIncludes(includeCase{main: c.main, files: c.files})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, call := range r.Calls {
				var refs []string
				for _, ref := range call {
					refs = append(refs, ref.String())
				}
				got = append(got, refs)
			}
			if !reflect.DeepEqual(got, c.calls) {
				t.Errorf("reads = %q, want %q", got, c.calls)
			}
		})
	}
}
