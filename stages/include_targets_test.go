package stages_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/myorg/multistage/stages"
)

// TestIncludeTargetsAndContexts: --target, several targets and
// --build-context take the qualified names of included stages.
func TestIncludeTargetsAndContexts(t *testing.T) {
	main := lines("INCLUDE docker/go.Dockerfile AS go", "FROM go.build AS api", "FROM go.test AS web")
	files := map[string]string{"docker/go.Dockerfile": goFile}
	for _, c := range []struct {
		name     string
		target   string
		contexts []string
		targets  []string // display names
		order    []string
		kinds    []string // "name=kind" of the stages that are not plain stages
	}{
		{name: "default: the main file's last stage", targets: []string{"web"}, order: []string{"go.build", "go.test", "web"}},
		{name: "an included stage", target: "go.build", targets: []string{"go.build"}, order: []string{"go.build"}},
		{name: "case does not matter", target: "GO.Test", targets: []string{"go.test"}, order: []string{"go.build", "go.test"}},
		{name: "several targets", target: "api,go.test", targets: []string{"api", "go.test"}, order: []string{"go.build", "go.test", "api"}},
		{name: "a named context replaces an included stage", target: "api", contexts: []string{"go.build"},
			targets: []string{"api"}, order: []string{"go.build", "api"}, kinds: []string{"go.build=context"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _, err := parseIncludes(includeCase{main: main, files: files, target: c.target})
			if err != nil {
				t.Fatal(err)
			}
			named := func(n string) bool { return slices.Contains(c.contexts, n) }
			g, err := stages.Build(stages.FromDockerfile(d, c.target, named))
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, n := range g.Stages {
				if n.Kind != stages.KindStage {
					kinds = append(kinds, n.DisplayName()+"="+string(n.Kind))
				}
			}
			for _, cmp := range []struct {
				what      string
				got, want any
			}{
				{"targets", displayNames(g.Targets), c.targets},
				{"order", displayNames(g.Order), c.order},
				{"kinds", kinds, c.kinds},
			} {
				if !reflect.DeepEqual(cmp.got, cmp.want) {
					t.Errorf("%s = %q, want %q", cmp.what, cmp.got, cmp.want)
				}
			}
		})
	}
}

// TestIncludeWithBaseTriggers: the graph built again with a base image's
// ONBUILD triggers keeps the files: a trigger of an included stage
// resolves in that file.
func TestIncludeWithBaseTriggers(t *testing.T) {
	d, _, err := parseIncludes(includeCase{
		main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM lib.app"),
		files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS tools", "FROM example.com/onbuild AS app")},
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := stages.Build(stages.FromDockerfile(d, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	g2, err := g.WithBaseTriggers(map[int][]string{1: {"COPY --from=tools /bin/tool /bin/tool"}})
	if err != nil {
		t.Fatal(err)
	}
	app := g2.Stages[1]
	if last := app.Deps[len(app.Deps)-1]; last.To.DisplayName() != "lib.tools" || app.Unit.Source.Name != "lib.Dockerfile" {
		t.Errorf("the trigger's --from=tools resolved to %s in %s", last.To.DisplayName(), app.Unit.Source.Name)
	}
	if !g2.Reachable(g2.Stages[0]) {
		t.Error("lib.tools is not needed")
	}
}

func displayNames(ns []*stages.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.DisplayName())
	}
	return out
}

// TestIncludeAsWritten: listing the targets parses without evaluating the
// global scope, yet include paths still expand in it (defaults and build
// args), and every file's stages are listed with their units.
func TestIncludeAsWritten(t *testing.T) {
	r := reader(map[string]string{
		"svc/api.Dockerfile": lines("ARG V", "INCLUDE ${V}.Dockerfile AS v", "FROM alpine AS build"),
		"svc/2.Dockerfile":   lines("FROM alpine AS x", "RUN --mount=from=${NOPE},target=/n true"),
	})
	main := lines("ARG SVC=web", "ARG V=2", "INCLUDE svc/${SVC}.Dockerfile AS svc", "FROM svc.build AS out")
	d, err := stages.ParseContext(context.Background(), []byte(main), stages.ParseOpt{Reader: r, AsWritten: true, BuildArgs: map[string]string{"SVC": "api"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, st := range d.Stages {
		got = append(got, d.Files.OfStage(i).Prefix+st.Name)
	}
	if want := []string{"svc.v.x", "svc.build", "out"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stages = %q, want %q", got, want)
	}
	if len(d.GlobalArgs.Keys()) != 0 || d.Declared != nil {
		t.Errorf("the global scope was evaluated: %v, %v", d.GlobalArgs.Keys(), d.Declared)
	}
}
