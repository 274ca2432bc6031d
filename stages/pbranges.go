package stages

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
)

// PBRanges turns Dockerfile ranges into the protobuf ranges of source
// maps, warnings and lint results; nil for none.
func PBRanges(rs []parser.Range) []*pb.Range {
	if len(rs) == 0 {
		return nil
	}
	out := make([]*pb.Range, len(rs))
	for i, r := range rs {
		out[i] = &pb.Range{
			Start: &pb.Position{Line: int32(r.Start.Line), Character: int32(r.Start.Character)},
			End:   &pb.Position{Line: int32(r.End.Line), Character: int32(r.End.Character)},
		}
	}
	return out
}
