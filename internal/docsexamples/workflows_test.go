package docsexamples

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRepoCIWorkflows is issue 19's CI check: every ```yaml block of
// docs/ci.md parses, and each docker action step uses a version
// docs/testdata/action-inputs.json knows, with only inputs it lists.
func TestRepoCIWorkflows(t *testing.T) {
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "docs", "ci.md"))
	if os.IsNotExist(err) {
		t.Skip("docs/ci.md does not exist yet: nothing to check until its workflows are written")
	}
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := LoadActionInputs(filepath.Join(root, "docs", "testdata", "action-inputs.json"))
	if err != nil {
		t.Fatalf("the docker actions' inputs: %v", err)
	}
	r := CheckWorkflows("docs/ci.md", string(src), inputs)
	for _, err := range r.Errs {
		t.Errorf("%v", err)
	}
	if r.Blocks == 0 || r.Steps == 0 {
		t.Errorf("docs/ci.md has %d ```yaml blocks and %d docker action steps; it shows GitHub Actions workflows with docker/setup-buildx-action and docker/build-push-action", r.Blocks, r.Steps)
	}
	t.Logf("docs/ci.md: %d YAML blocks parse, %d docker action steps checked", r.Blocks, r.Steps)
}

func TestCheckWorkflowsFixture(t *testing.T) {
	inputs, err := LoadActionInputs("testdata/ci/action-inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/ci/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	r := CheckWorkflows("ci.md", string(src), inputs)
	var got []string
	for _, err := range r.Errs {
		got = append(got, err.Error())
	}
	want := []string{
		`ci.md:32: docker/build-push-action@v7 has no input "targets" (its inputs: context, push, tags, target)`,
		`ci.md:33: docker/build-push-action@v5 is not in docs/testdata/action-inputs.json (it lists docker/build-push-action@v7, docker/setup-buildx-action@v4)`,
		`ci.md:44: YAML does not parse: yaml: line 3: did not find expected node content`,
	}
	if len(got) != len(want) {
		t.Fatalf("errors:\n%q\nwant\n%q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n %q\nwant it to start\n %q", i, got[i], want[i])
		}
	}
	if r.Blocks != 3 || r.Steps != 4 {
		t.Errorf("blocks %d, steps %d; want 3 and 4", r.Blocks, r.Steps)
	}
}

func TestLoadActionInputs(t *testing.T) {
	in, err := LoadActionInputs("testdata/ci/action-inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"driver", "version"}; !reflect.DeepEqual(in["docker/setup-buildx-action@v4"], want) {
		t.Errorf("setup-buildx-action@v4 inputs %q, want %q", in["docker/setup-buildx-action@v4"], want)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"x": "not a list"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadActionInputs(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a malformed file: err %v, want one naming it", err)
	}
}
