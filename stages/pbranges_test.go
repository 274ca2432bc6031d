package stages

import (
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
	"google.golang.org/protobuf/proto"
)

func TestPBRanges(t *testing.T) {
	for _, tc := range []struct {
		in   []parser.Range
		want []*pb.Range
	}{
		{nil, nil},
		{
			[]parser.Range{{Start: parser.Position{Line: 1, Character: 2}, End: parser.Position{Line: 3, Character: 4}}, {Start: parser.Position{Line: 5}, End: parser.Position{Line: 6, Character: 7}}},
			[]*pb.Range{
				{Start: &pb.Position{Line: 1, Character: 2}, End: &pb.Position{Line: 3, Character: 4}},
				{Start: &pb.Position{Line: 5}, End: &pb.Position{Line: 6, Character: 7}},
			},
		},
	} {
		got := PBRanges(tc.in)
		if len(got) != len(tc.want) {
			t.Fatalf("PBRanges(%v): %d ranges, want %d", tc.in, len(got), len(tc.want))
		}
		for i := range got {
			if !proto.Equal(got[i], tc.want[i]) {
				t.Errorf("PBRanges(%v)[%d] = %v, want %v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}
