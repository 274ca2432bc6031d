package stages

import (
	"context"
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// INCLUDE [--from=<context>] <path> [AS <ns>] joins other files to the
// build: before the first FROM it imports a file's stages (named "ns.x"
// with AS), inside a stage it pastes a file's instructions. FROM ./f#s and
// --from=./f#s name a stage of a file directly. The files are read level
// by level, one FileReader call per level, each inclusion is parsed on its
// own and given its lines in the build's line space (files.go), and the
// stages of every file are assembled into one Dockerfile.

// FileResult is one file a FileReader read.
type FileResult struct {
	Data []byte
	// Err is ErrNotExist, ErrNoContext, ErrIsDir, a *TooLargeError, or
	// the context's own failure (a git fetch, an image pull...).
	Err error
	// Siblings are the names in the directory of a file that does not
	// exist, for "did you mean"; optional.
	Siblings []string
}

// FileReader reads the included files of one nesting level. It returns
// one result per ref, in order; the call itself fails only when ctx does:
// a file's or a context's failure is its result's, reported at the line
// that named it.
type FileReader interface {
	ReadFiles(ctx context.Context, refs []FileRef) ([]FileResult, error)
}

// The failures a FileReader reports for one file.
var (
	ErrNotExist  = errors.New("no such file")
	ErrNoContext = errors.New("no such build context")
	ErrIsDir     = errors.New("is a directory")
)

// TooLargeError is a file the reader would not read: Size is over Limit.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the file is %d bytes, over the limit of %d", e.Size, e.Limit)
}

// tree is the state of one ParseContext call that reads files.
type tree struct {
	ctx   context.Context
	d     *Dockerfile
	opt   ParseOpt
	lim   Limits
	files *Files
	lint  *linter.Linter
	// lex evaluates what the build uses, on the Dockerfile's budget;
	// quiet only looks for file references and keeps a budget of its own,
	// so a build without them spends exactly what it did.
	lex, quiet Lexer
	total      int64
	// next are the requests of the next level, in the order their lines
	// were met; pending counts the requests whose units are not made yet.
	next     []*request
	pending  int
	pathReqs map[FileRef]*request // one instance per referenced file
	paths    []*Unit              // the instances, in creation order
	// noCache are the lines of every file's RUN --no-cache (nocache.go).
	noCache map[int]bool
}

// request is one line that names a file: an INCLUDE, or the first file
// reference to that file.
type request struct {
	kind UnitKind
	from *Unit
	node *parser.Node
	ref  FileRef
	ns   string
	// what is the instruction as written, for messages: "INCLUDE
	// docker/go.Dockerfile AS go", "FROM ./go.Dockerfile#build".
	what string
	// stage is the stage an INCLUDE inside a stage pastes into.
	stage string
	// keys are the file references the instance answers.
	keys []pathKey
	unit *Unit
}

func newTree(ctx context.Context, d *Dockerfile, opt ParseOpt, lint *linter.Linter) *tree {
	return &tree{ctx: ctx, d: d, opt: opt, lim: opt.Limits.orDefault(), files: d.Files, lint: lint,
		lex: d.NewLex(), quiet: newLexer(d.EscapeToken, newExpansionBudget()), pathReqs: map[FileRef]*request{}}
}

// reading says whether files are read: without a reader, INCLUDE and
// ./x are what upstream reads them as.
func (t *tree) reading() bool { return t.opt.Reader != nil }

func (t *tree) run() error {
	main := t.files.Main()
	main.AST = t.d.AST
	if err := t.scanStages(main); err != nil {
		return err
	}
	t.d.GlobalArgs, t.d.Declared = main.GlobalArgs, main.Declared
	for len(t.next) > 0 {
		if err := t.readLevel(); err != nil {
			return err
		}
	}
	return t.assemble()
}

// readLevel reads the files the last level named, in one call, and makes,
// parses and scans a unit for each request: their requests are the next
// level.
func (t *tree) readLevel() error {
	reqs := t.next
	t.next = nil
	results, err := t.read(reqs)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		src, err := t.source(r, results)
		if err != nil {
			return err
		}
		u := t.newUnit(r, src)
		if err := t.parseUnit(u); err != nil {
			return err
		}
	}
	return nil
}

// read asks the reader for the files of reqs that no earlier level read,
// each once, in the order they were first named.
func (t *tree) read(reqs []*request) (map[FileRef]FileResult, error) {
	var refs []FileRef
	asked := map[FileRef]bool{}
	for _, r := range reqs {
		if t.files.bySrc[r.ref] != nil || asked[r.ref] {
			continue
		}
		if read := len(t.files.Sources) - 1 + len(refs); read >= t.lim.Files {
			return nil, atRequest(r, &LimitError{What: "the number of distinct files one build includes", Got: read + 1, Max: t.lim.Files, Unit: "files"})
		}
		asked[r.ref] = true
		refs = append(refs, r.ref)
	}
	if len(refs) == 0 {
		return nil, nil
	}
	res, err := t.opt.Reader.ReadFiles(t.ctx, refs)
	if err != nil {
		return nil, err
	}
	if len(res) != len(refs) {
		return nil, errors.Errorf("the file reader answered %d of %d files", len(res), len(refs))
	}
	out := make(map[FileRef]FileResult, len(refs))
	for i, ref := range refs {
		out[ref] = res[i]
	}
	return out, nil
}

