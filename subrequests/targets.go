// Package subrequests answers the frontend's subrequests from the stage
// graph: frontend.targets, frontend.outline and our frontend.graph, with
// BuildKit's result types. It builds nothing and imports no LLB.
package subrequests

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/stages"
)

// ListTargets lists every stage of dt, as written: name, doc comment,
// base and platform before ARG expansion, location; the last stage is the
// default. It needs no build args, so it works on Dockerfiles whose ARGs
// would not expand.
func ListTargets(dt []byte) (*targets.List, error) {
	df, err := stages.Parse(dt, stages.ParseOpt{AsWritten: true})
	if err != nil {
		return nil, err
	}
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
	return l, nil
}

func toLocation(rs []parser.Range) *pb.Location {
	if len(rs) == 0 {
		return nil
	}
	return &pb.Location{Ranges: stages.PBRanges(rs)}
}
