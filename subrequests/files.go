package subrequests

import (
	"maps"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/stages"
)

// A build made of several files answers with one source per file, and
// each location says its file by SourceIndex, in that file's lines.

// sourcesOf are the texts of the files of df, the main one (dt) first.
func sourcesOf(df *stages.Dockerfile, dt []byte) [][]byte {
	if df.Files == nil || df.Files.Single() {
		return [][]byte{dt}
	}
	out := make([][]byte, len(df.Files.Sources))
	for i, s := range df.Files.Sources {
		out[i] = s.Data
	}
	out[0] = dt
	return out
}

// locate is toLocation in the file rs is in.
func locate(df *stages.Dockerfile, rs []parser.Range) *pb.Location {
	if len(rs) == 0 || df.Files == nil || df.Files.Single() {
		return toLocation(rs)
	}
	src, local := df.Files.Split(rs)
	l := toLocation(local)
	l.SourceIndex = int32(src.Index)
	return l
}

// relocate turns locations in the line space, as a sort by line needs
// them, into locations in their files.
func relocate(df *stages.Dockerfile, l *pb.Location) *pb.Location {
	if l == nil || df.Files == nil || df.Files.Single() {
		return l
	}
	return locate(df, stages.OpRanges(&pb.Source{Locations: map[string]*pb.Locations{"": {Locations: []*pb.Location{l}}}}, ""))
}

// globalsOf are the global ARGs of n's file, as the outline lists them.
func (o *Outliner) globalsOf(n *stages.Node) map[string]argInfo {
	u := n.Unit
	if u == nil || u.Kind == stages.UnitMain || u.GlobalArgs == nil {
		return o.global
	}
	if g, ok := o.unitGlobals[u]; ok {
		return g
	}
	if o.unitGlobals == nil {
		o.unitGlobals = map[*stages.Unit]map[string]argInfo{}
	}
	o.unitGlobals[u] = argInfos(u.Declared)
	return o.unitGlobals[u]
}

// scopeOf is what n's FROM line and --from words expand in: its file's
// global ARGs.
func (o *Outliner) scopeOf(n *stages.Node) *stages.Args {
	if n.Unit == nil || n.Unit.GlobalArgs == nil {
		return o.df.GlobalArgs
	}
	return n.Unit.GlobalArgs
}

// crossFile is the ARGs of a stage built on a stage of another file: its
// own file's globals, and what its parent used, as its parent had them.
func crossFile(own map[string]argInfo, parent *capture) map[string]argInfo {
	out := maps.Clone(own)
	for k := range parent.used {
		if a, ok := parent.args[k]; ok {
			out[k] = a
		}
	}
	return out
}
