package stages

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
	"github.com/tonistiigi/go-csvvalue"
)

// `RUN --mount=from=$VAR` is expanded with the global scope (and the
// stage's ARGs) so the graph is fixed before anything is built; the
// instructions package would reject the variable outright. The AST stays
// as parsed: instructions.Parse reads a copy of the RUN nodes whose from=
// is expanded, and the value as written is kept for the graph's edges.

// MountKey is one --mount flag: the line its RUN starts on and its
// position among that RUN's --mount flags.
type MountKey struct{ Line, Index int }

// mountTargets are the target= values of n's --mount flags as written, by
// position. instructions.GetMounts leaves Target empty until the converter
// expands the mount, but upstream's message for a mount of a later stage
// names it.
func mountTargets(n *parser.Node) []string {
	var out []string
	for _, flag := range n.Flags {
		if v, ok := strings.CutPrefix(flag, "--mount="); ok {
			out = append(out, mountField(v, "target", "dst", "destination"))
		}
	}
	return out
}

// rewriteFrom gives the from= value that instructions.Parse reads for
// one that holds a variable, on a RUN at line; "" leaves the field out.
type rewriteFrom func(line int, value string) (string, error)

// expandIn expands from= values in the scope of their line, so the graph
// is fixed before anything is built.
func expandIn(lex Lexer, scopeFor func(line int) expander) rewriteFrom {
	return func(line int, value string) (string, error) {
		res, err := scopeFor(line).expand(lex, value)
		if err != nil {
			return "", err
		}
		if res.Result == "" {
			return "", errors.Errorf("from=%s is empty after expanding global ARGs and build args", value)
		}
		return res.Result, nil
	}
}

// leaveOut drops from= values that need the ARG scope: parsing as written
// (listing the stages) reads no edges.
func leaveOut(int, string) (string, error) { return "", nil }

// expandMountFrom returns the root instructions.Parse should read: root
// itself when no from= holds a variable, else a copy in which the RUN nodes
// that have one are copies with it rewritten. root and its nodes do not
// change. raw holds the from= values it rewrote, as written, and targets
// every target=.
func expandMountFrom(root *parser.Node, rewrite rewriteFrom) (parsed *parser.Node, raw, targets map[MountKey]string, err error) {
	parsed, raw, targets = root, map[MountKey]string{}, map[MountKey]string{}
	for i, n := range root.Children {
		if !strings.EqualFold(n.Value, "run") {
			continue
		}
		for j, target := range mountTargets(n) {
			targets[MountKey{Line: n.StartLine, Index: j}] = target
		}
		expanded, err := expandRunMounts(n, rewrite, raw)
		if err != nil {
			return nil, nil, nil, err
		}
		if expanded == nil {
			continue
		}
		if parsed == root {
			copied := *root
			copied.Children = append([]*parser.Node(nil), root.Children...)
			parsed = &copied
		}
		parsed.Children[i] = expanded
	}
	return parsed, raw, targets, nil
}

// expandRunMounts is a copy of the RUN node n with the from= of its
// --mount flags rewritten, or nil when no --mount holds a '$'; it records
// each from= it rewrote in raw.
func expandRunMounts(n *parser.Node, rewrite rewriteFrom, raw map[MountKey]string) (*parser.Node, error) {
	var copied *parser.Node
	mount := -1
	for i, flag := range n.Flags {
		v, ok := strings.CutPrefix(flag, "--mount=")
		if !ok {
			continue
		}
		mount++
		if !strings.Contains(v, "$") {
			continue
		}
		expanded, from, err := expandFromField(v, func(value string) (string, error) { return rewrite(n.StartLine, value) })
		if err != nil {
			return nil, parser.WithLocation(errors.Wrap(err, "expanding --mount from="), n.Location())
		}
		if copied == nil {
			c := *n
			c.Flags = append([]string(nil), n.Flags...)
			copied = &c
		}
		copied.Flags[i] = "--mount=" + expanded
		if from != "" {
			raw[MountKey{Line: n.StartLine, Index: mount}] = from
		}
	}
	return copied, nil
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

// expandFromField rewrites the from= fields of one --mount value that hold
// a variable ("" from rewrite leaves the field out); from is that field's
// value as written, when there was one.
func expandFromField(mount string, rewrite func(value string) (string, error)) (expanded, from string, err error) {
	fields, err := csvvalue.Fields(mount, nil)
	if err != nil {
		return mount, "", nil // left for the instructions parser to report
	}
	out := fields[:0:0]
	for _, f := range fields {
		key, value, ok := strings.Cut(f, "=")
		if !ok || !strings.EqualFold(key, "from") || !strings.Contains(value, "$") {
			out = append(out, f)
			continue
		}
		v, err := rewrite(value)
		if err != nil {
			return "", "", err
		}
		if v != "" {
			out = append(out, key+"="+v)
		}
		from = value
	}
	if from == "" {
		return mount, "", nil
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(out); err != nil {
		return "", "", err
	}
	w.Flush()
	return strings.TrimSuffix(buf.String(), "\n"), from, nil
}
