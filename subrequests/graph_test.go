package subrequests_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
	"github.com/myorg/multistage/subrequests"
)

// TestGraphMetadataFiles: the frontend.graph answer of a build of several
// files draws one cluster per file holding stages in result.txt and names
// every stage's file in result.json; one file gives neither.
func TestGraphMetadataFiles(t *testing.T) {
	for _, c := range []struct {
		name       string
		dockerfile string
		files      []string
		// clusters are the labels of result.txt's clusters, in order;
		// stageFiles every stage's file in result.json.
		clusters   []string
		stageFiles []string
	}{
		{
			name:       "one file",
			dockerfile: "FROM busybox AS build\nFROM scratch\nCOPY --from=build /a /a\n",
			stageFiles: []string{"", ""},
		},
		{
			name:       "a toolchain file and a snippet",
			dockerfile: "INCLUDE docker/go.Dockerfile AS go\nFROM go.build AS api\nINCLUDE docker/snippets/user.Dockerfile\nFROM go.build AS web\n",
			files: []string{
				"docker/go.Dockerfile", "FROM busybox AS build\n",
				"docker/snippets/user.Dockerfile", "USER 65534\n",
			},
			clusters:   []string{`label="Dockerfile"`, `label="docker/go.Dockerfile (AS go)"`},
			stageFiles: []string{"docker/go.Dockerfile", "Dockerfile", "Dockerfile"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := stages.ParseContext(context.Background(), []byte(c.dockerfile), stages.ParseOpt{Reader: fakefiles.New(c.files...)})
			if err != nil {
				t.Fatal(err)
			}
			g, err := stages.Build(stages.FromDockerfile(d, "", nil))
			if err != nil {
				t.Fatal(err)
			}
			md, err := subrequests.GraphMetadata(g)
			if err != nil {
				t.Fatal(err)
			}
			var clusters []string
			for _, l := range strings.Split(string(md["result.txt"]), "\n") {
				if l = strings.TrimSpace(l); strings.HasPrefix(l, "label=") && strings.HasSuffix(l, `";`) {
					clusters = append(clusters, strings.TrimSuffix(l, ";"))
				}
			}
			if !slices.Equal(clusters, c.clusters) {
				t.Errorf("result.txt clusters %q, want %q:\n%s", clusters, c.clusters, md["result.txt"])
			}
			var r stages.Rendered
			if err := json.Unmarshal(md["result.json"], &r); err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, n := range r.Nodes {
				if n.Kind == stages.KindStage {
					files = append(files, n.File)
				}
			}
			if !slices.Equal(files, c.stageFiles) {
				t.Errorf("result.json stage files %q, want %q", files, c.stageFiles)
			}
		})
	}
}
