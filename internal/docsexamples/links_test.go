package docsexamples

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestRepoLinks is issue 19's link check: every relative link and #anchor
// in README.md and docs/**/*.md resolves. External links are counted, not
// fetched (no network here).
func TestRepoLinks(t *testing.T) {
	root := repoRoot(t)
	pages, err := Pages(root)
	if err != nil {
		t.Fatal(err)
	}
	r := CheckLinks(root, pages)
	for _, err := range r.Broken {
		t.Errorf("broken link: %v", err)
	}
	t.Logf("%d pages: %d relative links and anchors resolve, %d broken, %d external links not fetched",
		len(pages), r.Checked, len(r.Broken), r.External)
}

// repoRoot is the directory of go.mod above the package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package")
		}
		dir = parent
	}
}

func TestCheckLinksFixture(t *testing.T) {
	root := "testdata/links"
	pages, err := Pages(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"README.md", "docs/a.md", "docs/sub/b.md", "docs/sub/with space.md"}; !reflect.DeepEqual(pages, want) {
		t.Fatalf("pages %q, want %q", pages, want)
	}
	r := CheckLinks(root, pages)
	var broken []string
	for _, err := range r.Broken {
		broken = append(broken, err.Error())
	}
	want := []string{
		`README.md:16: link "docs/missing.md": docs/missing.md does not exist`,
		`README.md:16: link "docs/a.md#nope": docs/a.md has no heading whose anchor is #nope`,
		`README.md:17: link "#nope": README.md has no heading whose anchor is #nope`,
		`README.md:17: link "../../outside.md": points outside the repository`,
		`README.md:17: link "docs/a.md#Second": docs/a.md has no heading whose anchor is #Second`,
		`README.md:19: link "docs/sub/gone.md": docs/sub/gone.md does not exist`,
		`docs/sub/b.md:3: link "../a.md#usage-2": docs/a.md has no heading whose anchor is #usage-2`,
	}
	if !reflect.DeepEqual(broken, want) {
		t.Errorf("broken:\n%q\nwant\n%q", broken, want)
	}
	if r.External != 3 || r.Checked != 14 {
		t.Errorf("external %d, checked %d; want 3 and 14", r.External, r.Checked)
	}
}

func TestSlug(t *testing.T) {
	cases := []struct{ heading, want string }{
		{"Using it", "using-it"},
		{"`--target a,b`: several targets in one build", "--target-ab-several-targets-in-one-build"},
		{"`MULTISTAGE_BUILD_ALL=1`: build every stage", "multistage_build_all1-build-every-stage"},
		{"With `# syntax=` (docker buildx build)", "with--syntax-docker-buildx-build"},
		{"Deliberate deviations from upstream", "deliberate-deviations-from-upstream"},
		{"**Bold** and [a link](x.md)", "bold-and-a-link"},
		{"`RUN --mount=from=<stage>` <em>tags</em>", "run---mountfromstage-tags"},
		{"Ünïcode — dash", "ünïcode--dash"},
		{`Escaped \* star`, "escaped--star"},
	}
	for _, c := range cases {
		if got := Slug(c.heading); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.heading, got, c.want)
		}
	}
}

func TestSplitCode(t *testing.T) {
	cases := []struct {
		line string
		want []segment
	}{
		{"a `b` c", []segment{{"a ", false}, {"b", true}, {" c", false}}},
		{"``a ` b`` c", []segment{{"", false}, {"a ` b", true}, {" c", false}}},
		{"unclosed ` tick", []segment{{"unclosed `", false}, {" tick", false}}},
		{"`` `x` ``", []segment{{"", false}, {" `x` ", true}, {"", false}}},
	}
	for _, c := range cases {
		if got := splitCode(c.line); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitCode(%q) = %+v, want %+v", c.line, got, c.want)
		}
	}
}

// TestRepoReadmeIsShort keeps the README a page a newcomer reads in five
// minutes: the rest belongs in docs/.
func TestRepoReadmeIsShort(t *testing.T) {
	const maxLines = 160
	dt, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(dt, []byte("\n")); n > maxLines {
		t.Errorf("README.md has %d lines; keep it to %d and move the rest to a page under docs/", n, maxLines)
	}
}
