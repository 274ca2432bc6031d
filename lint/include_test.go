package lint_test

// Lint covers the files INCLUDE and FROM ./f#s bring in as it covers the
// main file: their parser warnings carry their own file and line, and the
// ARGs they declare count as declared. The main file's "# check=" governs
// every file of the build.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/stages"
)

type includeLintCase struct {
	name       string
	dockerfile string
	// files are the build context's files, path and content pairs.
	files     []string
	buildArgs map[string]string
	// want lists "file:line Rule" (line 0 for a warning without one) of
	// the rules named in rules.
	want []string
}

// emptyContinuation is a RUN whose second line is empty: the parser warns
// (NoEmptyContinuation) at the line that ends the instruction, line 4 of
// this text.
const emptyContinuation = "FROM alpine AS x\nRUN echo a \\\n\n  b\n"

func TestIncludeParserWarnings(t *testing.T) {
	checkIncludeRules(t, []string{"NoEmptyContinuation"}, []includeLintCase{{
		name:       "in a file of stages, at its own line",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", emptyContinuation},
		want:       []string{"inc.Dockerfile:4 NoEmptyContinuation"},
	}, {
		name:       "in a pasted snippet",
		dockerfile: "FROM alpine\nINCLUDE snip.Dockerfile\n",
		files:      []string{"snip.Dockerfile", "RUN echo a \\\n\n  b\n"},
		want:       []string{"snip.Dockerfile:3 NoEmptyContinuation"},
	}, {
		name:       "nested two deep, beside the main file's own",
		dockerfile: "INCLUDE a/a.Dockerfile AS a\nFROM a.b.x\nRUN echo a \\\n\n  b\n",
		files: []string{"a/a.Dockerfile", "INCLUDE ../b/b.Dockerfile AS b\nFROM a.b.x AS y\n",
			"b/b.Dockerfile", emptyContinuation},
		want: []string{"Dockerfile:5 NoEmptyContinuation", "b/b.Dockerfile:4 NoEmptyContinuation"},
	}, {
		name:       "a file included twice warns once",
		dockerfile: "INCLUDE inc.Dockerfile AS one\nINCLUDE inc.Dockerfile AS two\nFROM one.x\n",
		files:      []string{"inc.Dockerfile", emptyContinuation},
		want:       []string{"inc.Dockerfile:4 NoEmptyContinuation"},
	}, {
		name:       "a file named by FROM ./f#s",
		dockerfile: "FROM ./inc.Dockerfile#x\n",
		files:      []string{"inc.Dockerfile", emptyContinuation},
		want:       []string{"inc.Dockerfile:4 NoEmptyContinuation"},
	}, {
		name:       "the main file's check skips it in every file",
		dockerfile: "# check=skip=NoEmptyContinuation\nINCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", emptyContinuation},
	}, {
		name:       "an included file's check directive is not the build's",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "# check=skip=NoEmptyContinuation\n" + emptyContinuation},
		want:       []string{"inc.Dockerfile:5 NoEmptyContinuation"},
	}})
}

func TestIncludeUnusedBuildArg(t *testing.T) {
	given := map[string]string{"V": "1"}
	checkIncludeRules(t, []string{"UnusedBuildArg"}, []includeLintCase{{
		name:       "a global ARG of an included file declares it",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "ARG V\nFROM alpine AS x\n"},
		buildArgs:  given,
	}, {
		name:       "a global ARG two files deep declares it",
		dockerfile: "INCLUDE a.Dockerfile AS a\nFROM a.b.x\n",
		files:      []string{"a.Dockerfile", "INCLUDE b.Dockerfile AS b\nFROM a.b.x AS y\n", "b.Dockerfile", "ARG V\nFROM alpine AS x\n"},
		buildArgs:  given,
	}, {
		name:       "a stage ARG of an included file declares it",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "FROM alpine AS x\nARG V\n"},
		buildArgs:  given,
	}, {
		name:       "an ARG of a pasted snippet declares it",
		dockerfile: "FROM alpine\nINCLUDE snip.Dockerfile\n",
		files:      []string{"snip.Dockerfile", "ARG V\nRUN echo $V\n"},
		buildArgs:  given,
	}, {
		name:       "a global ARG of a file FROM ./f#s names declares it",
		dockerfile: "FROM ./inc.Dockerfile#x\n",
		files:      []string{"inc.Dockerfile", "ARG V\nFROM alpine AS x\n"},
		buildArgs:  given,
	}, {
		name:       "an arg no file declares is unused",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "ARG V\nFROM alpine AS x\n"},
		buildArgs:  map[string]string{"V": "1", "TYPO": "2"},
		want:       []string{"Dockerfile:0 UnusedBuildArg"},
	}})
}

