package docsexamples

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// exampleShape is what a test checks of an example: where it starts, its
// files, and its commands' first lines with what they expect.
type exampleShape struct {
	line   int
	files  []string
	cmds   []string
	expect [][]string
	fail   []bool
	image  string
}

func shapeOf(e Example) exampleShape {
	s := exampleShape{line: e.Line, image: e.Image}
	for _, f := range e.Files {
		s.files = append(s.files, f.Path)
	}
	for _, c := range e.Commands {
		first, _, _ := strings.Cut(c.Text, "\n")
		s.cmds = append(s.cmds, first)
		s.expect = append(s.expect, c.Expect)
		s.fail = append(s.fail, c.WantFail)
	}
	return s
}

func TestParseGoodPage(t *testing.T) {
	src, err := os.ReadFile("testdata/pages/good.md")
	if err != nil {
		t.Fatal(err)
	}
	page, errs := Parse("good.md", string(src))
	for _, err := range errs {
		t.Errorf("unexpected error: %v", err)
	}
	want := []exampleShape{
		{
			line: 8, files: []string{"Dockerfile"},
			cmds:   []string{"docker buildx build --output type=local,dest=out . && cat out/hello"},
			expect: [][]string{{"hello from multistage"}}, fail: []bool{false},
		},
		{
			line: 26, files: []string{"docker/app.Dockerfile", "notes/README.txt"},
			cmds:   []string{`docker buildx build -f docker/app.Dockerfile \`, "test -f notes/README.txt && echo context has notes"},
			expect: [][]string{{"lint", "test", "tested", "linted"}, {"context has notes"}}, fail: []bool{false, false},
		},
		{
			line: 59, files: []string{"Dockerfile"},
			cmds:   []string{"docker buildx build --target lnt ."},
			expect: [][]string{{"ERROR:", `target stage "lnt" could not be found (did you mean lint?)`}}, fail: []bool{true},
		},
		{
			line: 73, files: []string{"Dockerfile"},
			cmds:   []string{"docker buildx build --call=targets .", "docker buildx build --call=graph --target release ."},
			expect: [][]string{{"release (default)"}, {"digraph stages {"}}, fail: []bool{false, false},
			image: "images/fixture-graph.svg",
		},
		{
			line: 93, files: []string{"Dockerfile"},
			cmds:   []string{"docker buildx build --target build --output type=local,dest=out . && cat out/out"},
			expect: [][]string{{"build"}}, fail: []bool{false},
		},
	}
	var got []exampleShape
	for _, e := range page.Examples {
		got = append(got, shapeOf(e))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("examples:\n got %+v\nwant %+v", got, want)
	}
	wantNotRun := []NotRun{
		{"good.md", 101, "a CI workflow; the CI check validates it"},
		{"good.md", 105, "buildctl against a remote host the test does not have"},
	}
	if !reflect.DeepEqual(page.NotRun, wantNotRun) {
		t.Errorf("not-run:\n got %+v\nwant %+v", page.NotRun, wantNotRun)
	}
}

// TestParseFileText checks what is written: a fence's content with its
// list indentation removed and a final newline, continuation lines kept.
func TestParseFileText(t *testing.T) {
	src := "- item:\n\n  ```dockerfile\n  FROM busybox\n    RUN true\n  ```\n\n  ```console\n  $ a \\\n      b\n  ```\n"
	page, errs := Parse("p.md", src)
	if len(errs) > 0 || len(page.Examples) != 1 {
		t.Fatalf("errors %v, examples %d", errs, len(page.Examples))
	}
	e := page.Examples[0]
	if got, want := e.Files[0].Text, "FROM busybox\n  RUN true\n"; got != want {
		t.Errorf("Dockerfile text %q, want %q", got, want)
	}
	if got, want := e.Commands[0].Text, "a \\\n    b"; got != want {
		t.Errorf("command %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	const df = "```dockerfile\nFROM busybox\n```\n"
	const run = "```console\n$ docker buildx build .\n```\n"
	cases := []struct {
		name string
		src  string
		want []string // each error, as "line: substring"
	}{
		{"dockerfile without console", "# t\n" + df, []string{"2: ```dockerfile block has no ```console block"}},
		{"second dockerfile before console", df + df + run, []string{"1: ```dockerfile block has no ```console block"}},
		{"file block left over", "<!-- file: a.go -->\n```go\npackage a\n```\n", []string{`2: file block "a.go" has no`}},
		{"dot-dot path", "<!-- file: ../x -->\n" + df + run, []string{`2: file "../x" escapes the build context`}},
		{"hidden dot-dot path", "<!-- file: a/../../x -->\n" + df + run, []string{`escapes the build context`}},
		{"absolute path", "<!-- file: /etc/passwd -->\n" + df + run, []string{`2: file "/etc/passwd" is absolute`}},
		{"duplicate file", "<!-- file: a -->\n```\nx\n```\n<!-- file: ./a -->\n```\ny\n```\n" + run, []string{`6: file "a" is already given at line 2`}},
		{"console alone", "text\n" + run, []string{"2: ```console block with no example before it"}},
		{"console after a broken example", "<!-- file: /x -->\n" + df + run + run, []string{`2: file "/x" is absolute`}},
		{"output first", df + "```console\nhello\n$ true\n```\n", []string{"5: output before any command"}},
		{"no command", df + "```console\n```\n", []string{"4: ```console block without a `$ ` command"}},
		{"not-run without reason", "<!-- docs-test: not-run -->\n" + df, []string{"1: <!-- docs-test: not-run --> needs a reason"}},
		{"unknown docs-test marker", "<!-- docs-test: skip -->\n" + df + run, []string{"1: unknown marker"}},
		{"marker far from fence", "<!-- file: a.txt -->\n\n" + df + run, []string{"1: marker is not on the line just before a fence"}},
		{"unclosed fence", df + "```console\n$ true\n", []string{"4: fence opened here is never closed"}},
		{"file marker on console", df + "<!-- file: x -->\n" + run, []string{"4: <!-- file: --> cannot mark a ```console block"}},
		{"image on a dockerfile", "<!-- docs-image: g.svg -->\n" + df + run, []string{"1: <!-- docs-image: --> belongs just before the ```console block"}},
		{"image without graph call", df + "<!-- docs-image: g.svg -->\n" + run, []string{"4: docs-image: the example needs exactly one command with --call=graph"}},
		{"image outside the page's directory", df + "<!-- docs-image: ../g.svg -->\n```console\n$ docker buildx build --call=graph .\n```\n", []string{`4: docs-image "../g.svg" escapes`}},
		{"image not svg", df + "<!-- docs-image: g.png -->\n```console\n$ docker buildx build --call=graph .\n```\n", []string{`4: docs-image "g.png": the picture is an .svg`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := Parse("p.md", c.src)
			if len(errs) != len(c.want) {
				t.Fatalf("got %d errors %v, want %d %q", len(errs), errs, len(c.want), c.want)
			}
			for i, want := range c.want {
				if got := errs[i].Error(); !strings.HasPrefix(got, "p.md:") || !strings.Contains(got, want) {
					t.Errorf("error %q does not contain %q", got, want)
				}
			}
		})
	}
}

// TestParseNotRun: a marked block runs nothing and is counted; a marked
// console block takes its example's files with it.
func TestParseNotRun(t *testing.T) {
	src := "```dockerfile\nFROM busybox\n```\n<!-- docs-test: not-run remote host -->\n```console\n$ buildctl build\n```\n" +
		"<!-- docs-test: not-run a fragment -->\n```dockerfile\nRUN x\n```\n"
	page, errs := Parse("p.md", src)
	if len(errs) > 0 || len(page.Examples) > 0 {
		t.Fatalf("errors %v, examples %v", errs, page.Examples)
	}
	want := []NotRun{{"p.md", 1, "remote host"}, {"p.md", 9, "a fragment"}}
	if !reflect.DeepEqual(page.NotRun, want) {
		t.Errorf("not-run %+v, want %+v", page.NotRun, want)
	}
}

// TestRepoPages: every example of README.md and docs/**/*.md either runs
// (integration TestDocs runs it) or is marked not-run with a reason. This
// half needs no BuildKit, so `go test ./...` catches an unmarked block.
func TestRepoPages(t *testing.T) {
	root := repoRoot(t)
	pages, err := Pages(root)
	if err != nil {
		t.Fatal(err)
	}
	examples, notRun := 0, 0
	for _, page := range pages {
		p, errs := ParseFile(root, page)
		for _, err := range errs {
			t.Errorf("%v", err)
		}
		examples += len(p.Examples)
		notRun += len(p.NotRun)
	}
	t.Logf("%d pages: %d examples to run, %d marked not-run", len(pages), examples, notRun)
}
