package stages_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// renderFilesCase is a Dockerfile and the build context files it reads in,
// and the graph's files out.
type renderFilesCase struct {
	name     string
	main     string
	mainName string // ParseOpt.MainName
	files    []string
	// clusters are the DOT clusters in the order drawn, each as
	// "cluster_N label: stage-i stage-j".
	clusters []string
	// stageFiles are every stage's file in the JSON, as "name@file" (the
	// display name, else the ID, for an unnamed stage), in stage order.
	stageFiles []string
	// edgeFiles are every edge's file in the JSON, as "ref@file".
	edgeFiles []string
}

var renderFilesCases = []renderFilesCase{
	{
		name:       "one file: no clusters and no files, as before includes",
		main:       lines("FROM busybox AS build", "FROM scratch", "COPY --from=build /a /a"),
		stageFiles: []string{"build@", "stage-1@"},
		edgeFiles:  []string{"busybox@", "scratch@", "build@"},
	},
	{
		name:  "the main file is a cluster beside the included one",
		main:  lines("INCLUDE docker/go.Dockerfile AS go", "FROM go.build AS api", "FROM scratch AS web", "COPY --from=go.build /b /b"),
		files: []string{"docker/go.Dockerfile", lines("FROM busybox AS toolchain", "FROM toolchain AS build")},
		clusters: []string{
			"cluster_0 Dockerfile: stage-2 stage-3",
			"cluster_1 docker/go.Dockerfile (AS go): stage-0 stage-1",
		},
		stageFiles: []string{"go.toolchain@docker/go.Dockerfile", "go.build@docker/go.Dockerfile", "api@Dockerfile", "web@Dockerfile"},
		edgeFiles:  []string{"busybox@docker/go.Dockerfile", "toolchain@docker/go.Dockerfile", "go.build@Dockerfile", "scratch@Dockerfile", "go.build@Dockerfile"},
	},
	{
		name:     "the main cluster takes the main file's name",
		main:     lines("INCLUDE base.Dockerfile", "FROM base AS app"),
		mainName: "services/api.Dockerfile",
		files:    []string{"base.Dockerfile", lines("FROM busybox AS base")},
		clusters: []string{
			"cluster_0 services/api.Dockerfile: stage-1",
			"cluster_1 base.Dockerfile: stage-0",
		},
		stageFiles: []string{"base@base.Dockerfile", "app@services/api.Dockerfile"},
		edgeFiles:  []string{"busybox@base.Dockerfile", "base@services/api.Dockerfile"},
	},
	{
		name: "nested with ../: one cluster per file, in the order the lines were given out",
		main: lines("INCLUDE a/x.Dockerfile AS x", "FROM x.top"),
		files: []string{
			"a/x.Dockerfile", lines("INCLUDE ../b/y.Dockerfile AS y", "FROM y.mid AS top"),
			"b/y.Dockerfile", lines("INCLUDE ../c/z.Dockerfile", "FROM deep AS mid"),
			"c/z.Dockerfile", lines("FROM busybox AS deep"),
		},
		clusters: []string{
			"cluster_0 Dockerfile: stage-3",
			"cluster_1 a/x.Dockerfile (AS x): stage-2",
			"cluster_2 b/y.Dockerfile (AS y): stage-1",
			"cluster_3 c/z.Dockerfile: stage-0",
		},
		stageFiles: []string{"x.y.deep@c/z.Dockerfile", "x.y.mid@b/y.Dockerfile", "x.top@a/x.Dockerfile", "stage-3@Dockerfile"},
		edgeFiles:  []string{"busybox@c/z.Dockerfile", "deep@b/y.Dockerfile", "y.mid@a/x.Dockerfile", "x.top@Dockerfile"},
	},
	{
		name:  "a snippet holds no stage and gets no cluster; its edge names it",
		main:  lines("FROM busybox AS src", "FROM scratch AS app", "INCLUDE snippets/copy.Dockerfile"),
		files: []string{"snippets/copy.Dockerfile", lines("COPY --from=src /a /a")},
		clusters: []string{
			"cluster_0 Dockerfile: stage-0 stage-1",
		},
		stageFiles: []string{"src@Dockerfile", "app@Dockerfile"},
		edgeFiles:  []string{"busybox@Dockerfile", "scratch@Dockerfile", "src@snippets/copy.Dockerfile"},
	},
	{
		name:  "one file included twice: a cluster per inclusion, told apart by AS",
		main:  lines("INCLUDE t.Dockerfile AS a", "INCLUDE t.Dockerfile AS b", "FROM a.t", "COPY --from=b.t /x /x"),
		files: []string{"t.Dockerfile", lines("FROM busybox AS t")},
		clusters: []string{
			"cluster_0 Dockerfile: stage-2",
			"cluster_1 t.Dockerfile (AS a): stage-0",
			"cluster_2 t.Dockerfile (AS b): stage-1",
		},
		stageFiles: []string{"a.t@t.Dockerfile", "b.t@t.Dockerfile", "stage-2@Dockerfile"},
		edgeFiles:  []string{"busybox@t.Dockerfile", "busybox@t.Dockerfile", "a.t@Dockerfile", "b.t@Dockerfile"},
	},
	{
		name:  "a file reference is a cluster of its own",
		main:  lines("FROM ./lib/base.Dockerfile#base AS app"),
		files: []string{"lib/base.Dockerfile", lines("FROM busybox AS base")},
		clusters: []string{
			"cluster_0 Dockerfile: stage-1",
			"cluster_1 lib/base.Dockerfile (file reference): stage-0",
		},
		stageFiles: []string{"lib/base.Dockerfile#base@lib/base.Dockerfile", "app@Dockerfile"},
		edgeFiles:  []string{"busybox@lib/base.Dockerfile", "./lib/base.Dockerfile#base@Dockerfile"},
	},
}

