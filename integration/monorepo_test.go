package integration

// examples/monorepo through buildx, as its README shows it: both services in
// one build with --target api,web, both with bake, and --call=graph drawing
// one cluster per file that holds stages.

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/myorg/multistage/stages"
)

// monorepoDir copies examples/monorepo to a temp dir, its "# syntax=" line
// naming e's frontend image, and returns it and a fresh parent directory for
// outputs (which bake must be allowed to write to).
func monorepoDir(t *testing.T, e *environment) (dir, parent string) {
	t.Helper()
	if e.builder == "" {
		t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
	}
	src := filepath.Join("..", "examples", "monorepo")
	dir = filepath.Join(t.TempDir(), "monorepo")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dt, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		content := string(dt)
		if rel == "Dockerfile" {
			_, rest, _ := strings.Cut(content, "\n")
			content = "# syntax=" + e.frontend + "\n" + rest
		}
		write(t, filepath.Join(dir, rel), content)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, t.TempDir()
}

// wantServices checks that out holds both services' images, each binary
// printing its start-up line.
func wantServices(t *testing.T, out string) {
	t.Helper()
	for _, svc := range []string{"api", "web"} {
		r := &result{dir: filepath.Join(out, svc)}
		if got, want := r.run(t, "usr/local/bin/"+svc), svc+": ready\n"; got != want {
			t.Errorf("%s printed %q, want %q", svc, got, want)
		}
		if !r.exists("etc/ssl/certs/ca-certificates.crt") {
			t.Errorf("%s lacks the CA bundle the snippet copies", svc)
		}
	}
}

// TestMonorepoBuilds: both services with the README's two commands, in one
// build each: buildx build --target api,web (each target's files in a
// directory of its name) and bake of the example's default group.
func TestMonorepoBuilds(t *testing.T) {
	e := requireEnv(t)
	for _, c := range []struct {
		name string
		// args are buildx's arguments, run in dir for bake (which reads
		// docker-bake.hcl there), to export both services under out.
		args  func(dir, parent, out string) []string
		inDir bool
	}{
		{name: "targets", args: func(dir, _, out string) []string {
			return []string{"build", "--target", "api,web", "--output", "type=local,dest=" + out, dir}
		}},
		{name: "bake", inDir: true, args: func(_, parent, out string) []string {
			return []string{"bake", "--allow=fs.write=" + parent,
				"--set", "api.output=type=local,dest=" + filepath.Join(out, "api"),
				"--set", "web.output=type=local,dest=" + filepath.Join(out, "web")}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir, parent := monorepoDir(t, e)
			out := filepath.Join(parent, "out")
			args := c.args(dir, parent, out)
			args = append([]string{args[0], "--builder", e.builder, "--progress=plain"}, args[1:]...)
			workdir := ""
			if c.inDir {
				workdir = dir
			}
			log, err := runBuildxIn(t, e, workdir, args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			wantServices(t, out)
		})
	}
}

var dotClusterLabel = regexp.MustCompile(`(?m)^  subgraph "cluster_\d+" \{\n    label="([^"]*)";\n    style=rounded;\n    (.*)\n  \}$`)

// TestMonorepoGraph: --call=graph draws one cluster per file that holds
// stages (every file of the example with a FROM), each stage in one of
// them; the snippet, which holds none, is named by the edge it adds. The
// JSON names every stage's file, and --check finds nothing to say.
func TestMonorepoGraph(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	dir, _ := monorepoDir(t, e)
	r := callsRun(t, e, dir, "--call=graph")
	if r.code != 0 {
		t.Fatalf("--call=graph exited %d:\n%s", r.code, r.stderr)
	}
	var files, members []string
	for _, m := range dotClusterLabel.FindAllStringSubmatch(r.stdout, -1) {
		file, _, _ := strings.Cut(m[1], " (")
		files = append(files, file)
		members = append(members, strings.Fields(m[2])...)
	}
	slices.Sort(files)
	if want := stageFiles(t, dir); !slices.Equal(files, want) {
		t.Errorf("clusters of files %q, want one for each of %q:\n%s", files, want, r.stdout)
	}
	stageNodes := regexp.MustCompile(`(?m)^  ("stage-\d+") \[`).FindAllStringSubmatch(r.stdout, -1)
	if len(members) != len(stageNodes) || len(stageNodes) == 0 {
		t.Errorf("%d stages in clusters, %d stages in all:\n%s", len(members), len(stageNodes), r.stdout)
	}
	if !strings.Contains(r.stdout, `of docker/snippets/service.Dockerfile)"`) {
		t.Errorf("no edge names the snippet's file:\n%s", r.stdout)
	}

	r = callsRun(t, e, dir, "--call=graph,format=json")
	var g stages.Rendered
	callsJSON(t, r.stdout, &g)
	for _, n := range g.Nodes {
		if n.Index != nil && n.File == "" {
			t.Errorf("stage %s names no file in the JSON", n.ID)
		}
	}

	r = callsRun(t, e, dir, "--call=check")
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Check complete, no warnings found.") {
		t.Errorf("--check exited %d and is not clean:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// stageFiles are the files under dir that hold a FROM line, by their path
// in it, sorted.
func stageFiles(t *testing.T, dir string) []string {
	t.Helper()
	from := regexp.MustCompile(`(?mi)^FROM `)
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "Dockerfile") {
			return err
		}
		dt, err := os.ReadFile(p)
		if err == nil && from.Match(dt) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
