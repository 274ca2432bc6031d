package stages

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
)

// PBRanges turns Dockerfile ranges into the protobuf ranges of source
// maps, warnings and lint results; nil for none. Every op of a conversion
// carries its instruction's ranges, so the messages of one call share one
// allocation.
func PBRanges(rs []parser.Range) []*pb.Range {
	if len(rs) == 0 {
		return nil
	}
	type message struct {
		r          pb.Range
		start, end pb.Position
	}
	block := make([]message, len(rs))
	out := make([]*pb.Range, len(rs))
	for i, r := range rs {
		m := &block[i]
		m.start.Line, m.start.Character = int32(r.Start.Line), int32(r.Start.Character)
		m.end.Line, m.end.Character = int32(r.End.Line), int32(r.End.Character)
		m.r.Start, m.r.End = &m.start, &m.end
		out[i] = &m.r
	}
	return out
}

// OpRanges are the Dockerfile ranges a definition's source map gives the
// op whose digest is dgst; nil when it has none.
func OpRanges(src *pb.Source, dgst string) []parser.Range {
	if src == nil || src.Locations[dgst] == nil {
		return nil
	}
	var out []parser.Range
	for _, l := range src.Locations[dgst].Locations {
		for _, r := range l.Ranges {
			out = append(out, parser.Range{
				Start: parser.Position{Line: int(r.GetStart().GetLine()), Character: int(r.GetStart().GetCharacter())},
				End:   parser.Position{Line: int(r.GetEnd().GetLine()), Character: int(r.GetEnd().GetCharacter())},
			})
		}
	}
	return out
}
