// Package subrequests computes the answers of the frontend's subrequests
// from what a pass over the Dockerfile prepared (the parse, the stage
// graph, the dispatch's events): frontend.targets, frontend.outline and our
// frontend.graph, with BuildKit's result types. It parses nothing, builds
// nothing and imports no LLB.
package subrequests

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/stages"
)

// Targets lists every stage of df, parsed as written: name, doc comment,
// base and platform before ARG expansion, location; the last stage is the
// default. dt is the Dockerfile df was parsed from.
func Targets(df *stages.Dockerfile, dt []byte) *targets.List {
	sts := df.Stages
	l := &targets.List{Sources: [][]byte{dt}}
	for i, st := range sts {
		l.Targets = append(l.Targets, targets.Target{
			Name:        st.Name,
			Default:     i == len(sts)-1,
			Description: st.DocComment,
			Base:        st.BaseName,
			Platform:    st.Platform,
			Location:    toLocation(st.Location),
		})
	}
	return l
}

func toLocation(rs []parser.Range) *pb.Location {
	if len(rs) == 0 {
		return nil
	}
	return &pb.Location{Ranges: stages.PBRanges(rs)}
}