// TestRenderFiles: in a build of several files, DOT draws every file that
// holds stages as a cluster (the main Dockerfile too) and the JSON names
// every stage's and edge's file; a build of one file draws and names none.
// Rendering twice gives the same bytes.
func TestRenderFiles(t *testing.T) {
	for _, c := range renderFilesCases {
		t.Run(c.name, func(t *testing.T) {
			r := fakefiles.New(c.files...)
			d, err := stages.ParseContext(context.Background(), []byte(c.main), stages.ParseOpt{Reader: r, MainName: c.mainName})
			if err != nil {
				t.Fatal(err)
			}
			g, err := stages.Build(stages.FromDockerfile(d, "", nil))
			if err != nil {
				t.Fatal(err)
			}
			dot := g.DOT()
			if got := dotClusters(dot); !slices.Equal(got, c.clusters) {
				t.Errorf("clusters:\n%s\nwant:\n%s\nDOT:\n%s", strings.Join(got, "\n"), strings.Join(c.clusters, "\n"), dot)
			}
			js, err := g.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var rendered stages.Rendered
			if err := json.Unmarshal(js, &rendered); err != nil {
				t.Fatal(err)
			}
			stageFiles, edgeFiles := renderedFiles(&rendered)
			if !slices.Equal(stageFiles, c.stageFiles) {
				t.Errorf("stage files %q, want %q", stageFiles, c.stageFiles)
			}
			if !slices.Equal(edgeFiles, c.edgeFiles) {
				t.Errorf("edge files %q, want %q", edgeFiles, c.edgeFiles)
			}
			if c.clusters == nil && (strings.Contains(string(js), `"file"`) || rendered.Files != nil) {
				t.Errorf("a build of one file names files in its JSON:\n%s", js)
			}
			again, err := g.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if g.DOT() != dot || string(again) != string(js) {
				t.Errorf("rendering twice gave different bytes")
			}
		})
	}
}

var dotCluster = regexp.MustCompile(`(?m)^  subgraph "(cluster_\d+)" \{\n    label="([^"]*)";\n    style=rounded;\n    (.*)\n  \}$`)

// dotClusters are the clusters of a DOT text as "cluster_N label: ids".
func dotClusters(dot string) []string {
	var out []string
	for _, m := range dotCluster.FindAllStringSubmatch(dot, -1) {
		ids := strings.NewReplacer(`"`, "", ";", "").Replace(m[3])
		out = append(out, m[1]+" "+m[2]+": "+ids)
	}
	return out
}

func renderedFiles(r *stages.Rendered) (stageFiles, edgeFiles []string) {
	for _, n := range r.Nodes {
		if n.Index != nil {
			name := n.Name
			if n.Display != "" {
				name = n.Display
			}
			if name == "" {
				name = n.ID
			}
			stageFiles = append(stageFiles, name+"@"+n.File)
		}
	}
	for _, e := range r.Edges {
		edgeFiles = append(edgeFiles, e.Ref+"@"+e.File)
	}
	return stageFiles, edgeFiles
}
