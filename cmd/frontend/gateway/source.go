package gateway

import (
	"bytes"
	"context"
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/stages"
)

// attachSource adds the Dockerfile text to an error for every range it
// names, which is what makes buildx print the offending lines.
func attachSource(err error, src *dockerui.Source) error {
	if err == nil {
		return nil
	}
	seen := map[string]bool{}
	files := stages.FilesOf(err)
	for _, ranges := range locationsOf(err) {
		// Wrapping the same location twice would send the file twice.
		key := fmt.Sprint(ranges)
		if seen[key] {
			continue
		}
		seen[key] = true
		if files != nil {
			file, local := files.Split(ranges)
			if file.Index != 0 {
				err = withFileSource(err, file, local)
				continue
			}
			ranges = local
		}
		err = withSource(err, src, ranges)
	}
	return err
}

// withFileSource attaches an included file's text for ranges of its own
// lines, so buildx prints that file's name and snippet.
func withFileSource(err error, file *stages.Source, local []parser.Range) error {
	return errdefs.WithSource(err, &errdefs.Source{
		Info: &pb.SourceInfo{
			Data:     snippetData(file.Data, local),
			Filename: file.Name,
			Language: "Dockerfile",
		},
		Ranges: stages.PBRanges(local),
	})
}

// warnFileFunc reports warnings about an included file's lines as build
// warnings that carry that file.
func warnFileFunc(ctx context.Context, src *dockerui.Source) dockerfile2llb.WarnFileFunc {
	return func(file *stages.Source, rule, description, url, msg string, local []parser.Range) {
		info := &pb.SourceInfo{Filename: file.Name, Data: file.Data, Language: "Dockerfile"}
		warnAt(ctx, src, info, rule, description, url, msg, local)
	}
}

func withSource(err error, src *dockerui.Source, ranges []parser.Range) error {
	sm := src.SourceMap
	if sm == nil {
		return err
	}
	return errdefs.WithSource(err, &errdefs.Source{
		Info: &pb.SourceInfo{
			Data:       snippetData(sm.Data, ranges),
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
		warnAt(ctx, src, nil, rule, description, url, msg, ranges)
	}
}

// warnAt sends one warning about ranges of the file info names; nil is
// the Dockerfile, which dockerui fills in.
func warnAt(ctx context.Context, src *dockerui.Source, info *pb.SourceInfo, rule, description, url, msg string, ranges []parser.Range) {
	line := 0
	if len(ranges) > 0 {
		line = ranges[0].Start.Line
	}
	src.Warn(ctx, linter.LintFormatShort(rule, msg, line), client.WarnOpts{
		Level:      1,
		Detail:     [][]byte{[]byte(description)},
		URL:        url,
		SourceInfo: info,
		Range:      stages.PBRanges(ranges),
	})
}

// fullSourceBytes is the size up to which an error carries the whole
// Dockerfile. The error travels back in one gRPC message of at most
// 16 MiB, and each location carries its own copy.
const fullSourceBytes = 1 << 20

// snippetData is the Dockerfile text an error carries for ranges: all of
// it when it is small, else only the lines a client shows around each
// range's first and last line, the others left empty so that line numbers
// still match.
func snippetData(data []byte, ranges []parser.Range) []byte {
	if len(data) <= fullSourceBytes {
		return data
	}
	const around = 4 // buildx shows a few lines on each side
	near := func(line int) bool {
		for _, r := range ranges {
			if abs(line-r.Start.Line) <= around || abs(line-r.End.Line) <= around {
				return true
			}
		}
		return false
	}
	var out bytes.Buffer
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if near(i + 1) {
			out.Write(line)
		} else if bytes.HasSuffix(line, []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
