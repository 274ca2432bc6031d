package stages_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/myorg/multistage/stages"
)

// commandList is every stage's instructions, as "stage: RUN x (file:line)".
func commandList(d *stages.Dockerfile) []string {
	var out []string
	for i, st := range d.Stages {
		u := d.Files.OfStage(i)
		for _, cmd := range st.Commands {
			src, local := d.Files.Split(cmd.Location())
			text := strings.Fields(fmt.Sprint(cmd))
			out = append(out, fmt.Sprintf("%s%s: %s (%s:%d)", u.Prefix, st.Name, strings.Join(text, " "), src.Name, local[0].Start.Line))
		}
	}
	return out
}

func TestIncludeSnippets(t *testing.T) {
	for _, c := range []struct {
		includeCase
		commands []string
	}{
		{
			includeCase: includeCase{
				name:  "instructions land where the INCLUDE was, with their own file and lines",
				main:  lines("FROM alpine AS app", "RUN a", "INCLUDE snippets/s.Dockerfile", "RUN c"),
				files: map[string]string{"snippets/s.Dockerfile": lines("# comment", "RUN b1", "RUN b2")},
			},
			commands: []string{"app: RUN a (Dockerfile:2)", "app: RUN b1 (snippets/s.Dockerfile:2)", "app: RUN b2 (snippets/s.Dockerfile:3)", "app: RUN c (Dockerfile:4)"},
		},
		{
			includeCase: includeCase{
				name: "snippets nest, relative to their own directory",
				main: lines("FROM alpine AS app", "INCLUDE s/one.Dockerfile"),
				files: map[string]string{
					"s/one.Dockerfile": lines("RUN one", "INCLUDE two.Dockerfile", "RUN three"),
					"s/two.Dockerfile": lines("RUN two"),
				},
			},
			commands: []string{"app: RUN one (s/one.Dockerfile:1)", "app: RUN two (s/two.Dockerfile:1)", "app: RUN three (s/one.Dockerfile:3)"},
		},
		{
			includeCase: includeCase{
				name:  "a snippet's ARG is a stage ARG, and one without default reads the global",
				main:  lines("ARG SRC=x", "FROM alpine AS x", "FROM alpine AS app", "INCLUDE s.Dockerfile"),
				files: map[string]string{"s.Dockerfile": lines("ARG SRC", "COPY --from=${SRC} /a /a")},
				edges: []string{"x -from-> alpine (image)", "app -from-> alpine (image)", "app -copy-> x"},
			},
			commands: []string{"app: ARG SRC (s.Dockerfile:1)", "app: COPY --from=${SRC} /a /a (s.Dockerfile:2)"},
		},
		{
			includeCase: includeCase{
				name: "a snippet in an included file resolves names and --from=N in that file",
				main: lines("INCLUDE lib/lib.Dockerfile AS lib", "FROM alpine AS x", "FROM lib.app"),
				files: map[string]string{
					"lib/lib.Dockerfile":  lines("FROM busybox AS x", "FROM busybox AS app", "INCLUDE copy.Dockerfile"),
					"lib/copy.Dockerfile": lines("COPY --from=x /x /x", "COPY --from=0 /0 /0"),
				},
				edges: []string{"lib.x -from-> busybox (image)", "lib.app -from-> busybox (image)", "lib.app -copy-> lib.x", "lib.app -copy-> lib.x",
					"x -from-> alpine (image)", "stage-1 -from-> lib.app"},
			},
			commands: []string{"lib.app: COPY --from=x /x /x (lib/copy.Dockerfile:1)", "lib.app: COPY --from=0 /0 /0 (lib/copy.Dockerfile:2)"},
		},
		{
			includeCase: includeCase{
				name:  "an error at a snippet's line names the snippet",
				main:  lines("FROM alpine AS app", "", "INCLUDE s.Dockerfile", "FROM alpine AS later"),
				files: map[string]string{"s.Dockerfile": lines("RUN true", "COPY --from=later / /")},
				err:   []string{`COPY --from=later (line 2 of s.Dockerfile) in stage "app" refers to stage "later", which is defined later (line 4)`},
				where: []string{"s.Dockerfile:2", "Dockerfile:4"},
			},
		},
		{
			includeCase: includeCase{
				name:  "an unknown instruction in a snippet: upstream's words, the snippet's line",
				main:  lines("FROM alpine AS app", "INCLUDE s.Dockerfile"),
				files: map[string]string{"s.Dockerfile": lines("RUN true", "FORM x")},
				err:   []string{"dockerfile parse error on line 2: unknown instruction: FORM", "; in s.Dockerfile, included at line 2 of Dockerfile"},
				where: []string{"s.Dockerfile:2", "Dockerfile:2"},
			},
		},
	} {
		runIncludeCases(t, []includeCase{c.includeCase})
		if c.commands == nil {
			continue
		}
		d, _, err := parseIncludes(c.includeCase)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := commandList(d); !reflect.DeepEqual(got, c.commands) {
			t.Errorf("%s: commands\n got  %q\n want %q", c.name, got, c.commands)
		}
	}
}

