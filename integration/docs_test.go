package integration

// TestDocs runs every example of README.md and docs/**/*.md as a reader
// would type it (issue 19, "examples are tests"): the page's files in a
// fresh directory, each `$ ` command with sh -c there, `docker buildx`
// reaching the environment's builder, whose registry mirror resolves
// `# syntax=myorg/multistage:1` to the frontend built from this tree. The
// convention the pages follow is internal/docsexamples's.

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/myorg/multistage/internal/docsexamples"
)

// docsParallel bounds the examples built at once: two keep a 2-core
// machine busy without one build's timeout hitting because of the others.
const docsParallel = 2

// docsRoot is the repository, from the integration package's directory.
const docsRoot = ".."

// docsFixturePages are the harness's own pages: examples known to be
// right, so a failure there is the harness's, not a page's.
const docsFixturePages = "internal/docsexamples/testdata/pages"

func TestDocs(t *testing.T) {
	env := docsEnv(t)
	pages, err := docsexamples.Pages(docsRoot)
	if err != nil {
		t.Fatal(err)
	}
	run, notRun := runDocsPages(t, env, pages)
	t.Logf("%d examples run, %d marked not-run", run, notRun)
	if run == 0 {
		t.Fatal("no runnable example in README.md and docs/: the pages or the parser lost them")
	}
}

// TestDocsHarness runs the fixture pages through the same steps: a
// succeeding build, a failing one, a call, continued commands, not-run
// blocks.
func TestDocsHarness(t *testing.T) {
	env := docsEnv(t)
	pages := docsFixtures(t)
	run, notRun := runDocsPages(t, env, pages)
	t.Logf("%d examples run, %d marked not-run", run, notRun)
	if run == 0 || notRun == 0 {
		t.Errorf("the fixtures hold runnable and not-run examples; got %d and %d", run, notRun)
	}
}

// docsEnv is the environment a page's commands run with, or a skip.
func docsEnv(t *testing.T) []string {
	e := requireEnv(t)
	if e.builder == "" {
		t.Skip("docs: the examples are `docker buildx build` commands and MULTISTAGE_BUILDX_BUILDER is not set (hack/env.sh up sets it, unless MULTISTAGE_NO_BUILDX=1)")
	}
	env, err := docsexamples.BuildxEnv(os.Environ(), t.TempDir(), e.buildx, e.builder)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func docsFixtures(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(docsRoot, docsFixturePages, "*.md"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no fixture pages in %s: %v", docsFixturePages, err)
	}
	var pages []string
	for _, m := range matches {
		pages = append(pages, docsFixturePages+"/"+filepath.Base(m))
	}
	return pages
}

// runDocsPages runs the examples of pages as subtests named page:line,
// docsParallel at a time, and counts them. A page's parse errors (an
// example that neither runs nor says why not) fail the test.
func runDocsPages(t *testing.T, env []string, pages []string) (run, notRun int) {
	var examples []docsexamples.Example
	for _, page := range pages {
		p, errs := docsexamples.ParseFile(docsRoot, page)
		for _, err := range errs {
			t.Errorf("%v", err)
		}
		examples = append(examples, p.Examples...)
		notRun += len(p.NotRun)
	}
	var ran atomic.Int64
	slots := make(chan struct{}, docsParallel)
	t.Run("examples", func(t *testing.T) {
		for _, ex := range examples {
			t.Run(ex.Name(), func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				ran.Add(1)
				runDocsExample(t, env, ex)
			})
		}
	})
	return int(ran.Load()), notRun
}

// runDocsExample lays out ex's files and runs its commands in order; it
// stops at the first command that does not do what the page shows, since
// the ones after it may build on it.
func runDocsExample(t *testing.T, env []string, ex docsexamples.Example) {
	dir := t.TempDir()
	if err := ex.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range ex.Commands {
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		o := docsexamples.Run(ctx, dir, env, c)
		cancel()
		if problems := c.Problems(o); len(problems) > 0 {
			t.Fatalf("%s:%d: $ %s\n  %s\noutput (last %d lines):\n%s", ex.Doc, c.Line, c.Text,
				strings.Join(problems, "\n  "), docsTailLines, tail(o.Combined, docsTailLines))
		}
	}
}

