package benchdata

import (
	"bytes"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestShapes parses every shape at n=3 with BuildKit's parser and counts
// its instructions, so a generator that writes a broken or different file
// fails here rather than as a puzzling row of the scaling table.
func TestShapes(t *testing.T) {
	want := map[string]int{
		"from-args-same-stage":  5,
		"from-args-other-stage": 7,
		"from-copies":           1004,
		"arg-bomb-from":         8,
		"arg-bomb-global":       6,
		"typo-chain":            5,
		"typo-long":             54,
		"unknown-targets":       6,
		"args-times-runs":       1004,
		"lint-chain":            6,
		"lint-undefined":        7,
		"nesting":               2,
		"env-lines":             4,
		"env-keys":              2,
		"env-grow":              4,
		"workdir":               4,
		"expose":                4,
		"regex":                 3,
		"run-lines":             4,
	}
	shapes := Shapes()
	if len(shapes) != len(want) {
		t.Errorf("%d shapes, want %d", len(shapes), len(want))
	}
	for _, s := range shapes {
		t.Run(s.Name, func(t *testing.T) {
			if s.TenN != 10*s.N {
				t.Errorf("sizes %d and %d: the table's growth factor needs 10N = 10 * N", s.N, s.TenN)
			}
			if got, ok := ShapeNamed(s.Name); !ok || got.N != s.N {
				t.Errorf("ShapeNamed(%q) = %v, %v", s.Name, got.Name, ok)
			}
			ast, err := parser.Parse(bytes.NewReader(s.Dockerfile(3)))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := instructions.Parse(ast.AST, linter.New(&linter.Config{})); err != nil {
				t.Fatal(err)
			}
			if got := len(ast.AST.Children); got != want[s.Name] {
				t.Errorf("%d instructions at n=3, want %d", got, want[s.Name])
			}
		})
	}
}

// TestShapeSizes pins the file sizes issue 17 gives for the shapes whose
// n is not a count of lines.
func TestShapeSizes(t *testing.T) {
	for _, tc := range []struct {
		shape    string
		n        int
		min, max int
	}{
		{"regex", 6600, 6500, 6700},
		{"regex", 66000, 65900, 66100},
		{"nesting", 600000, 3600000, 3700000},
		{"run-lines", 300000, 4500000, 5000000},
	} {
		s, _ := ShapeNamed(tc.shape)
		if got := len(s.Dockerfile(tc.n)); got < tc.min || got > tc.max {
			t.Errorf("%s at n=%d is %d bytes, want %d..%d", tc.shape, tc.n, got, tc.min, tc.max)
		}
	}
}

// TestShapeLines checks every shape at 10N against BuildKit's parser,
// which takes no physical line over 64 KiB: a shape that passes it
// measures the parser's refusal, not the converter.
func TestShapeLines(t *testing.T) {
	for _, s := range Shapes() {
		for i, line := range bytes.Split(s.Dockerfile(s.TenN), []byte("\n")) {
			if len(line) > 65535 {
				t.Errorf("%s at n=%d: line %d is %d bytes", s.Name, s.TenN, i+1, len(line))
				break
			}
		}
	}
}

// TestUnknownTargetList checks that the target names none of the stages.
func TestUnknownTargetList(t *testing.T) {
	s, _ := ShapeNamed("unknown-targets")
	if got := s.Target(3); got != "u0,u1,u2" {
		t.Errorf("Target(3) = %q", got)
	}
	if bytes.Contains(s.Dockerfile(3), []byte(" AS u")) {
		t.Error("a stage is named like an unknown target")
	}
}
