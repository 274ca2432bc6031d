package gateway

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/stages"
)

// attachSource adds the Dockerfile text to an error for every range it
// names, which is what makes buildx print the offending lines.
func attachSource(err error, src *dockerui.Source) error {
	if err == nil {
		return nil
	}
	for _, ranges := range locationsOf(err) {
		err = withSource(err, src, ranges)
	}
	return err
}

func withSource(err error, src *dockerui.Source, ranges []parser.Range) error {
	sm := src.SourceMap
	if sm == nil {
		return err
	}
	return errdefs.WithSource(err, &errdefs.Source{
		Info: &pb.SourceInfo{
			Data:       sm.Data,
			Filename:   sm.Filename,
			Language:   sm.Language,
			Definition: sm.Definition.ToPB(),
		},
		Ranges: stages.PBRanges(ranges),
	})
}

// warnFunc reports lint warnings as build warnings that point at the line.
func warnFunc(ctx context.Context, src *dockerui.Source) linter.LintWarnFunc {
	return func(rule, description, url, msg string, ranges []parser.Range) {
		line := 0
		if len(ranges) > 0 {
			line = ranges[0].Start.Line
		}
		src.Warn(ctx, linter.LintFormatShort(rule, msg, line), client.WarnOpts{
			Level:  1,
			Detail: [][]byte{[]byte(description)},
			URL:    url,
			Range:  stages.PBRanges(ranges),
		})
	}
}
