package stages

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// A build made of several files (INCLUDE, FROM ./file#stage) keeps one line
// space: each inclusion of a file, a unit, has a line offset Base, and its
// AST lines are shifted by it right after parsing. Every parser.Range of
// the program then names its file by itself, so line-keyed maps, commands
// and LocationErrors work across files unchanged. The main Dockerfile has
// Base 0: a build without includes is exactly what it was. Files turns a
// line back into its file and local line where it leaves the program.

// FileRef names a file a build reads besides the Dockerfile: Context "" is
// the build context, any other value a --build-context of that name.
type FileRef struct{ Context, Path string }

// String is the name reports show: "docker/go.Dockerfile",
// "lib:node.Dockerfile".
func (r FileRef) String() string {
	if r.Context == "" {
		return r.Path
	}
	return r.Context + ":" + r.Path
}

// Source is one file's bytes, shared by every inclusion of it.
type Source struct {
	// Index is the position in Files.Sources; 0 is the main Dockerfile.
	Index int
	Ref   FileRef // zero for the main Dockerfile
	// Name is what reports show: the main file's name, else Ref.String().
	Name string
	Data []byte
	// first is its first unit, whose lines stand for all of them.
	first *Unit
}

// UnitKind says why a file is part of the build.
type UnitKind int

const (
	UnitMain    UnitKind = iota
	UnitStages           // INCLUDE before the first FROM: imports stages
	UnitPath             // the one instance of a file FROM ./f#s or --from=./f#s names
	UnitSnippet          // INCLUDE inside a stage: pastes instructions
)

// Unit is one inclusion of a Source. Its local line l is line Base+l of the
// line space.
type Unit struct {
	ID     int
	Kind   UnitKind
	Source *Source
	Parent *Unit
	// At is the INCLUDE line (for a path instance, its first reference),
	// in the line space; nil for the main unit.
	At []parser.Range
	// NS is the INCLUDE's AS name, "" without one.
	NS string
	// Prefix starts the names of its stages: "", "go.", "go.c.", or
	// "docker/go.Dockerfile#" for a path instance.
	Prefix string
	Base   int
	Lines  int
	// AST has its lines shifted by Base; the main unit's is Dockerfile.AST.
	AST *parser.Result
	// The unit's global scope (main, stages and path units): its ARGs
	// before the first FROM, as written and evaluated.
	MetaArgs   []instructions.ArgCommand
	GlobalArgs *Args
	Declared   []MetaArg
	// Its own stages are Dockerfile.Stages[First : First+Count].
	First, Count int

	// host is the unit whose stages its lines belong to: itself, or for
	// a snippet, its includer's host.
	host     *Unit
	depth    int
	what     string                 // its INCLUDE or first reference as written
	stage    string                 // a snippet's stage, as messages name it
	children []*Unit                // the stages units it INCLUDEs, in order
	snippets map[*parser.Node]*Unit // the snippets its INCLUDE lines paste
	pathReqs []*request             // the file references its lines make
	// pathArgs is what its include paths expand in: GlobalArgs, or when
	// listing targets (AsWritten), a scope evaluated for paths alone.
	pathArgs *Args
}

// Local is line's number in the unit's own file.
func (u *Unit) Local(line int) int {
	if u == nil {
		return line
	}
	return line - u.Base
}

// Where names line for a message: "line 12" in the main Dockerfile,
// exactly as before includes existed, and "line 3 of docker/go.Dockerfile"
// in any other file.
func (u *Unit) Where(line int) string {
	if u == nil || u.Kind == UnitMain {
		return fmt.Sprintf("line %d", u.Local(line))
	}
	return u.Cite(line)
}

// Cite always names the file: "line 9 of Dockerfile". Messages about
// several files use it.
func (u *Unit) Cite(line int) string {
	return fmt.Sprintf("line %d of %s", u.Local(line), u.Source.Name)
}

// Chain says how the unit joined the build: "docker/b.Dockerfile, included
// at line 4 of docker/a.Dockerfile, included at line 2 of Dockerfile".
func (u *Unit) Chain() string {
	parts := []string{u.Source.Name}
	for v := u; v.Parent != nil; v = v.Parent {
		verb := "included"
		if v.Kind == UnitPath {
			verb = "referenced"
		}
		parts = append(parts, fmt.Sprintf("%s at %s", verb, v.Parent.Cite(firstLine(v.At))))
	}
	return strings.Join(parts, ", ")
}

// Locations are the INCLUDE (or reference) lines that brought u in, its
// own first: what an error inside u shows besides its own line.
func (u *Unit) Locations() [][]parser.Range {
	var out [][]parser.Range
	for v := u; v != nil && v.At != nil; v = v.Parent {
		out = append(out, v.At)
	}
	return out
}

