package gateway

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// TestDefinitionSize checks the guard in front of every solve: a
// definition gRPC would refuse to carry fails here, naming the line of its
// largest op, and one that fits passes untouched.
func TestDefinitionSize(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 17<<20)
	source := &pb.Source{Locations: map[string]*pb.Locations{
		digest.FromBytes(big).String(): {Locations: []*pb.Location{{Ranges: []*pb.Range{{Start: &pb.Position{Line: 3}, End: &pb.Position{Line: 3}}}}}},
	}}
	for _, tc := range []struct {
		name  string
		def   *pb.Definition
		want  string
		lines []int
	}{
		{name: "fits", def: &pb.Definition{Def: [][]byte{[]byte("op"), bytes.Repeat([]byte("y"), 1<<20)}}},
		{
			name:  "too large",
			def:   &pb.Definition{Def: [][]byte{[]byte("op"), big}, Source: source},
			want:  "BuildKit takes at most 16,711,680 in one message (the largest op is 17,825,792 bytes)",
			lines: []int{3},
		},
		{name: "too large, no source map", def: &pb.Definition{Def: [][]byte{big}}, want: "the build definition is 17,825,"},
	} {
		err := checkDefinitionSize(tc.def)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
			continue
		}
		var lines []int
		var le *parser.LocationError
		if errors.As(err, &le) {
			for _, loc := range le.Locations {
				for _, r := range loc {
					lines = append(lines, r.Start.Line)
				}
			}
		}
		if !slices.Equal(lines, tc.lines) {
			t.Errorf("%s: error names lines %v, want %v", tc.name, lines, tc.lines)
		}
	}
}

func TestResultSize(t *testing.T) {
	small := &client.Result{Metadata: map[string][]byte{"containerimage.config": []byte("{}")}}
	if err := checkResultSize(small); err != nil {
		t.Errorf("a small result: %v", err)
	}
	large := &client.Result{Metadata: map[string][]byte{
		"containerimage.config/linux/amd64": bytes.Repeat([]byte("h"), 9<<20),
		"containerimage.config/linux/arm64": bytes.Repeat([]byte("h"), 9<<20),
		"containerimage.buildinfo":          []byte("{}"),
	}}
	want := "the build result is 18,874,370 bytes; BuildKit takes at most 16,711,680 in one message (the largest part is containerimage.config/linux/amd64, 9,437,184 bytes"
	if err := checkResultSize(large); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a result past one message: %v; want %q", err, want)
	}
}
