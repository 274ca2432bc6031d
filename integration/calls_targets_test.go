package integration

import (
	"slices"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/myorg/multistage/stages"
)

// Issue 10: --call=graph, --call=outline and --check take a target list,
// and MULTISTAGE_BUILD_ALL prunes nothing in the graph (TestCalls runs
// these with the others).
func init() {
	callsCases = append(callsCases,
		callsCase{
			name: "graph-json-target-list",
			df:   "main",
			args: []string{"--call=graph,format=json", "--target", "tools,BUILD,tools"},
			check: func(t *testing.T, out string) {
				var r stages.Rendered
				callsJSON(t, out, &r)
				var marked, pruned []string
				for _, n := range r.Nodes {
					if n.Target {
						marked = append(marked, n.ID)
					}
					if n.Pruned {
						pruned = append(pruned, n.ID)
					}
				}
				want := []string{"stage-1", "stage-2"}
				if !slices.Equal(r.Targets, want) || !slices.Equal(marked, want) || !slices.Equal(pruned, []string{"stage-3", "ext-1"}) {
					t.Errorf("targets %v, marked %v, pruned %v; want %v, pruned [stage-3 ext-1] (release and its scratch)", r.Targets, marked, pruned, want)
				}
			},
		},
		callsCase{
			name: "graph-json-build-all",
			df:   "main",
			args: []string{"--call=graph,format=json", "--target", "build", "--build-arg", "MULTISTAGE_BUILD_ALL=1"},
			check: func(t *testing.T, out string) {
				var r stages.Rendered
				callsJSON(t, out, &r)
				for _, n := range r.Nodes {
					if n.Pruned {
						t.Errorf("node %s pruned under MULTISTAGE_BUILD_ALL", n.ID)
					}
				}
				if r.Target != "stage-2" {
					t.Errorf("target %s, want stage-2 (build)", r.Target)
				}
			},
		},
		callsCase{
			name: "outline-json-target-list",
			df:   "main",
			args: []string{"--call=outline,format=json", "--target", "tools,build"},
			check: func(t *testing.T, out string) {
				var o outline.Outline
				callsJSON(t, out, &o)
				var args []string
				for _, a := range o.Args {
					args = append(args, a.Name)
				}
				if !slices.Contains(args, "VERSION") || !slices.Contains(args, "GREETING") {
					t.Errorf("args %v, want VERSION (build) and GREETING (base)", args)
				}
				if len(o.Secrets) != 1 || o.Secrets[0].Name != "token" || len(o.SSH) != 1 {
					t.Errorf("secrets %+v, ssh %+v: want build's token and tools' socket", o.Secrets, o.SSH)
				}
			},
		},
		callsCase{
			name: "check-json-target-list",
			df:   "main",
			args: []string{"--call=check,format=json", "--target", "tools,build"},
			check: func(t *testing.T, out string) {
				var r lint.LintResults
				callsJSON(t, out, &r)
				if r.Error != nil {
					t.Errorf("error %q, want none", r.Error.Message)
				}
			},
		},
		callsCase{
			name:   "check-unknown-in-target-list",
			df:     "main",
			args:   []string{"--check", "--target", "tools,buld"},
			code:   1,
			stderr: []string{`target stage "buld" could not be found`, "did you mean build?"},
		},
	)
}