// Files is the table of one parse: the units, in the order their lines
// were given out, and the sources, in the order they were read.
type Files struct {
	Units   []*Unit
	Sources []*Source
	bySrc   map[FileRef]*Source
	// ordered are the units that own stages, by First.
	ordered []*Unit
	// pathRefs are the instances the file references name, by line and
	// expanded reference; paths says whether references were read at all
	// (a parse without a FileReader reads "./x" as an image name).
	pathRefs map[pathKey]*Unit
	paths    bool
}

// pathKey is one file reference: the line it is on and its value as
// expanded in its unit's global scope ("./go.Dockerfile#build").
type pathKey struct {
	line int
	ref  string
}

// NewFiles is the table of a build of one file: today's world.
func NewFiles(mainName string, dt []byte) *Files {
	if mainName == "" {
		mainName = "Dockerfile"
	}
	src := &Source{Name: mainName, Data: dt}
	u := &Unit{Kind: UnitMain, Source: src, Lines: lineCount(dt)}
	u.host, src.first = u, u
	return &Files{Units: []*Unit{u}, Sources: []*Source{src}, bySrc: map[FileRef]*Source{}}
}

// singleFiles is the one-unit table of Input.Stages built without a parse.
func singleFiles(stages int, global *Args) *Files {
	f := NewFiles("", nil)
	main := f.Main()
	main.Count, main.GlobalArgs = stages, global
	if stages > 0 {
		f.ordered = []*Unit{main}
	}
	return f
}

func lineCount(dt []byte) int { return bytes.Count(dt, []byte("\n")) + 1 }

// Main is the main Dockerfile's unit.
func (f *Files) Main() *Unit { return f.Units[0] }

// Single reports whether the build is one file, where every line is the
// main file's.
func (f *Files) Single() bool { return len(f.Units) == 1 }

// OfStage is the unit whose FROM line made Stages[i].
func (f *Files) OfStage(i int) *Unit {
	k := sort.Search(len(f.ordered), func(k int) bool { return f.ordered[k].First > i }) - 1
	if k < 0 {
		return f.Main()
	}
	return f.ordered[k]
}

// Locate is the unit line belongs to, and the line in its file. A line
// just past a file's end (a parser's "unexpected end") is still that
// file's, and line 0 (no location) is the main file's.
func (f *Files) Locate(line int) (*Unit, int) {
	k := sort.Search(len(f.Units), func(k int) bool { return f.Units[k].Base >= line }) - 1
	u := f.Main()
	if k >= 0 {
		u = f.Units[k]
	}
	return u, u.Local(line)
}

// Split is the file of a location group and its ranges in that file's
// lines. A group never spans files: it is one instruction's.
func (f *Files) Split(rs []parser.Range) (*Source, []parser.Range) {
	u, _ := f.Locate(firstLine(rs))
	if u.Base == 0 {
		return u.Source, rs
	}
	return u.Source, shiftRanges(rs, -u.Base)
}

// Globalize is the inverse of Split: ranges of s's own lines in the line
// space. Every inclusion of s has the same lines, so its first stands for
// all.
func (f *Files) Globalize(s *Source, local []parser.Range) []parser.Range {
	if s.first == nil || s.first.Base == 0 {
		return local
	}
	return shiftRanges(local, s.first.Base)
}

// Where names the first line of rs for a message, as Unit.Where does.
func (f *Files) Where(rs []parser.Range) string { return f.WhereLine(firstLine(rs)) }

// WhereLine names line for a message, as Unit.Where does.
func (f *Files) WhereLine(line int) string {
	u, _ := f.Locate(line)
	return u.Where(line)
}

// Contexts are the named contexts files were read from, sorted.
func (f *Files) Contexts() []string {
	var out []string
	for _, s := range f.Sources {
		if s.Ref.Context != "" && !slices.Contains(out, s.Ref.Context) {
			out = append(out, s.Ref.Context)
		}
	}
	slices.Sort(out)
	return out
}

func shiftRanges(rs []parser.Range, by int) []parser.Range {
	out := make([]parser.Range, len(rs))
	for i, r := range rs {
		r.Start.Line += by
		r.End.Line += by
		out[i] = r
	}
	return out
}

// filesError lets whoever reports an error map its locations to files.
type filesError struct {
	error
	files *Files
}

func (e *filesError) Unwrap() error { return e.error }

// WithFiles attaches f to err, so that whoever reports it can turn its
// locations into files and local lines (FilesOf). Nothing is wrapped when
// f is nil or a single file: those errors stay exactly as they were.
func WithFiles(err error, f *Files) error {
	if err == nil || f == nil || f.Single() || FilesOf(err) == f {
		return err
	}
	return &filesError{error: err, files: f}
}

// FilesOf is the table WithFiles attached to err, or nil.
func FilesOf(err error) *Files {
	var fe *filesError
	if errors.As(err, &fe) {
		return fe.files
	}
	return nil
}
