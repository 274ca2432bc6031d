package stages

import (
	"bytes"
	"context"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// Dockerfile is a parsed Dockerfile with its global ARG scope evaluated.
type Dockerfile struct {
	AST         *parser.Result
	Stages      []instructions.Stage
	MetaArgs    []instructions.ArgCommand
	EscapeToken rune
	// AutoArgs are the automatic ARGs the global scope starts from: the
	// platform ARGs given to Parse and TARGETSTAGE.
	AutoArgs *Args
	// GlobalArgs is the scope FROM lines and --from values expand in:
	// AutoArgs, then the global ARGs with build args applied.
	GlobalArgs *Args
	// Declared lists every global ARG in declaration order.
	Declared []MetaArg
	// RawMountFrom holds the from= values of RUN --mount flags that use
	// a variable, as written, by RUN line and position among that RUN's
	// --mount flags. AST keeps them too; Stages hold them expanded (see
	// expandMountFrom).
	RawMountFrom map[MountKey]string
	// MountTargets holds the target= of every RUN --mount flag as
	// written, keyed like RawMountFrom; upstream's message for a mount
	// of a later stage names it.
	MountTargets map[MountKey]string
	// Files says which file, and which inclusion of it, each stage and
	// line comes from. AST, MetaArgs, GlobalArgs and Declared are the main
	// file's (Files.Main() holds the same values).
	Files *Files
	// fromScopes are the scopes of the --from values that use variables,
	// by line: the stage's ARGs above them, then GlobalArgs.
	fromScopes map[int]*fromScope
	// budget is the file's MaxFileExpansion, shared by its lexers.
	budget *expansionBudget
}

// ParseOpt carries what the global ARG scope depends on.
type ParseOpt struct {
	// Linter receives parse-time warnings; nil means a silent one.
	Linter *linter.Linter
	// AutoArgs are the automatic platform args; Parse adds TARGETSTAGE.
	AutoArgs  *Args
	BuildArgs map[string]string
	// Target is the requested target stage; empty means the last stage.
	Target string
	// AsWritten parses the stages without evaluating the global ARG scope
	// (GlobalArgs stays empty), so a RUN --mount from= that uses a
	// variable is left out of Stages, and allows a Dockerfile without
	// FROM: what listing the targets needs.
	AsWritten bool
	// MainName is the main file's name in reports; "Dockerfile" when
	// empty.
	MainName string
	// Files, when not nil, is filled while parsing, so that a linter's
	// warning router can map lines to files before Parse returns.
	Files *Files
	// Reader reads the files INCLUDE and FROM ./f#s name; nil reads none.
	Reader FileReader
	// Limits bound what the reader is asked for; nil means DefaultLimits.
	Limits *Limits
}

// NewLex returns a fresh lexer for this Dockerfile. Lexers are not safe for
// concurrent use: each analysis takes one and uses it for all its words.
func (d *Dockerfile) NewLex() Lexer { return newLexer(d.EscapeToken, d.budget) }

// Parse parses dt into stages and evaluates the global ARG scope. It reads
// no other file: ParseContext with opt.Reader does.
func Parse(dt []byte, opt ParseOpt) (*Dockerfile, error) {
	return ParseContext(context.Background(), dt, opt)
}

// ParseContext is Parse for a Dockerfile that may include others: it reads
// them through opt.Reader, one call per nesting level, and returns one
// Dockerfile whose Stages are every file's, in build order, and whose
// Files say which file each stage and line comes from. Without a reader,
// INCLUDE is an unknown instruction and "./x" an image name, as upstream
// reads them.
func ParseContext(ctx context.Context, dt []byte, opt ParseOpt) (*Dockerfile, error) {
	if len(bytes.TrimSpace(dt)) == 0 {
		return nil, errors.New("the Dockerfile cannot be empty")
	}
	if err := CheckSize(dt); err != nil {
		return nil, err
	}
	if err := CheckUTF8(dt); err != nil {
		return nil, err
	}
	ast, err := parseAST(dt)
	if err != nil {
		return nil, err
	}
	if err := checkInstructionSizes(ast.AST); err != nil {
		return nil, err
	}
	noCache, err := takeRunNoCache(ast.AST)
	if err != nil {
		return nil, err
	}
	lint := opt.Linter
	if lint == nil {
		// instructions.Parse panics on "# check=" comments without a linter.
		lint = linter.New(&linter.Config{})
	}
	auto := NewArgs()
	if opt.AutoArgs != nil {
		auto = opt.AutoArgs.Clone()
	}
	if v, ok := opt.BuildArgs["TARGETSTAGE"]; ok {
		auto.Set("TARGETSTAGE", v)
	} else {
		auto.Set("TARGETSTAGE", targetStageArg(ast.AST, opt.Target))
	}
	d := &Dockerfile{AST: ast, EscapeToken: ast.EscapeToken, AutoArgs: auto, budget: newExpansionBudget(), Files: newFilesFor(opt, dt)}
	t := newTree(ctx, d, opt, lint)
	t.noCache = noCache
	if err := t.run(); err != nil {
		return nil, WithFiles(err, d.Files)
	}
	markRunNoCache(d.Stages, t.noCache)
	if len(d.Stages) == 0 && !opt.AsWritten {
		return nil, errNoStages
	}
	return d, nil
}

// newFilesFor is the table a parse fills: the caller's, when it asked to
// watch it, else a new one.
func newFilesFor(opt ParseOpt, dt []byte) *Files {
	f := NewFiles(opt.MainName, dt)
	f.paths = opt.Reader != nil
	if opt.Files != nil {
		*opt.Files = *f
		return opt.Files
	}
	return f
}

// targetStageArg is the value of TARGETSTAGE: the requested target, else
// the last stage's name, else "default". It is needed before the stages are
// parsed, because global ARGs may use it, so it is read off the AST.
func targetStageArg(root *parser.Node, target string) string {
	if names := SplitTargets(target); len(names) > 0 {
		// With several targets, the first names the build.
		return names[0]
	}
	name := "default"
	for _, n := range root.Children {
		if !strings.EqualFold(n.Value, "from") {
			continue
		}
		name = "default"
		if as := fromAsName(n); as != "" {
			name = as
		}
	}
	return name
}

// parseAST runs BuildKit's parser and puts right the line of the errors it
// reports before counting the line they are on: a bad parser directive (an
// invalid escape token, a repeated directive) and an over-long line name the
// line above theirs, line 0 for the first line, so no snippet is shown.
func parseAST(dt []byte) (*parser.Result, error) {
	ast, err := parser.Parse(bytes.NewReader(dt))
	if err == nil {
		return ast, nil
	}
	var le *parser.LocationError
	if errors.As(err, &le) && reportedLineEarly(err) {
		for _, loc := range le.Locations {
			for i := range loc {
				loc[i].Start.Line++
				loc[i].End.Line++
			}
		}
	}
	return nil, err
}

// reportedLineEarly recognises the parser errors raised before its line
// counter moves on. The table tests pin these messages, so a BuildKit
// upgrade that changes them (or fixes the count) fails loudly.
func reportedLineEarly(err error) bool {
	msg := err.Error()
	for _, s := range []string{"parser directive can be used", "invalid escape token", "dockerfile line greater than max allowed size"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// silent is the linter of parseAhead. Without a Warn function a linter
// returns before recording anything, so one can be shared.
var silent = linter.New(&linter.Config{})

// parseAhead parses one instruction before instructions.Parse does, for a
// value needed first. Its linter is silent: instructions.Parse reads the
// line again and reports its warnings, once.
func parseAhead(n *parser.Node) (any, error) {
	return instructions.ParseInstructionWithLinter(n, silent)
}

// parseMetaArgs parses the ARG lines before the first FROM on their own:
// their values are needed before the rest of the file can be parsed. With
// includes, the INCLUDE lines among them are passed over: they are not
// instructions, and instructions.Parse never sees them.
func parseMetaArgs(root *parser.Node, includes bool) ([]instructions.ArgCommand, error) {
	var out []instructions.ArgCommand
	for _, n := range root.Children {
		if includes && isInclude(n) {
			continue
		}
		if !strings.EqualFold(n.Value, "arg") {
			break
		}
		// The error already carries n's location; adding it again would
		// print the line twice.
		cmd, err := parseAhead(n)
		if err != nil {
			return nil, err
		}
		if a, ok := cmd.(*instructions.ArgCommand); ok {
			out = append(out, *a)
		}
	}
	return out, nil
}
