package stages

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// mapReader is a FileReader of build context files (internal tests cannot
// use internal/fakefiles, which imports this package).
type mapReader map[string]string

func (m mapReader) ReadFiles(_ context.Context, refs []FileRef) ([]FileResult, error) {
	out := make([]FileResult, len(refs))
	for i, r := range refs {
		if dt, ok := m[r.Path]; ok && r.Context == "" {
			out[i].Data = []byte(dt)
		} else {
			out[i].Err = ErrNotExist
		}
	}
	return out, nil
}

// TestLineSpace: each inclusion gets the lines after the previous one's,
// one spare line between them, and Locate, Split and Globalize turn lines
// back and forth at the boundaries.
func TestLineSpace(t *testing.T) {
	main := "INCLUDE a.Dockerfile AS a\nINCLUDE b.Dockerfile AS b\nFROM a.x\n" // 3 lines + 1 empty
	files := mapReader{"a.Dockerfile": "FROM alpine AS x\nRUN a\n", "b.Dockerfile": "FROM alpine AS x"}
	d, err := ParseContext(context.Background(), []byte(main), ParseOpt{Reader: files})
	if err != nil {
		t.Fatal(err)
	}
	f := d.Files
	var bases []string
	for _, u := range f.Units {
		bases = append(bases, fmt.Sprintf("%s@%d+%d", u.Source.Name, u.Base, u.Lines))
	}
	if want := []string{"Dockerfile@0+4", "a.Dockerfile@5+3", "b.Dockerfile@9+1"}; !reflect.DeepEqual(bases, want) {
		t.Fatalf("units = %q, want %q", bases, want)
	}
	for line, want := range map[int]string{
		0: "Dockerfile:0", 1: "Dockerfile:1", 4: "Dockerfile:4", 5: "Dockerfile:5",
		6: "a.Dockerfile:1", 8: "a.Dockerfile:3", 9: "a.Dockerfile:4", 10: "b.Dockerfile:1", 99: "b.Dockerfile:90",
	} {
		u, local := f.Locate(line)
		if got := fmt.Sprintf("%s:%d", u.Source.Name, local); got != want {
			t.Errorf("Locate(%d) = %s, want %s", line, got, want)
		}
	}
	rs := []parser.Range{{Start: parser.Position{Line: 7, Character: 1}, End: parser.Position{Line: 8, Character: 2}}}
	src, local := f.Split(rs)
	if src.Name != "a.Dockerfile" || local[0].Start.Line != 2 || local[0].End.Line != 3 || local[0].Start.Character != 1 || rs[0].Start.Line != 7 {
		t.Errorf("Split = %s %v (input now %v)", src.Name, local, rs)
	}
	if back := f.Globalize(src, local); !reflect.DeepEqual(back, rs) {
		t.Errorf("Globalize = %v, want %v", back, rs)
	}
	if w := f.Where(rs); w != "line 2 of a.Dockerfile" {
		t.Errorf("Where = %q", w)
	}
	if w := f.WhereLine(3); w != "line 3" {
		t.Errorf("main file Where = %q, want today's words", w)
	}
	if got := []int{f.OfStage(0).ID, f.OfStage(1).ID, f.OfStage(2).ID}; !reflect.DeepEqual(got, []int{1, 2, 0}) {
		t.Errorf("OfStage = %v", got)
	}
}

// TestRelabel pins the upstream message relabel rewrites: a BuildKit
// upgrade that changes it fails here, not in users' error messages.
func TestRelabel(t *testing.T) {
	ast, err := parser.Parse(strings.NewReader("FROM alpine\nFORM x\n"))
	if err != nil {
		t.Fatal(err)
	}
	u := &Unit{Kind: UnitStages, Base: 40, Source: &Source{Name: "a.Dockerfile"}}
	shiftAST(ast, u.Base)
	_, _, err = instructions.Parse(ast.AST, silent)
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.HasPrefix(err.Error(), "dockerfile parse error on line 42: unknown instruction: FORM") {
		t.Fatalf("upstream's message changed: %q", err)
	}
	got := relabel(err, u)
	if want := "dockerfile parse error on line 2: unknown instruction: FORM"; !strings.HasPrefix(got.Error(), want) {
		t.Errorf("relabel = %q, want it to start with %q", got, want)
	}
	var le *parser.LocationError
	if !errors.As(got, &le) || le.Locations[0][0].Start.Line != 42 {
		t.Errorf("the location was lost or moved: %v", le)
	}
}
