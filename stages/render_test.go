package stages_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/myorg/multistage/stages"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestRenderGolden")

// TestRenderGolden renders a 6-stage Dockerfile with a diamond (deps ->
// build-api, build-worker -> release), external images (golang, alpine
// through a RUN --mount), scratch, a pruned stage (lint) and a named
// context (tools) as DOT and JSON, and compares them with golden files.
// (docs/images/graph-example.svg is drawn from docs/calls.md's own example
// by hack/docs-images.sh, not from these files.)
func TestRenderGolden(t *testing.T) {
	dir := filepath.Join("testdata", "render")
	dt, err := os.ReadFile(filepath.Join(dir, "graph.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := stages.Parse(dt, stages.ParseOpt{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := stages.Build(stages.FromDockerfile(df, "", func(name string) bool { return name == "tools" }))
	if err != nil {
		t.Fatal(err)
	}
	js, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"graph.dot": g.DOT(), "graph.json": string(js) + "\n"} {
		p := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if string(want) != got {
			t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got ---\n%s", name, got)
		}
	}
}

// TestRenderTarget checks that the target and build args shape the graph:
// another target prunes other stages, and an ARG-expanded --from points
// where the build arg says.
func TestRenderTarget(t *testing.T) {
	dt := []byte("ARG SRC=a\nFROM alpine AS a\nFROM busybox AS b\nFROM scratch AS out\nCOPY --from=${SRC} / /\n")
	for _, tc := range []struct {
		target, src string
		wantTarget  string
		pruned      []string
	}{
		{"", "", "stage-2", []string{"stage-1", "ext-1"}},
		{"", "b", "stage-2", []string{"stage-0", "ext-0"}},
		{"a", "", "stage-0", []string{"stage-1", "stage-2", "ext-1", "ext-2"}},
	} {
		args := map[string]string{}
		if tc.src != "" {
			args["SRC"] = tc.src
		}
		df, err := stages.Parse(dt, stages.ParseOpt{BuildArgs: args, Target: tc.target})
		if err != nil {
			t.Fatal(err)
		}
		g, err := stages.Build(stages.FromDockerfile(df, tc.target, nil))
		if err != nil {
			t.Fatal(err)
		}
		r := g.Render()
		if r.Target != tc.wantTarget {
			t.Errorf("target %q src %q: rendered target %s, want %s", tc.target, tc.src, r.Target, tc.wantTarget)
		}
		var pruned []string
		for _, n := range r.Nodes {
			if n.Pruned {
				pruned = append(pruned, n.ID)
			}
		}
		if len(pruned) != len(tc.pruned) {
			t.Errorf("target %q src %q: pruned %v, want %v", tc.target, tc.src, pruned, tc.pruned)
			continue
		}
		for i := range pruned {
			if pruned[i] != tc.pruned[i] {
				t.Errorf("target %q src %q: pruned %v, want %v", tc.target, tc.src, pruned, tc.pruned)
				break
			}
		}
	}
}

// TestRenderIncludes: with included files, every stage and edge says its
// file and its line there, the files are listed, and DOT draws a box
// around each included file's stages.
func TestRenderIncludes(t *testing.T) {
	d, _, err := parseIncludes(includeCase{
		main: lines("INCLUDE docker/go.Dockerfile AS go", "FROM ./lib.Dockerfile AS app", "INCLUDE s.Dockerfile", "COPY --from=go.test /r /r"),
		files: map[string]string{
			"docker/go.Dockerfile": lines("FROM golang AS build", "FROM build"),
			"lib.Dockerfile":       lines("FROM alpine AS base"),
			"s.Dockerfile":         lines("RUN true", "COPY --from=go.build /b /b"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := stages.Build(stages.FromDockerfile(d, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	js, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	dot := g.DOT()
	for _, want := range []string{
		`"name": "go.build",` + "\n" + `      "index": 1,` + "\n" + `      "base": "golang",` + "\n" + `      "line": 1,` + "\n" + `      "file": "docker/go.Dockerfile",`,
		`"display": "go.stage-1"`,
		`"ref": "go.build",` + "\n" + `      "line": 2,` + "\n" + `      "file": "s.Dockerfile"`,
		`"name": "lib.Dockerfile",` + "\n" + `      "kind": "path",` + "\n" + `      "parent": 0,` + "\n" + `      "line": 2`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %q:\n%s", want, js)
		}
	}
	for _, want := range []string{
		"subgraph \"cluster_1\" {\n    label=\"docker/go.Dockerfile (AS go)\";\n    style=rounded;\n    \"stage-1\"; \"stage-2\";\n  }",
		"subgraph \"cluster_2\" {\n    label=\"lib.Dockerfile (file reference)\";\n    style=rounded;\n    \"stage-0\";\n  }",
		`label="go.stage-1\nline 2`,
		`label="copy (line 2 of s.Dockerfile)"`,
		`label="copy (line 4)"`,
		`label="from (line 2)"`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot)
		}
	}
}