// source is r's file: read by an earlier request, or its result, which is
// checked against the size limits.
func (t *tree) source(r *request, results map[FileRef]FileResult) (*Source, error) {
	src := t.files.bySrc[r.ref]
	if src == nil {
		res := results[r.ref]
		if err := t.readFailure(r, res); err != nil {
			return nil, err
		}
		src = &Source{Index: len(t.files.Sources), Ref: r.ref, Name: r.ref.String(), Data: res.Data}
		t.files.Sources = append(t.files.Sources, src)
		t.files.bySrc[r.ref] = src
	}
	t.total += int64(len(src.Data))
	if t.total > t.lim.TotalSize {
		return nil, atRequest(r, &LimitError{What: "the text all inclusions of one build parse", Got: int(min(t.total, 1<<62)), Max: int(t.lim.TotalSize), Unit: "bytes"})
	}
	return src, nil
}

// readFailure is the error of a file the reader could not give, or that
// is over the size limit.
func (t *tree) readFailure(r *request, res FileResult) error {
	var tooLarge *TooLargeError
	switch {
	case errors.As(res.Err, &tooLarge):
		return atRequest(r, fileTooLarge(r.ref, tooLarge.Size, t.lim.FileSize))
	case res.Err != nil:
		return atRequest(r, readError(r.ref, res))
	case int64(len(res.Data)) > t.lim.FileSize:
		return atRequest(r, fileTooLarge(r.ref, int64(len(res.Data)), t.lim.FileSize))
	}
	return nil
}

// newUnit gives r's inclusion of src the next lines of the line space and
// links it to its includer.
func (t *tree) newUnit(r *request, src *Source) *Unit {
	last := t.files.Units[len(t.files.Units)-1]
	u := &Unit{ID: len(t.files.Units), Kind: r.kind, Source: src, Parent: r.from, At: r.node.Location(), NS: r.ns,
		Base: last.Base + last.Lines + 1, Lines: lineCount(src.Data), depth: r.from.depth + 1, what: r.what, stage: r.stage}
	u.host = u
	switch r.kind {
	case UnitStages:
		u.Prefix = r.from.Prefix
		if r.ns != "" {
			u.Prefix += r.ns + "."
		}
		r.from.children = append(r.from.children, u)
	case UnitSnippet:
		u.host = r.from.host
		if r.from.snippets == nil {
			r.from.snippets = map[*parser.Node]*Unit{}
		}
		r.from.snippets[r.node] = u
	case UnitPath:
		u.Prefix = src.Name + "#"
		t.paths = append(t.paths, u)
	}
	if src.first == nil {
		src.first = u
	}
	t.files.Units = append(t.files.Units, u)
	t.pending--
	r.unit = u
	return u
}

// parseUnit parses u's file on its own, as a Dockerfile, with the same
// limits, moves its lines to u's place in the line space, and scans it.
func (t *tree) parseUnit(u *Unit) error {
	data := u.Source.Data
	if err := CheckSize(data); err != nil {
		return inUnit(shiftErr(err, u.Base), u)
	}
	if err := CheckUTF8(data); err != nil {
		return inUnit(shiftErr(err, u.Base), u)
	}
	ast, err := parseAST(data)
	if err == nil {
		err = t.takeRunNoCache(ast, u.Base)
	}
	if err != nil {
		return inUnit(shiftErr(err, u.Base), u)
	}
	shiftAST(ast, u.Base)
	u.AST = ast
	if err := checkInstructionSizes(ast.AST); err != nil {
		return inUnit(err, u)
	}
	if err := t.checkShape(u); err != nil {
		return err
	}
	if u.Kind == UnitSnippet {
		return t.scanNodes(u)
	}
	return t.scanStages(u)
}

// takeRunNoCache takes RUN --no-cache off a file's AST, as ParseContext
// does for the main file, while its lines are its own (the message names
// one), and records them in the line space.
func (t *tree) takeRunNoCache(ast *parser.Result, base int) error {
	lines, err := takeRunNoCache(ast.AST)
	for line := range lines {
		if t.noCache == nil {
			t.noCache = map[int]bool{}
		}
		t.noCache[line+base] = true
	}
	return err
}

// shiftAST moves every line of a freshly parsed file by base.
func shiftAST(ast *parser.Result, base int) {
	if base == 0 {
		return
	}
	for _, n := range ast.AST.Children {
		n.StartLine += base
		n.EndLine += base
	}
	for _, w := range ast.Warnings {
		if w.Location != nil {
			w.Location.Start.Line += base
			w.Location.End.Line += base
		}
	}
}

// shiftErr moves the locations of an error found in a file's own lines
// to the line space.
func shiftErr(err error, base int) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if le, ok := e.(*parser.LocationError); ok {
			for _, loc := range le.Locations {
				for i := range loc {
					loc[i].Start.Line += base
					loc[i].End.Line += base
				}
			}
		}
	}
	return err
}

// checkShape rejects a file that does not fit its place: another escape
// character, FROM in a pasted snippet, neither FROM nor INCLUDE in a file
// imported for its stages. A file of INCLUDEs only is allowed there: it
// gathers other files' stages under one name, as an index file would.
func (t *tree) checkShape(u *Unit) error {
	if u.AST.EscapeToken != t.d.EscapeToken {
		return escapeMismatch(u, t.d.EscapeToken)
	}
	from := firstOf(u.AST.AST, isFrom)
	switch {
	case u.Kind == UnitSnippet && from != nil:
		return fromInSnippet(u, from)
	case u.Kind != UnitSnippet && from == nil && firstOf(u.AST.AST, isInclude) == nil:
		return noFrom(u)
	}
	return nil
}

func firstOf(root *parser.Node, is func(*parser.Node) bool) *parser.Node {
	for _, n := range root.Children {
		if is(n) {
			return n
		}
	}
	return nil
}
