package stages

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/util/suggest"
	"github.com/pkg/errors"
)

// targetsDockerfile: base is shared by a and b; c and test are off their path.
var targetsDockerfile = df(
	"FROM alpine AS base",  // 1
	"RUN make",             // 2
	"FROM base AS a",       // 3
	"FROM busybox AS b",    // 4
	"COPY --from=base / /", // 5
	"FROM debian AS c",     // 6
	"FROM base AS test",    // 7
)

func TestTargets(t *testing.T) {
	for _, c := range []struct {
		name     string
		target   string
		allArg   string // MULTISTAGE_BUILD_ALL value, "" for unset
		targets  []string
		order    []string
		pruned   []string
		resolve  []string
		rendered []string // Rendered.Targets
		err      []string
	}{
		{name: "one target as today", target: "a", targets: []string{"a"}, order: []string{"base", "a"},
			pruned: []string{"b", "c", "test"}, resolve: []string{"alpine (image)"}},
		{name: "two targets: union of what they need", target: "a,b", targets: []string{"a", "b"},
			order: []string{"base", "a", "b"}, pruned: []string{"c", "test"},
			resolve: []string{"alpine (image)", "busybox (image)"}, rendered: []string{"stage-1", "stage-2"}},
		{name: "request order is kept, blanks dropped", target: " b , ,a", targets: []string{"b", "a"},
			order: []string{"base", "a", "b"}, pruned: []string{"c", "test"},
			resolve: []string{"alpine (image)", "busybox (image)"}, rendered: []string{"stage-2", "stage-1"}},
		{name: "duplicates fold, any case", target: "A,a,B,b", targets: []string{"a", "b"},
			order: []string{"base", "a", "b"}, pruned: []string{"c", "test"},
			resolve: []string{"alpine (image)", "busybox (image)"}, rendered: []string{"stage-1", "stage-2"}},
		{name: "a duplicate of one target is a single target", target: "c,C", targets: []string{"c"},
			order: []string{"c"}, pruned: []string{"base", "a", "b", "test"}, resolve: []string{"debian (image)"}},
		{name: "build all: every stage, nothing pruned, export stays the target", target: "a", allArg: "1",
			targets: []string{"a"}, order: []string{"base", "a", "b", "c", "test"},
			resolve: []string{"alpine (image)", "busybox (image)", "debian (image)"}},
		{name: "build all with the default target", allArg: "true", targets: []string{"test"},
			order: []string{"base", "a", "b", "c", "test"}, resolve: []string{"alpine (image)", "busybox (image)", "debian (image)"}},
		{name: "build all off", target: "c", allArg: "0", targets: []string{"c"}, order: []string{"c"},
			pruned: []string{"base", "a", "b", "test"}, resolve: []string{"debian (image)"}},
		{name: "unknown name in a list", target: "a,tset",
			err: []string{`target stage "tset" could not be found`, `did you mean test?`, "the stages are: base, a, b, c, test"}},
		{name: "every unknown name is reported", target: "aa,x,b",
			err: []string{`target stage "aa" could not be found`, `did you mean a?`, `target stage "x" could not be found`}},
		{name: "bad build-all value", allArg: "yes please", err: []string{`build arg MULTISTAGE_BUILD_ALL="yes please" is not a boolean`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := buildTargets(c.target, c.allArg)
			if c.err != nil {
				wantErrContains(t, err, c.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := checkInvariants(g); err != nil {
				t.Fatalf("invariant: %v", err)
			}
			for _, cmp := range []struct {
				what      string
				got, want any
			}{
				{"targets", names(g.Targets), c.targets},
				{"target", g.Target.DisplayName(), c.targets[0]},
				{"order", names(g.Order), c.order},
				{"pruned", names(pruned(g)), c.pruned},
				{"reachable externals", labels(reachableExternals(g)), c.resolve},
				{"rendered targets", g.Render().Targets, c.rendered},
				{"rendered pruned", renderedPruned(g), c.pruned != nil},
			} {
				if !reflect.DeepEqual(cmp.got, cmp.want) {
					t.Errorf("%s:\n got  %#v\n want %#v", cmp.what, cmp.got, cmp.want)
				}
			}
		})
	}
}

func buildTargets(target, allArg string) (*Graph, error) {
	args := map[string]string{}
	if allArg != "" {
		args[BuildAllArg] = allArg
	}
	all, err := BuildAll(args)
	if err != nil {
		return nil, err
	}
	d, err := Parse([]byte(targetsDockerfile), ParseOpt{BuildArgs: args, Target: target})
	if err != nil {
		return nil, err
	}
	in := FromDockerfile(d, target, nil)
	in.AllStages = all
	return Build(in)
}

func renderedPruned(g *Graph) bool {
	for _, n := range g.Render().Nodes {
		if n.Pruned {
			return true
		}
	}
	return false
}

func TestTargetStageArgWithSeveralTargets(t *testing.T) {
	d, err := Parse([]byte("ARG TARGETSTAGE\nFROM alpine AS a\nFROM alpine AS b\n"), ParseOpt{Target: "b,a"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.GlobalArgs.Get("TARGETSTAGE"); v != "b" {
		t.Fatalf("TARGETSTAGE = %q, want the first target, b", v)
	}
}

func wantErrContains(t *testing.T, err error, subs []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q\n does not contain %q", err, s)
		}
	}
}

// Unknown targets: each named in upstream's words (suggest.WrapError's),
// the first shownUnknownTargets of them, then the stages once.
func TestUnknownTargetsMessage(t *testing.T) {
	stagesList := "; the stages are: base, a, b, c, test"
	upstream := func(name string) string {
		names := []string{"base", "a", "b", "c", "test"}
		return suggest.WrapError(errors.Errorf("target stage %q could not be found", name), name, names, true).Error()
	}
	var many, manyLines []string
	for i := range 25 {
		many = append(many, fmt.Sprintf("u%d", i))
		if i < shownUnknownTargets {
			manyLines = append(manyLines, upstream(many[i]))
		}
	}
	for _, c := range []struct {
		name, target, want string
	}{
		{name: "one, with a suggestion", target: "a,tset",
			want: `target stage "tset" could not be found (did you mean test?)` + stagesList},
		{name: "one, without", target: "release",
			want: `target stage "release" could not be found` + stagesList},
		{name: "several", target: "aa,b,release,Tset",
			want: upstream("aa") + "\n" + upstream("release") + "\n" + upstream("Tset") + stagesList},
		{name: "more than are spelled out", target: strings.Join(many, ","),
			want: strings.Join(manyLines, "\n") + "\nand 15 more target stages could not be found" + stagesList},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := buildTargets(c.target, "")
			if err == nil || err.Error() != c.want {
				t.Fatalf("error\n%v\nwant\n%s", err, c.want)
			}
		})
	}
}