// TestSnippetPastedTwice: each paste is its own inclusion, with its own
// commands: the converter keys maps by command and Expand changes them.
func TestSnippetPastedTwice(t *testing.T) {
	d, r, err := parseIncludes(includeCase{
		main:  lines("FROM alpine AS a", "INCLUDE s.Dockerfile", "FROM alpine AS b", "INCLUDE s.Dockerfile"),
		files: map[string]string{"s.Dockerfile": lines("RUN apt-get update")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Calls) != 1 || len(d.Files.Sources) != 2 || len(d.Files.Units) != 3 {
		t.Fatalf("%d reads, %d sources, %d units; want 1, 2, 3", len(r.Calls), len(d.Files.Sources), len(d.Files.Units))
	}
	a, b := d.Stages[0].Commands[0], d.Stages[1].Commands[0]
	if a == b {
		t.Fatal("the two pastes share a command")
	}
	sa, la := d.Files.Split(a.Location())
	sb, lb := d.Files.Split(b.Location())
	if sa != sb || la[0].Start.Line != 1 || lb[0].Start.Line != 1 || a.Location()[0].Start.Line == b.Location()[0].Start.Line {
		t.Errorf("pastes at %s:%d and %s:%d (global %d, %d)", sa.Name, la[0].Start.Line, sb.Name, lb[0].Start.Line, a.Location()[0].Start.Line, b.Location()[0].Start.Line)
	}
}

// TestIncludeRunNoCache: RUN --no-cache works in included files as in the
// Dockerfile, and a bad value names the included file's line.
func TestIncludeRunNoCache(t *testing.T) {
	d, _, err := parseIncludes(includeCase{
		main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM alpine", "INCLUDE s.Dockerfile", "RUN --no-cache main"),
		files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS x", "RUN --no-cache lib"), "s.Dockerfile": lines("RUN snippet", "RUN --no-cache snippet")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range d.Stages {
		for _, cmd := range st.Commands {
			if run, ok := cmd.(*instructions.RunCommand); ok {
				got = append(got, fmt.Sprintf("%s=%v", strings.Join(run.CmdLine, " "), stages.RunNoCache(run)))
			}
		}
	}
	if want := []string{"lib=true", "snippet=false", "snippet=true", "main=true"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RUN --no-cache = %q, want %q", got, want)
	}
	_, _, err = parseIncludes(includeCase{
		main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM alpine"),
		files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS x", "RUN --no-cache=maybe lib")},
	})
	checkIncludeError(t, err, []string{"RUN --no-cache=maybe (line 2): --no-cache takes no value, or true or false; in lib.Dockerfile, included at line 1 of Dockerfile"},
		[]string{"lib.Dockerfile:2", "Dockerfile:1"})
}