// docsTailLines is how much of a failed command's output a failure shows:
// buildx's error and the snippet are at the end.
const docsTailLines = 60

// TestDocsImages regenerates the pictures with hack/docs-images.sh into a
// temporary directory and compares them with the committed ones. The DOT
// is always compared. The SVG is compared byte for byte only where the
// local Graphviz is the version the committed SVG names: dot's layout
// and its generator comment change between versions, so another version's
// SVG differs for no fault of the page.
func TestDocsImages(t *testing.T) {
	docsEnv(t)
	pages, err := docsexamples.Pages(docsRoot)
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, docsFixtures(t)...)
	out := t.TempDir()
	args := []string{filepath.Join(docsRoot, "hack", "docs-images.sh")}
	dotVersion := graphvizVersion(t)
	if dotVersion == "" {
		t.Log("Graphviz's dot is not installed (apt-get install graphviz): comparing the DOT only, not the SVGs")
		args = append(args, "--dot-only")
	}
	cmd := exec.Command("bash", append(append(args, out), pages...)...)
	if text, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/docs-images.sh: %v\n%s", err, text)
	}
	made := compareDocsImages(t, out, dotVersion)
	if !slices.ContainsFunc(made, func(p string) bool { return strings.HasPrefix(p, "docs/") }) {
		if _, err := os.Stat(filepath.Join(docsRoot, "docs", "calls.md")); err == nil {
			t.Errorf("docs/calls.md names no picture: mark its --call=graph example with <!-- docs-image: images/graph-example.svg --> just before the ```console block")
		}
	}
	t.Logf("%d picture files regenerated and compared: %s", len(made), strings.Join(made, ", "))
}

// compareDocsImages compares each file under out with the committed file
// at the same path and returns the paths compared.
func compareDocsImages(t *testing.T, out, dotVersion string) []string {
	var made []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		made = append(made, rel)
		fresh, _ := os.ReadFile(p)
		committed, err := os.ReadFile(filepath.Join(docsRoot, filepath.FromSlash(rel)))
		switch {
		case err != nil:
			t.Errorf("%s is not committed: run hack/docs-images.sh and commit it (%v)", rel, err)
		case strings.HasSuffix(rel, ".svg") && svgGenerator(committed) != dotVersion:
			t.Logf("%s: not compared; the committed SVG was made by Graphviz %q, this machine has %q", rel, svgGenerator(committed), dotVersion)
		case !bytes.Equal(fresh, committed):
			t.Errorf("%s differs from what hack/docs-images.sh makes of its page's example (%s): run it and commit the result", rel, firstDifference(committed, fresh))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return made
}

// firstDifference names the first line where committed and fresh differ.
func firstDifference(committed, fresh []byte) string {
	a, b := strings.Split(string(committed), "\n"), strings.Split(string(fresh), "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return fmt.Sprintf("line %d: committed %q, made now %q", i+1, x, y)
		}
	}
	return "same lines, different bytes"
}

// graphvizVersion is what `dot -V` says after "version", or "" without dot.
func graphvizVersion(t *testing.T) string {
	if _, err := exec.LookPath("dot"); err != nil {
		return ""
	}
	text, err := exec.Command("dot", "-V").CombinedOutput()
	if err != nil {
		t.Fatalf("dot -V: %v\n%s", err, text)
	}
	_, v, _ := strings.Cut(strings.TrimSpace(string(text)), "version ")
	return v
}

var svgGeneratorLine = regexp.MustCompile(`<!-- Generated by graphviz version ([^\n]*)`)

// svgGenerator is the Graphviz version an SVG's header comment names.
func svgGenerator(svg []byte) string {
	m := svgGeneratorLine.FindSubmatch(svg)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(m[1])), "-->"))
}
