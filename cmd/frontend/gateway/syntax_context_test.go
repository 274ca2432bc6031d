package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"
)

// TestCallLintFrontendContext: bake's recipe for using a freshly built
// frontend (contexts = { fe = "target:frontend" }, BUILDKIT_SYNTAX=fe) hands
// us the context "fe" that BuildKit started us from. It is used, so --check
// must not call it an unused build context; a context nothing uses still is.
func TestCallLintFrontendContext(t *testing.T) {
	forwarded := map[string]string{
		"build-arg:BUILDKIT_SYNTAX": "fe",
		"cmdline":                   "fe",
		"source":                    "fe",
		"context:fe":                "input:fe",
	}
	unused := func(extra map[string]string) []string {
		md := call(t, "frontend.lint", extra)
		var r lint.LintResults
		if err := json.Unmarshal(md["result.json"], &r); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, w := range r.Warnings {
			if w.RuleName == "UnusedBuildContext" {
				names = append(names, w.Detail)
			}
		}
		return names
	}
	if got := unused(forwarded); len(got) != 0 {
		t.Errorf("the frontend's own context is reported unused: %q", got)
	}
	forwarded["context:other"] = "input:other"
	if got := unused(forwarded); len(got) != 1 || !strings.Contains(got[0], `"other"`) {
		t.Errorf("UnusedBuildContext warnings = %q, want one for \"other\"", got)
	}
}
