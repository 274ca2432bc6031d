package dockerfile2llb

// Entry points of the subrequests: frontend.lint, frontend.outline,
// frontend.graph and frontend.targets. Each is one pass (run) taken as far
// as its answer needs; the answers themselves are computed by the lint and
// subrequests packages.

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	lintres "github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/stages"
	"github.com/myorg/multistage/subrequests"
	"github.com/pkg/errors"
)

// Lint answers frontend.lint (--check). With no target every stage is
// checked, as upstream does; our own rules are on. A Dockerfile that does
// not convert gives its warnings plus the error, with its location.
func Lint(ctx context.Context, dt []byte, opt ConvertOpt) (*lintres.LintResults, error) {
	results := &lintres.LintResults{}
	sm := opt.SourceMap
	if sm == nil {
		sm = llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dt)
		sm.Definition = &llb.Definition{}
	}
	src := results.AddSource(sm)
	opt.Warn = func(rule, description, url, msg string, loc []parser.Range) {
		results.AddWarning(rule, description, url, msg, src, loc)
	}
	files := lintFiles{results: results, main: src}
	opt.WarnFile = files.warn
	if err := lintConversion(ctx, dt, opt); err != nil {
		results.Error = files.buildError(err)
	}
	return results, nil
}

// lintFiles gives each included file its source in a lint answer.
type lintFiles struct {
	results *lintres.LintResults
	main    int
	// index is each included file's source, by its stages.Source.Index.
	index map[int]int
}

func (f *lintFiles) sourceOf(src *stages.Source) int {
	if src == nil || src.Index == 0 {
		return f.main
	}
	if i, ok := f.index[src.Index]; ok {
		return i
	}
	if f.index == nil {
		f.index = map[int]int{}
	}
	sm := llb.NewSourceMap(nil, src.Name, "Dockerfile", src.Data)
	sm.Definition = &llb.Definition{}
	f.index[src.Index] = f.results.AddSource(sm)
	return f.index[src.Index]
}

func (f *lintFiles) warn(src *stages.Source, rule, description, url, msg string, local []parser.Range) {
	f.results.AddWarning(rule, description, url, msg, f.sourceOf(src), local)
}

// buildError is err with its location: the groups of the first group's
// file, in that file's lines (two files' lines must not merge).
func (f *lintFiles) buildError(err error) *lintres.BuildError {
	be := &lintres.BuildError{Message: err.Error()}
	var le *parser.LocationError
	if !errors.As(err, &le) {
		return be
	}
	groups := le.Locations
	var src *stages.Source
	if files := stages.FilesOf(err); files != nil && len(groups) > 0 {
		src, groups = sameFile(files, groups)
	}
	be.Location.SourceIndex = int32(f.sourceOf(src))
	be.Location.Ranges = stages.PBRanges(mergeRanges(groups...))
	return be
}

// sameFile are the groups in the file of the first one, in its lines.
func sameFile(files *stages.Files, groups [][]parser.Range) (*stages.Source, [][]parser.Range) {
	src, _ := files.Split(groups[0])
	var out [][]parser.Range
	for _, g := range groups {
		if s, local := files.Split(g); s == src {
			out = append(out, local)
		}
	}
	return src, out
}

func lintConversion(ctx context.Context, dt []byte, opt ConvertOpt) error {
	// Every stage checked is converted, without solving: its warnings
	// come from the dispatch, and its errors are the build's errors.
	c, err := run(ctx, dt, opt, pass{depth: dispatched, allStages: opt.Target == "", stopAtLint: true})
	if err != nil {
		return err
	}
	return sortedLintError(c.lint.Error())
}

// sortedLintError lists the rules of "lint violation found for rules" in
// a stable order (upstream's follows map iteration).
func sortedLintError(err error) error {
	if err == nil {
		return nil
	}
	const prefix = "lint violation found for rules: "
	msg, ok := strings.CutPrefix(err.Error(), prefix)
	if !ok {
		return err
	}
	rules := strings.Split(msg, ", ")
	sort.Strings(rules)
	return errors.New(prefix + strings.Join(rules, ", "))
}

// Outline answers frontend.outline for opt.Target. Like upstream's, it
// converts the target (so it fails where the build would fail before
// solving), then lists what the target's stages take.
func Outline(ctx context.Context, dt []byte, opt ConvertOpt) (*outline.Outline, error) {
	opt.Warn, opt.WarnFile = nil, nil
	var o *subrequests.Outliner
	_, err := run(ctx, dt, opt, pass{depth: dispatched, epoch: true, observe: func(df *stages.Dockerfile, g *stages.Graph) *events.Observer {
		o = subrequests.NewOutline(df, g)
		return o.Observer()
	}})
	if err != nil {
		return nil, err
	}
	return o.Result(dt), nil
}

// StageGraph parses dt and builds its stage graph for opt.Target, with
// build args, platforms and named contexts applied, resolving nothing:
// the input of the frontend.graph subrequest.
func StageGraph(ctx context.Context, dt []byte, opt ConvertOpt) (*stages.Graph, error) {
	opt.Warn, opt.WarnFile = nil, nil
	c, err := run(ctx, dt, opt, pass{depth: graphed})
	if err != nil {
		return nil, err
	}
	if c.buildAll {
		return c.graph.WithAllStages(), nil
	}
	return c.graph, nil
}

// ListTargets answers frontend.targets: every stage of dt as written. It
// needs no build args, so it works on Dockerfiles whose ARGs would not
// expand.
func ListTargets(ctx context.Context, dt []byte) (*targets.List, error) {
	return ListTargetsOf(ctx, dt, ConvertOpt{})
}

// ListTargetsOf is ListTargets of a build that may include files: opt
// gives the reader, and the build args include paths expand in.
func ListTargetsOf(ctx context.Context, dt []byte, opt ConvertOpt) (*targets.List, error) {
	c, err := run(ctx, dt, opt, pass{depth: parsedAsWritten})
	if err != nil {
		return nil, err
	}
	return subrequests.Targets(c.df, dt), nil
}

// mergeRanges sorts ranges by line and merges overlapping ones, so an
// error naming the same line twice prints it once.
func mergeRanges(ls ...[]parser.Range) []parser.Range {
	var all []parser.Range
	for _, l := range ls {
		all = append(all, l...)
	}
	if len(all) < 2 {
		return all
	}
	slices.SortFunc(all, func(a, b parser.Range) int { return a.Start.Line - b.Start.Line })
	out := []parser.Range{all[0]}
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		if r.Start.Line <= last.End.Line {
			last.End.Line = max(last.End.Line, r.End.Line)
			continue
		}
		out = append(out, r)
	}
	return out
}
