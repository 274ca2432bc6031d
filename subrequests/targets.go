// Package subrequests computes the answers of the frontend's subrequests
// from what a pass over the Dockerfile prepared (the parse, the stage
// graph, the dispatch's events): frontend.targets, frontend.outline and our
// frontend.graph, with BuildKit's result types. It parses nothing, builds
// nothing and imports no LLB.
package subrequests

import (
	"fmt"

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
	l := &targets.List{Sources: sourcesOf(df, dt)}
	last := len(sts) - 1
	if df.Files != nil && !df.Files.Single() {
		last = df.Files.Main().First + df.Files.Main().Count - 1 // the main file's
	}
	for i, st := range sts {
		name, ok := targetName(df, i, st.Name)
		if !ok {
			continue
		}
		desc := st.DocComment
		if name == "" {
			desc = unnamedNote(localIndex(df, i), st.BaseName, i == last)
		}
		l.Targets = append(l.Targets, targets.Target{
			Name:        name,
			Default:     i == last,
			Description: desc,
			Base:        st.BaseName,
			Platform:    st.Platform,
			Location:    locate(df, st.Location),
		})
	}
	return l
}

// unnamedNote describes an unnamed stage, where upstream leaves the
// description empty (a doc comment starts with its stage's name, so an
// unnamed stage has none): buildx then prints a bare "(default)", or a
// blank line, with nothing to say which stage it is. The name stays empty,
// as upstream's: tools take a non-empty name for a value --target accepts.
// index is what COPY --from takes for the stage.
func unnamedNote(index int, base string, isDefault bool) string {
	if isDefault {
		return fmt.Sprintf("unnamed stage %d (FROM %s), built without --target", index, base)
	}
	return fmt.Sprintf("unnamed stage %d (FROM %s), not a --target", index, base)
}

// localIndex is stage i's index in its own file.
func localIndex(df *stages.Dockerfile, i int) int {
	if df.Files == nil || df.Files.Single() {
		return i
	}
	return i - df.Files.OfStage(i).First
}

func toLocation(rs []parser.Range) *pb.Location {
	if len(rs) == 0 {
		return nil
	}
	return &pb.Location{Ranges: stages.PBRanges(rs)}
}

// targetName is the name --target takes for stage i: an included file's
// stages have their namespace ("go.build"). A file reference's instance
// ("./f#s") is not a target.
func targetName(df *stages.Dockerfile, i int, name string) (string, bool) {
	if df.Files == nil || df.Files.Single() {
		return name, true
	}
	u := df.Files.OfStage(i)
	if u.Kind == stages.UnitPath {
		return "", false
	}
	if name == "" {
		return "", true
	}
	return u.Prefix + name, true
}
