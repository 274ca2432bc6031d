package gateway_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/myorg/multistage/cmd/frontend/gateway"
)

// TestImageLabels reads the release stage of the repository's Dockerfile and
// checks that the image advertises exactly the capabilities the code
// implements: BuildKit refuses a build that needs a capability the label
// lacks before the frontend even starts, and a label claiming more than
// checkCaps accepts would fail later, inside our Build.
func TestImageLabels(t *testing.T) {
	dt, err := os.ReadFile(filepath.Join("..", "..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ast, err := parser.Parse(strings.NewReader(string(dt)))
	if err != nil {
		t.Fatal(err)
	}
	stages, _, err := instructions.Parse(ast.AST, linter.New(&linter.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	var release *instructions.Stage
	for i := range stages {
		if stages[i].Name == "release" {
			release = &stages[i]
		}
	}
	if release == nil {
		t.Fatal(`the Dockerfile has no "release" stage`)
	}
	if last := stages[len(stages)-1].Name; last != "release" {
		t.Errorf("the last stage is %q; release must be the default target (hack/env.sh builds it without --target)", last)
	}
	if release.BaseName != "scratch" {
		t.Errorf("release is FROM %s, want scratch", release.BaseName)
	}

	// Label keys and values are words, quoted as in a shell; the release
	// stage declares no ARG or ENV, so nothing expands.
	lex := shell.NewLex(ast.EscapeToken)
	word := func(w string) string {
		t.Helper()
		v, _, err := lex.ProcessWord(w, shell.EnvsFromSlice(nil))
		if err != nil {
			t.Fatalf("LABEL word %s: %v", w, err)
		}
		return v
	}
	labels := map[string]string{}
	var entrypoint []string
	for _, cmd := range release.Commands {
		switch c := cmd.(type) {
		case *instructions.LabelCommand:
			for _, kv := range c.Labels {
				labels[word(kv.Key)] = word(kv.Value)
			}
		case *instructions.EntrypointCommand:
			entrypoint = c.CmdLine
		}
	}

	caps, ok := labels["moby.buildkit.frontend.caps"]
	if !ok {
		t.Fatal("release has no moby.buildkit.frontend.caps label")
	}
	if got := strings.Split(caps, ","); !reflect.DeepEqual(got, gateway.Capabilities) {
		t.Errorf("moby.buildkit.frontend.caps label = %q\nwant %q (gateway.Capabilities)", got, gateway.Capabilities)
	}
	if got := labels["moby.buildkit.frontend.network.none"]; got != "true" {
		t.Errorf("moby.buildkit.frontend.network.none label = %q, want \"true\"", got)
	}
	if !reflect.DeepEqual(entrypoint, []string{"/frontend"}) {
		t.Errorf("release ENTRYPOINT = %q, want [\"/frontend\"]", entrypoint)
	}
}
