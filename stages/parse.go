package stages

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/pkg/errors"
	"github.com/tonistiigi/go-csvvalue"
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
	// RawMountFrom holds the from= values of RUN --mount flags as written,
	// before Parse expanded them (see expandMountFrom), by RUN line and
	// position among that RUN's --mount flags.
	RawMountFrom map[MountKey]string
	// MountTargets holds the target= of every RUN --mount flag as
	// written, keyed like RawMountFrom; upstream's message for a mount
	// of a later stage names it.
	MountTargets map[MountKey]string
	// fromScopes are the scopes of the --from values that use variables,
	// by line: the stage's ARGs above them, then GlobalArgs.
	fromScopes map[int]*fromScope
}

// MountKey is one --mount flag: the line its RUN starts on and its
// position among that RUN's --mount flags.
type MountKey struct{ Line, Index int }

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
	// or expanding RUN --mount from= (GlobalArgs stays empty), and allows
	// a Dockerfile without FROM: what listing the targets needs.
	AsWritten bool
}

// NewLex returns a fresh shell lexer for this Dockerfile. Lexers are not safe
// for concurrent use, so every conversion takes its own.
func (d *Dockerfile) NewLex() *shell.Lex { return shell.NewLex(d.EscapeToken) }

// Parse parses dt into stages and evaluates the global ARG scope.
func Parse(dt []byte, opt ParseOpt) (*Dockerfile, error) {
	if len(bytes.TrimSpace(dt)) == 0 {
		return nil, errors.New("the Dockerfile cannot be empty")
	}
	if err := CheckUTF8(dt); err != nil {
		return nil, err
	}
	ast, err := parseAST(dt)
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
	d := &Dockerfile{AST: ast, EscapeToken: ast.EscapeToken, AutoArgs: auto}
	lex := d.NewLex()

	if opt.AsWritten {
		d.GlobalArgs = NewArgs()
	} else if err := d.evalGlobalScope(lex, auto, opt.BuildArgs); err != nil {
		return nil, err
	}
	d.Stages, d.MetaArgs, err = instructions.Parse(ast.AST, lint)
	if err != nil {
		return nil, err
	}
	if len(d.Stages) == 0 && !opt.AsWritten {
		return nil, errNoStages
	}
	return d, nil
}

// evalGlobalScope evaluates the global ARGs, then expands RUN --mount
// from= with them, which instructions.Parse would reject.
func (d *Dockerfile) evalGlobalScope(lex *shell.Lex, auto *Args, buildArgs map[string]string) error {
	metaArgs, err := parseMetaArgs(d.AST.AST)
	if err != nil {
		return err
	}
	d.GlobalArgs, d.Declared, err = ExpandMetaArgs(lex, auto, metaArgs, buildArgs)
	if err != nil {
		return err
	}
	d.fromScopes = stageScopes(d.AST.AST, lex, d.GlobalArgs, buildArgs)
	d.RawMountFrom, d.MountTargets, err = expandMountFrom(d.AST.AST, lex, d.scopeFor)
	return err
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

// parseMetaArgs parses the ARG lines before the first FROM on their own:
// their values are needed before the rest of the file can be parsed. Its
// linter is silent: instructions.Parse parses these lines again and
// reports their warnings, once.
func parseMetaArgs(root *parser.Node) ([]instructions.ArgCommand, error) {
	lint := linter.New(&linter.Config{})
	var out []instructions.ArgCommand
	for _, n := range root.Children {
		if !strings.EqualFold(n.Value, "arg") {
			break
		}
		// The error already carries n's location; adding it again would
		// print the line twice.
		cmd, err := instructions.ParseInstructionWithLinter(n, lint)
		if err != nil {
			return nil, err
		}
		if a, ok := cmd.(*instructions.ArgCommand); ok {
			out = append(out, *a)
		}
	}
	return out, nil
}

// expandMountFrom rewrites `RUN --mount=...,from=$VAR` in place with the
// global scope, so the graph is fixed before anything is built. The
// instructions package would otherwise reject the variable outright. It
// returns the from= values it rewrote, as written, and every target=.
func expandMountFrom(root *parser.Node, lex *shell.Lex, scopeFor func(line int) expander) (raw, targets map[MountKey]string, err error) {
	raw, targets = map[MountKey]string{}, map[MountKey]string{}
	for _, n := range root.Children {
		if !strings.EqualFold(n.Value, "run") {
			continue
		}
		mount := -1
		for i, flag := range n.Flags {
			v, ok := strings.CutPrefix(flag, "--mount=")
			if !ok {
				continue
			}
			mount++
			key := MountKey{Line: n.StartLine, Index: mount}
			targets[key] = mountField(v, "target", "dst", "destination")
			if !strings.Contains(v, "$") {
				continue
			}
			expanded, from, err := expandFromField(v, lex, scopeFor(n.StartLine))
			if err != nil {
				return nil, nil, parser.WithLocation(errors.Wrap(err, "expanding --mount from="), n.Location())
			}
			n.Flags[i] = "--mount=" + expanded
			if from != "" {
				raw[key] = from
			}
		}
	}
	return raw, targets, nil
}

// mountField is the value of the first of keys in a --mount value, or "".
func mountField(mount string, keys ...string) string {
	fields, _ := csvvalue.Fields(mount, nil)
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		for _, want := range keys {
			if ok && strings.EqualFold(k, want) {
				return v
			}
		}
	}
	return ""
}

// expandFromField expands the from= field of one --mount value; from is
// that field's value as written, when it was expanded.
func expandFromField(mount string, lex *shell.Lex, scope expander) (expanded, from string, err error) {
	fields, err := csvvalue.Fields(mount, nil)
	if err != nil {
		return mount, "", nil // left for the instructions parser to report
	}
	changed := false
	for i, f := range fields {
		key, value, ok := strings.Cut(f, "=")
		if !ok || !strings.EqualFold(key, "from") || !strings.Contains(value, "$") {
			continue
		}
		res, err := scope.expand(lex, value)
		if err != nil {
			return "", "", err
		}
		if res.Result == "" {
			return "", "", errors.Errorf("from=%s is empty after expanding global ARGs and build args", value)
		}
		fields[i] = key + "=" + res.Result
		from, changed = value, true
	}
	if !changed {
		return mount, "", nil
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(fields); err != nil {
		return "", "", err
	}
	w.Flush()
	return strings.TrimSuffix(buf.String(), "\n"), from, nil
}