func checkIncludeRules(t *testing.T, rules []string, cases []includeLintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keep := func(rule string) bool { return slices.Contains(rules, rule) }
			if got := includeCheck(t, c, keep); !slices.Equal(got, c.want) {
				t.Errorf("--check: got %q, want %q", got, c.want)
			}
			if got := includeBuildWarnings(t, c, keep); !slices.Equal(got, c.want) {
				t.Errorf("build: got %q, want %q", got, c.want)
			}
		})
	}
}

func includeOpt(c includeLintCase) dockerfile2llb.ConvertOpt {
	return dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: c.buildArgs},
		MetaResolver: fakeresolver.New(),
		Includes:     fakefiles.New(c.files...).Platformless(),
	}
}

// includeCheck answers --check for c and lists its warnings by the file
// of the lint result's source they point at.
func includeCheck(t *testing.T, c includeLintCase, keep func(string) bool) []string {
	t.Helper()
	res := checkOK(t, c.dockerfile, includeOpt(c))
	var got []string
	for _, w := range res.Warnings {
		if keep(w.RuleName) {
			got = append(got, fmt.Sprintf("%s:%d %s", res.Sources[w.Location.SourceIndex].Filename, warningLine(w), w.RuleName))
		}
	}
	slices.Sort(got)
	return got
}

// includeBuildWarnings converts c as a build does, listing the warnings
// Warn and WarnFile receive.
func includeBuildWarnings(t *testing.T, c includeLintCase, keep func(string) bool) []string {
	t.Helper()
	var got []string
	add := func(file, rule string, loc []parser.Range) {
		if !keep(rule) {
			return
		}
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		got = append(got, fmt.Sprintf("%s:%d %s", file, line, rule))
	}
	opt := includeOpt(c)
	opt.Warn = func(rule, _, _, _ string, loc []parser.Range) { add("Dockerfile", rule, loc) }
	opt.WarnFile = func(src *stages.Source, rule, _, _, _ string, loc []parser.Range) { add(src.Name, rule, loc) }
	if _, err := dockerfile2llb.Convert(context.Background(), []byte(c.dockerfile), opt); err != nil && !strings.Contains(err.Error(), "lint violation") {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

// A FROM naming a file's stage is not an image name, so the rule about
// invalid image names from default ARGs has nothing to say about it.
func TestIncludePathRefIsNoImageName(t *testing.T) {
	checkIncludeRules(t, []string{"InvalidDefaultArgInFrom"}, []includeLintCase{{
		name:       "FROM ./f#s AS x",
		dockerfile: "FROM ./base/Dockerfile#dev AS development\n",
		files:      []string{"base/Dockerfile", "FROM alpine AS dev\n"},
	}, {
		name:       "an ARG that expands to a path",
		dockerfile: "ARG BASE=./base/Dockerfile#dev\nFROM ${BASE}\n",
		files:      []string{"base/Dockerfile", "FROM alpine AS dev\n"},
	}, {
		name:       "an ARG with no default still warns",
		dockerfile: "ARG BASE\nFROM ${BASE}\n",
		buildArgs:  map[string]string{"BASE": "./base/Dockerfile#dev"},
		files:      []string{"base/Dockerfile", "FROM alpine AS dev\n"},
		want:       []string{"Dockerfile:2 InvalidDefaultArgInFrom"},
	}})
}

// CacheBustArg reads the uses of an ARG in the file each instruction comes
// from, and its message gives the ARG's line in its own file.
func TestIncludeCacheBustArg(t *testing.T) {
	checkIncludeRules(t, []string{"CacheBustArg"}, []includeLintCase{{
		name:       "used by ENV in an included file: a real use",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "FROM alpine AS x\nARG CACHEBUST\nENV STAMP=$CACHEBUST\nRUN true\n"},
	}, {
		name:       "only RUN uses it in an included file",
		dockerfile: "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files:      []string{"inc.Dockerfile", "FROM alpine AS x\nARG CACHEBUST\nRUN echo $CACHEBUST\n"},
		want:       []string{"inc.Dockerfile:2 CacheBustArg"},
	}})
}
