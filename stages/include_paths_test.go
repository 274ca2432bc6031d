package stages_test

import (
	"reflect"
	"testing"
)

// TestIncludePaths: where INCLUDE looks for a file, as §3.3 of the design
// says: the main file's paths from the context root, an included file's
// from its own directory, rooted paths from its context's root, --from
// from that context's root.
func TestIncludePaths(t *testing.T) {
	x := "FROM alpine AS x\n"
	for _, c := range []struct {
		name  string
		main  string
		files map[string]string
		args  map[string]string
		reads []string // every file read, in order
	}{
		{name: "main file: relative to the context root", main: "INCLUDE docker/go.Dockerfile\n",
			files: map[string]string{"docker/go.Dockerfile": x}, reads: []string{"docker/go.Dockerfile"}},
		{name: "main file: ./ and rooted are the same", main: "INCLUDE ./a/../docker/go.Dockerfile AS a\nINCLUDE /docker/go.Dockerfile AS b\n",
			files: map[string]string{"docker/go.Dockerfile": x}, reads: []string{"docker/go.Dockerfile"}},
		{name: "included file: relative to its directory, ../ climbs to the root", main: "INCLUDE a/b/c.Dockerfile\n",
			files: map[string]string{"a/b/c.Dockerfile": "INCLUDE ../../d.Dockerfile AS d\n" + x, "d.Dockerfile": "FROM alpine AS y\n"},
			reads: []string{"a/b/c.Dockerfile", "d.Dockerfile"}},
		{name: "included file: rooted from the context root", main: "INCLUDE a/b.Dockerfile\n",
			files: map[string]string{"a/b.Dockerfile": "INCLUDE /c.Dockerfile AS c\n" + x, "c.Dockerfile": x},
			reads: []string{"a/b.Dockerfile", "c.Dockerfile"}},
		{name: "--from: from that context's root, and its files' paths stay in it", main: "INCLUDE --from=lib /dir/n.Dockerfile\n",
			files: map[string]string{"lib:dir/n.Dockerfile": "INCLUDE m.Dockerfile AS m\nINCLUDE /r.Dockerfile AS r\n" + x, "lib:dir/m.Dockerfile": x, "lib:r.Dockerfile": x},
			reads: []string{"lib:dir/n.Dockerfile", "lib:dir/m.Dockerfile", "lib:r.Dockerfile"}},
		{name: "--from in an included file", main: "INCLUDE a/b.Dockerfile\n",
			files: map[string]string{"a/b.Dockerfile": "INCLUDE --from=lib n.Dockerfile AS n\n" + x, "lib:n.Dockerfile": x},
			reads: []string{"a/b.Dockerfile", "lib:n.Dockerfile"}},
		{name: "a global ARG in the path", main: "ARG SERVICE=api\nINCLUDE services/${SERVICE}/extra.Dockerfile\n",
			files: map[string]string{"services/api/extra.Dockerfile": x}, reads: []string{"services/api/extra.Dockerfile"}},
		{name: "a build arg in the path", main: "ARG SERVICE=api\nINCLUDE services/$SERVICE/extra.Dockerfile\n", args: map[string]string{"SERVICE": "web"},
			files: map[string]string{"services/web/extra.Dockerfile": x}, reads: []string{"services/web/extra.Dockerfile"}},
		{name: "a default for an unset ARG", main: "ARG SERVICE\nINCLUDE services/${SERVICE:-api}/extra.Dockerfile\n",
			files: map[string]string{"services/api/extra.Dockerfile": x}, reads: []string{"services/api/extra.Dockerfile"}},
		{name: "an ARG in --from", main: "ARG LIB=lib\nINCLUDE --from=$LIB n.Dockerfile\n",
			files: map[string]string{"lib:n.Dockerfile": x}, reads: []string{"lib:n.Dockerfile"}},
		{name: "an included file's ARG, inherited, in its path", main: "ARG V=2\nINCLUDE a.Dockerfile\n",
			files: map[string]string{"a.Dockerfile": "ARG V\nINCLUDE v${V}.Dockerfile AS v\n" + x, "v2.Dockerfile": x},
			reads: []string{"a.Dockerfile", "v2.Dockerfile"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, r, err := parseIncludes(includeCase{main: c.main, files: c.files, args: c.args})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, call := range r.Calls {
				for _, ref := range call {
					got = append(got, ref.String())
				}
			}
			if !reflect.DeepEqual(got, c.reads) {
				t.Errorf("reads = %q, want %q", got, c.reads)
			}
		})
	}
}

