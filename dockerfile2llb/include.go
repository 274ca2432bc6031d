package dockerfile2llb

import (
	"context"
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// A build made of several files (INCLUDE, FROM ./f#s) keeps every line in
// one line space (stages/files.go). The converter turns a line back into
// its file where it leaves: an op's source map, a warning, an error.

// IncludeReader reads the files INCLUDE and file references name, one call
// per nesting level (stages.FileReader). The platform is the conversion's
// target: a named context such as docker-image:// may differ per platform.
type IncludeReader interface {
	ReadFiles(ctx context.Context, platform ocispecs.Platform, refs []stages.FileRef) ([]stages.FileResult, error)
}

// WarnFileFunc receives a warning about a line of an included file: its
// source and its ranges in that file's own lines.
type WarnFileFunc func(src *stages.Source, rule, description, url, msg string, local []parser.Range)

// platformReader binds an IncludeReader to one platform.
type platformReader struct {
	r IncludeReader
	p ocispecs.Platform
}

func (r platformReader) ReadFiles(ctx context.Context, refs []stages.FileRef) ([]stages.FileResult, error) {
	return r.r.ReadFiles(ctx, r.p, refs)
}

// fileReader is the parse's reader, nil without opt.Includes: then
// INCLUDE is upstream's unknown instruction, as before includes existed.
func (c *converter) fileReader() stages.FileReader {
	if c.opt.Includes == nil {
		return nil
	}
	return platformReader{r: c.opt.Includes, p: c.platform.target}
}

// mainName is the main Dockerfile's name in reports.
func mainName(opt ConvertOpt) string {
	if opt.SourceMap != nil && opt.SourceMap.Filename != "" {
		return opt.SourceMap.Filename
	}
	return "Dockerfile"
}

// sourceMap is the source map of one file: the main one is the caller's,
// the others are made once each, so the collector sends each file once.
// Without a main source map there are none.
func (c *converter) sourceMap(src *stages.Source) *llb.SourceMap {
	if src.Index == 0 || c.opt.SourceMap == nil {
		return c.opt.SourceMap
	}
	if sm := c.sourceMaps[src.Index]; sm != nil {
		return sm
	}
	sm := llb.NewSourceMap(nil, src.Name, "Dockerfile", src.Data)
	if c.sourceMaps == nil {
		c.sourceMaps = map[int]*llb.SourceMap{}
	}
	c.sourceMaps[src.Index] = sm
	return sm
}

// multiFile reports whether lines may belong to a file other than the
// main one. The table is empty until the parse fills it.
func (c *converter) multiFile() bool {
	return c.files != nil && len(c.files.Units) > 1
}

// routeWarn is the linter's warning function: a warning about the main
// file goes to opt.Warn unchanged, one about an included file to
// opt.WarnFile with that file's lines, or, without WarnFile, to opt.Warn
// with the file named in the message.
func (c *converter) routeWarn(rule, description, url, msg string, ranges []parser.Range) {
	if !c.multiFile() || len(ranges) == 0 {
		c.warnMain(rule, description, url, msg, ranges)
		return
	}
	src, local := c.files.Split(ranges)
	switch {
	case src.Index == 0:
		c.warnMain(rule, description, url, msg, local)
	case c.opt.WarnFile != nil:
		c.opt.WarnFile(src, rule, description, url, msg, local)
	default:
		c.warnMain(rule, description, url, fmt.Sprintf("%s (%s)", msg, c.files.Where(ranges)), nil)
	}
}

func (c *converter) warnMain(rule, description, url, msg string, ranges []parser.Range) {
	if c.opt.Warn != nil {
		c.opt.Warn(rule, description, url, msg, ranges)
	}
}

// globalLocation maps an op's ranges read back from a marshalled
// definition (in the file of the source map at index) into the line space.
func (c *converter) globalLocation(filename string, local []parser.Range) []parser.Range {
	if !c.multiFile() {
		return local
	}
	for _, src := range c.files.Sources {
		if src.Name == filename {
			return c.files.Globalize(src, local)
		}
	}
	return local
}

// withFiles lets whoever reports err find the file of each location; a
// build of one file leaves its errors as they are.
func (c *converter) withFiles(err error) error {
	if err == nil || !c.multiFile() {
		return err
	}
	return stages.WithFiles(err, c.files)
}

// linterWarn is the linter's warning function: routed per file when the
// build reads included files, the caller's as it is otherwise.
func (c *converter) linterWarn() func(rule, description, url, msg string, ranges []parser.Range) {
	if c.opt.Includes == nil {
		return c.opt.Warn
	}
	return c.routeWarn
}

// globalsOf is the global ARG scope of n's file, which its stage ARGs
// without a default read: each included file has its own.
func (c *converter) globalsOf(n *stages.Node) *stages.Args {
	if n == nil || n.Unit == nil || n.Unit.GlobalArgs == nil {
		return c.df.GlobalArgs
	}
	return n.Unit.GlobalArgs
}
