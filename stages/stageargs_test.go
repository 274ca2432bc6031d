package stages

import (
	"fmt"
	"reflect"
	"testing"
)

// Stage ARGs choosing a --from: the edge each case's last stage gets, or
// the error and the lines it names.
func TestStageArgsInFrom(t *testing.T) {
	for _, c := range []struct {
		name       string
		dockerfile string
		args       map[string]string
		want       string // label of the node the --from edge of the last stage points to
		err        []string
		lines      []int
	}{
		{name: "default chooses the stage",
			dockerfile: df("FROM alpine AS one", "FROM alpine AS two", "FROM busybox", "ARG SRC=two", "COPY --from=${SRC} / /"),
			want:       "two"},
		{name: "build arg overrides the default",
			dockerfile: df("FROM alpine AS one", "FROM alpine AS two", "FROM busybox", "ARG SRC=two", "COPY --from=${SRC} / /"),
			args:       map[string]string{"SRC": "one"}, want: "one"},
		{name: "stage ARG wins over a global ARG of the same name",
			dockerfile: df("ARG SRC=one", "FROM alpine AS one", "FROM alpine AS two", "FROM busybox", "ARG SRC=two", "COPY --from=$SRC / /"),
			want:       "two"},
		{name: "redeclared global ARG keeps the global value",
			dockerfile: df("ARG SRC=one", "FROM alpine AS one", "FROM alpine AS two", "FROM busybox", "ARG SRC", "COPY --from=$SRC / /"),
			want:       "one"},
		{name: "global ARG not redeclared still works as before",
			dockerfile: df("ARG SRC=one", "FROM alpine AS one", "FROM busybox", "COPY --from=$SRC / /"),
			want:       "one"},
		{name: "default built from a redeclared global and an automatic ARG",
			dockerfile: df("ARG KIND=build", "FROM alpine AS build-amd64", "FROM busybox", "ARG KIND", "ARG TARGETARCH", "ARG SRC=${KIND}-${TARGETARCH}", "RUN --mount=from=${SRC},target=/src true"),
			want:       "build-amd64"},
		{name: "ARG below the instruction does not count",
			dockerfile: df("ARG SRC=one", "FROM alpine AS one", "FROM alpine AS two", "FROM busybox", "COPY --from=$SRC / /", "ARG SRC=two"),
			want:       "one"},
		{name: "ARG of another stage does not count",
			dockerfile: df("FROM alpine AS one", "ARG SRC=nothing", "FROM busybox", "ARG SRC=one", "COPY --from=$SRC / /"),
			want:       "one"},
		{name: "build arg for a stage ARG picks an image",
			dockerfile: df("FROM alpine AS one", "FROM busybox", "ARG SRC=one", "COPY --from=$SRC / /"),
			args:       map[string]string{"SRC": "docker.io/library/debian"}, want: "docker.io/library/debian (image)"},
		{name: "a default that may read the base image's ENV",
			dockerfile: df("FROM alpine AS one", "FROM busybox", "ARG SRC=${HOME}", "COPY --from=$SRC / /"),
			err:        []string{`ARG SRC (line 3) of stage "stage-1" cannot choose a --from`, "$HOME, which is not an ARG declared earlier in the stage", "base image's ENV", "fixed before any image is resolved", "COPY --from=$SRC (line 4)"},
			lines:      []int{3, 4}},
		{name: "a global ARG not redeclared, in a default",
			dockerfile: df("ARG G=one", "FROM alpine AS one", "FROM busybox AS b", "ARG SRC=$G", "RUN --mount=from=$SRC,target=/x true"),
			err:        []string{`ARG SRC (line 4) of stage "b" cannot choose a --from`, `declare "ARG G" above it`},
			lines:      []int{4, 5}},
		{name: "a value set by ENV",
			dockerfile: df("FROM alpine AS one", "FROM busybox AS b", "ENV SRC=one", "COPY --from=$SRC / /"),
			err:        []string{`$SRC is set by ENV (line 3) in stage "b"`, "COPY --from=$SRC (line 4)"},
			lines:      []int{4}},
		{name: "a default using an ARG that itself cannot be known",
			dockerfile: df("FROM alpine AS one", "FROM busybox AS b", "ENV E=x", "ARG A=$E", "ARG SRC=$A", "COPY --from=$SRC / /"),
			err:        []string{"ARG SRC (line 5)", "its default uses ARG A, which its default uses $E, set by ENV (line 3)"},
			lines:      []int{5, 6}},
		{name: "a longer chain names its first link and the cause, not every link",
			dockerfile: df("FROM alpine AS one", "FROM busybox AS b", "ENV E=x", "ARG A=$E", "ARG B=$A", "ARG C=$B", "ARG SRC=$C", "COPY --from=$SRC / /"),
			err:        []string{"ARG SRC (line 7)", "its default uses ARG C, which depends on ARG A (line 4), which its default uses $E, set by ENV (line 3)"},
			lines:      []int{7, 8}},
		{name: "a build arg makes an unknowable default harmless",
			dockerfile: df("FROM alpine AS one", "FROM busybox", "ARG SRC=${HOME}", "COPY --from=$SRC / /"),
			args:       map[string]string{"SRC": "one"}, want: "one"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse([]byte(c.dockerfile), ParseOpt{BuildArgs: c.args, AutoArgs: NewArgs([2]string{"TARGETARCH", "amd64"})})
			var g *Graph
			if err == nil {
				g, err = Build(FromDockerfile(d, "", nil))
			}
			if c.err != nil {
				wantErrContains(t, err, c.err)
				if got := errorLines(err); !reflect.DeepEqual(got, c.lines) {
					t.Errorf("error lines = %v, want %v", got, c.lines)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			last := g.Stages[len(g.Stages)-1]
			if got := label(last.Deps[len(last.Deps)-1].To); got != c.want {
				t.Fatalf("--from points to %s, want %s", got, c.want)
			}
			if !g.Reachable(last.Deps[len(last.Deps)-1].To) {
				t.Fatal("the chosen node is not reachable")
			}
		})
	}
}

// Each --from line sees the stage as it stands on that line: later ARGs
// and ENVs, and later redeclarations, do not reach back.
func TestStageArgsInFromByLine(t *testing.T) {
	dockerfile := df(
		"FROM alpine AS one",                     // 1
		"FROM alpine AS two",                     // 2
		"FROM alpine AS three",                   // 3
		"FROM busybox AS b",                      // 4
		"ARG SRC=one",                            // 5
		"COPY --from=$SRC / /",                   // 6
		"ARG SRC=two OTHER=$SRC",                 // 7
		"COPY --from=$SRC / /",                   // 8
		"COPY --from=$OTHER / /",                 // 9
		"ENV E=one",                              // 10
		"ARG SRC=three",                          // 11
		"RUN --mount=from=$SRC,target=/x true",   // 12
		"ARG SRC=$E",                             // 13
		"COPY --from=two / /",                    // 14
		"RUN --mount=from=$OTHER,target=/y true", // 15
	)
	d, err := Parse([]byte(dockerfile), ParseOpt{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(FromDockerfile(d, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range g.Stages[len(g.Stages)-1].Deps[1:] {
		got = append(got, fmt.Sprintf("%d:%s", e.Line(), label(e.To)))
	}
	want := []string{"6:one", "8:two", "9:two", "12:three", "14:two", "15:two"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("--from edges = %v, want %v", got, want)
	}
}

// TestUnknownChainStaysShort: on a chain of defaults each using the one
// before, the reason an ARG is unknown does not repeat the whole chain,
// which made a file of n ARG lines cost n squared bytes of messages.
func TestUnknownChainStaysShort(t *testing.T) {
	lines := []string{"FROM alpine AS one", "FROM busybox AS b", "ENV E=x", "ARG A0=$E"}
	for i := 1; i <= 5000; i++ {
		lines = append(lines, fmt.Sprintf("ARG A%d=$A%d", i, i-1))
	}
	lines = append(lines, "COPY --from=$A5000 / /")
	d, err := Parse([]byte(df(lines...)), ParseOpt{})
	if err == nil {
		_, err = Build(FromDockerfile(d, "", nil))
	}
	if err == nil || len(err.Error()) > 1000 {
		t.Fatalf("error of %d bytes, want a short one: %.300v", len(fmt.Sprint(err)), err)
	}
}