// TestPathReferences: dockerfile-x's FROM ./f#stage and --from=./f#stage.
func TestPathReferences(t *testing.T) {
	runIncludeCases(t, []includeCase{
		{
			name:  "FROM ./f#stage and COPY --from=./f#stage",
			main:  lines("FROM ./docker/go.Dockerfile#build AS app", "COPY --from=./docker/go.Dockerfile#test /r /r"),
			files: map[string]string{"docker/go.Dockerfile": goFile},
			stages: []string{"docker/go.Dockerfile#build (docker/go.Dockerfile:1)", "docker/go.Dockerfile#test (docker/go.Dockerfile:3)",
				"app (Dockerfile:1)"},
			edges: []string{"docker/go.Dockerfile#build -from-> golang (image)", "docker/go.Dockerfile#test -from-> docker/go.Dockerfile#build",
				"app -from-> docker/go.Dockerfile#build", "app -copy-> docker/go.Dockerfile#test"},
		},
		{
			name:   "without #stage: the last stage",
			main:   lines("FROM ./go.Dockerfile"),
			files:  map[string]string{"go.Dockerfile": goFile},
			edges:  []string{"go.Dockerfile#build -from-> golang (image)", "go.Dockerfile#test -from-> go.Dockerfile#build", "stage-0 -from-> go.Dockerfile#test"},
			stages: []string{"go.Dockerfile#build (go.Dockerfile:1)", "go.Dockerfile#test (go.Dockerfile:3)", "stage-0 (Dockerfile:1)"},
		},
		{
			name:  "RUN --mount from=./f#stage",
			main:  lines("FROM alpine", "RUN --mount=from=./go.Dockerfile#build,target=/b true"),
			files: map[string]string{"go.Dockerfile": goFile},
			edges: []string{"go.Dockerfile#build -from-> golang (image)", "go.Dockerfile#test -from-> go.Dockerfile#build",
				"stage-0 -from-> alpine (image)", "stage-0 -mount-> go.Dockerfile#build"},
		},
		{
			name:  "a global ARG makes the reference",
			main:  lines("ARG GO=./go.Dockerfile", "FROM ${GO}#build", "COPY --from=${GO}#test / /"),
			files: map[string]string{"go.Dockerfile": goFile},
			edges: []string{"go.Dockerfile#build -from-> golang (image)", "go.Dockerfile#test -from-> go.Dockerfile#build",
				"stage-0 -from-> go.Dockerfile#build", "stage-0 -copy-> go.Dockerfile#test"},
		},
		{
			name: "one instance per file, shared by every file that names it, ../ three deep",
			main: lines("INCLUDE a/b/c/c.Dockerfile AS c", "FROM ./lib.Dockerfile#x", "COPY --from=c.y / /"),
			files: map[string]string{
				"a/b/c/c.Dockerfile": lines("FROM ../../../lib.Dockerfile#x AS y"),
				"lib.Dockerfile":     lines("FROM alpine AS x"),
			},
			stages: []string{"lib.Dockerfile#x (lib.Dockerfile:1)", "c.y (a/b/c/c.Dockerfile:1)", "stage-0 (Dockerfile:2)"},
			edges:  []string{"lib.Dockerfile#x -from-> alpine (image)", "c.y -from-> lib.Dockerfile#x", "stage-0 -from-> lib.Dockerfile#x", "stage-0 -copy-> c.y"},
		},
		{
			name: "an instance that names another comes after it",
			main: lines("FROM ./a.Dockerfile#x"),
			files: map[string]string{
				"a.Dockerfile": lines("FROM ./b.Dockerfile#y AS x"),
				"b.Dockerfile": lines("FROM alpine AS y"),
			},
			stages: []string{"b.Dockerfile#y (b.Dockerfile:1)", "a.Dockerfile#x (a.Dockerfile:1)", "stage-0 (Dockerfile:1)"},
		},
		{
			name:  "a path reference in a snippet is relative to the snippet",
			main:  lines("FROM alpine", "INCLUDE s/s.Dockerfile"),
			files: map[string]string{"s/s.Dockerfile": lines("COPY --from=./go.Dockerfile#build / /"), "s/go.Dockerfile": goFile},
			edges: []string{"s/go.Dockerfile#build -from-> golang (image)", "s/go.Dockerfile#test -from-> s/go.Dockerfile#build",
				"stage-0 -from-> alpine (image)", "stage-0 -copy-> s/go.Dockerfile#build"},
		},
		{
			name:  "INCLUDE f AS go and FROM ./f#build are two instances",
			main:  lines("INCLUDE go.Dockerfile AS go", "FROM ./go.Dockerfile#build", "COPY --from=go.build / /"),
			files: map[string]string{"go.Dockerfile": goFile},
			stages: []string{"go.Dockerfile#build (go.Dockerfile:1)", "go.Dockerfile#test (go.Dockerfile:3)",
				"go.build (go.Dockerfile:1)", "go.test (go.Dockerfile:3)", "stage-0 (Dockerfile:2)"},
		},
		{
			name:  "an unknown #stage gets a suggestion",
			main:  lines("FROM alpine", "", "", "", "", "", "", "FROM ./docker/go.Dockerfile#bulid"),
			files: map[string]string{"docker/go.Dockerfile": goFile},
			err:   []string{`FROM ./docker/go.Dockerfile#bulid (line 8): docker/go.Dockerfile has no stage "bulid": did you mean "build"?`},
			where: []string{"Dockerfile:8"},
		},
		{
			name:  "a missing file names the reference",
			main:  lines("FROM alpine", "COPY --from=./go.Dockerfile#build / /"),
			err:   []string{"COPY --from=./go.Dockerfile#build (line 2): go.Dockerfile does not exist in the build context"},
			where: []string{"Dockerfile:2"},
		},
		{
			name:  "a reference above the context",
			main:  lines("FROM ../go.Dockerfile#build"),
			err:   []string{"FROM ../go.Dockerfile#build (line 1): ../go.Dockerfile climbs above the root of the build context"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "a stage ARG that makes a path",
			main:  lines("FROM alpine", "ARG X=./go.Dockerfile#build", "COPY --from=${X} / /"),
			files: map[string]string{"go.Dockerfile": goFile},
			err:   []string{"COPY --from=${X} (line 3): a file reference may use global ARGs and build args only; $X is a stage ARG"},
			where: []string{"Dockerfile:3"},
		},
		{
			name:  "a referenced file without FROM",
			main:  lines("FROM ./s.Dockerfile"),
			files: map[string]string{"s.Dockerfile": lines("RUN true")},
			err:   []string{"s.Dockerfile has no FROM and no INCLUDE: FROM ./s.Dockerfile names a stage of it; in s.Dockerfile, referenced at line 1 of Dockerfile"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "a referenced file of INCLUDEs only has no last stage of its own",
			main:  lines("FROM busybox", "COPY --from=./index.Dockerfile /a /a"),
			files: map[string]string{"index.Dockerfile": lines("INCLUDE a.Dockerfile"), "a.Dockerfile": lines("FROM alpine AS base")},
			err:   []string{"COPY --from=./index.Dockerfile (line 2): index.Dockerfile has no stage of its own (it only INCLUDEs other files): name one of its stages with #stage: base"},
			where: []string{"Dockerfile:2"},
		},
		{
			name:   "a referenced file of INCLUDEs only, #stage names an included stage",
			main:   lines("FROM ./index.Dockerfile#base"),
			files:  map[string]string{"index.Dockerfile": lines("INCLUDE a.Dockerfile"), "a.Dockerfile": lines("FROM alpine AS base")},
			stages: []string{"index.Dockerfile#base (a.Dockerfile:1)", "stage-0 (Dockerfile:1)"},
		},
	})
}
