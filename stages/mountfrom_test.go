package stages

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// TestMountFromLeavesAST: Parse expands RUN --mount from= for the graph,
// but the AST keeps the flags as written, and each mount edge holds the
// value both as written (Raw) and expanded (Ref), with its target.
func TestMountFromLeavesAST(t *testing.T) {
	for _, c := range []struct {
		name       string
		dockerfile string
		args       map[string]string
		// flags are the Flags of the AST's RUN nodes after Parse, one
		// string per RUN, joined by spaces.
		flags []string
		// edges are the mount edges: "Raw -> Ref @index target".
		edges []string
	}{
		{
			name:       "global ARG default",
			dockerfile: df("ARG TOOLS=tools", "FROM busybox AS tools", "FROM alpine", "RUN --mount=from=$TOOLS,target=/t /t/run"),
			flags:      []string{"--mount=from=$TOOLS,target=/t"},
			edges:      []string{"$TOOLS -> tools @0 /t"},
		},
		{
			name:       "build arg, second mount, other flags kept",
			dockerfile: df("ARG TOOLS=tools", "FROM busybox AS tools", "FROM alpine", `RUN --network=none --mount=type=cache,target=/c --mount=type=bind,from=${TOOLS},dst=/t true`),
			args:       map[string]string{"TOOLS": "nginx:1.27"},
			flags:      []string{"--network=none --mount=type=cache,target=/c --mount=type=bind,from=${TOOLS},dst=/t"},
			edges:      []string{"${TOOLS} -> nginx:1.27 @1 /t"},
		},
		{
			name:       "stage ARG, and a RUN without a variable",
			dockerfile: df("FROM busybox AS tools", "FROM alpine", "ARG SRC=tools", "RUN --mount=from=tools,target=/a true", "RUN --mount=from=$SRC,target=/b true"),
			flags:      []string{"--mount=from=tools,target=/a", "--mount=from=$SRC,target=/b"},
			edges:      []string{"tools -> tools @0 /a", "$SRC -> tools @0 /b"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.dockerfile), ParseOpt{BuildArgs: c.args})
			if err != nil {
				t.Fatal(err)
			}
			var flags []string
			for _, n := range d.AST.AST.Children {
				if strings.EqualFold(n.Value, "run") {
					flags = append(flags, strings.Join(n.Flags, " "))
				}
			}
			if !reflect.DeepEqual(flags, c.flags) {
				t.Errorf("AST flags after Parse:\n got  %q\n want %q", flags, c.flags)
			}
			g, err := Build(FromDockerfile(d, "", nil))
			if err != nil {
				t.Fatal(err)
			}
			var edges []string
			for _, e := range g.Edges {
				if e.Kind == EdgeMount {
					edges = append(edges, fmt.Sprintf("%s -> %s @%d %s", e.Raw, e.Ref, e.MountIndex, e.MountTarget))
				}
			}
			if !reflect.DeepEqual(edges, c.edges) {
				t.Errorf("mount edges:\n got  %q\n want %q", edges, c.edges)
			}
		})
	}
}

// TestTriggerMountForwardReference: a parent's ONBUILD RUN --mount of a
// later stage fails with upstream's words, which name the mount's target.
func TestTriggerMountForwardReference(t *testing.T) {
	_, err := buildCase(graphCase{dockerfile: df(
		"FROM alpine AS base",
		"ONBUILD RUN --mount=type=cache,target=/c --mount=from=late,target=/late true",
		"FROM base AS app",
		"FROM alpine AS late",
	), target: "app"})
	want := `cannot mount from stage "late" to "/late", stage needs to be defined before current command`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v\n does not contain %q", err, want)
	}
}

// TestAsWrittenLeavesOutMountFrom: parsing as written (listing the
// targets) has no ARG scope to expand RUN --mount from=${VAR} in, which
// instructions.Parse would reject; the from= is left out of Stages and the
// AST keeps it.
func TestAsWrittenLeavesOutMountFrom(t *testing.T) {
	d, err := Parse([]byte(df("ARG SRC", "FROM alpine AS a", "FROM alpine", "RUN --mount=type=bind,from=${SRC},target=/m --mount=from=a,target=/a true")), ParseOpt{AsWritten: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Stages) != 2 {
		t.Fatalf("%d stages, want 2", len(d.Stages))
	}
	var from []string
	for _, m := range instructions.GetMounts(d.Stages[1].Commands[0].(*instructions.RunCommand)) {
		from = append(from, m.From)
	}
	if want := []string{"", "a"}; !reflect.DeepEqual(from, want) {
		t.Errorf("mount from= in Stages: %q, want %q", from, want)
	}
	if got, want := d.AST.AST.Children[3].Flags[0], "--mount=type=bind,from=${SRC},target=/m"; got != want {
		t.Errorf("AST flag %q, want %q", got, want)
	}
}
