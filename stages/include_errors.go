package stages

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
)

// The errors of reading and joining files. Each names its line with the
// file ("line 3 of docker/go.Dockerfile"; the main Dockerfile's lines as
// before), says how the file joined the build, and carries the location of
// every INCLUDE on the way, so that buildx shows a snippet of each file.

// inUnit is an error found in u's lines: the chain of files that led to u
// is appended, and their INCLUDE lines added as locations. The main
// file's errors are left as they are.
func inUnit(err error, u *Unit) error {
	if u == nil || u.Kind == UnitMain {
		return err
	}
	return withLocations(errdetail.Append(err, "in %s", u.Chain()), u.Locations()...)
}

// atRequest is err at the line of r: "INCLUDE x (line 2): err".
func atRequest(r *request, err error) error {
	err = errors.Wrapf(err, "%s (%s)", r.what, r.from.Where(r.node.StartLine))
	return inUnit(parser.WithLocation(err, r.node.Location()), r.from)
}

// located is an error of the assembly step, inUnit of the unit its first
// location is in, with the line in upstream's "dockerfile parse error on
// line N" turned into that file's.
func (t *tree) located(err error) error {
	var le *parser.LocationError
	if !errors.As(err, &le) || len(le.Locations) == 0 {
		return err
	}
	u, _ := t.files.Locate(firstLine(le.Locations[0]))
	if u.Kind == UnitMain {
		return err
	}
	return inUnit(relabel(err, u), u)
}

// parseErrorLine is the start of instructions.Parse's messages; the line
// is the node's, which is in the line space. TestRelabel pins it.
var parseErrorLine = regexp.MustCompile(`^dockerfile parse error on line (\d+)`)

// relabeled is an error whose message reads another line than its cause's.
type relabeled struct {
	msg string
	err error
}

func (r *relabeled) Error() string { return r.msg }
func (r *relabeled) Unwrap() error { return r.err }

func relabel(err error, u *Unit) error {
	msg := err.Error()
	m := parseErrorLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return err
	}
	line, _ := strconv.Atoi(msg[m[2]:m[3]])
	return &relabeled{msg: msg[:m[2]] + strconv.Itoa(u.Local(line)) + msg[m[3]:], err: err}
}

// noIncludeHint is added to upstream's "unknown instruction: INCLUDE" when
// the parse reads no files.
func noIncludeHint(err error) error {
	var unknown *instructions.UnknownInstructionError
	if errors.As(err, &unknown) && strings.EqualFold(unknown.Instruction, "include") {
		return errdetail.Append(err, "this parse reads no files: INCLUDE needs multistage's frontend, which reads the included files")
	}
	return err
}

func includeCycle(r *request, again *Unit) error {
	var units []*Unit
	for v := r.from; v != again.Parent; v = v.Parent {
		units = append(units, v)
	}
	var steps []string
	var locs [][]parser.Range
	for i := len(units) - 1; i >= 0; i-- {
		v := units[i]
		steps = append(steps, fmt.Sprintf("%s %s %s", v.Parent.Cite(firstLine(v.At)), joins(v.Kind), v.Source.Name))
		locs = append(locs, v.At)
	}
	steps = append(steps, fmt.Sprintf("%s includes %s again", r.from.Cite(r.node.StartLine), r.ref))
	locs = append(locs, r.node.Location())
	return withLocations(errors.Errorf("include cycle: %s", strings.Join(steps, ", ")), locs...)
}

// joins is the verb of a unit's kind.
func joins(k UnitKind) string {
	if k == UnitPath {
		return "references"
	}
	return "includes"
}

func contextName(c string) string {
	if c == "" {
		return "the build context"
	}
	return fmt.Sprintf("build context %q", c)
}

// readError is the message of a file the reader could not give.
func readError(ref FileRef, res FileResult) error {
	switch {
	case errors.Is(res.Err, ErrNotExist):
		msg := fmt.Sprintf("%s does not exist in %s; paths in the Dockerfile are relative to the build context root, in included files to their own directory, and after --from=NAME to the root of that context", ref.Path, contextName(ref.Context))
		if near := newNameIndex(res.Siblings).search(path.Base(ref.Path), ""); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", path.Join(path.Dir(ref.Path), near))
		}
		return errors.New(msg)
	case errors.Is(res.Err, ErrNoContext):
		return errors.Errorf("there is no build context %q: pass --build-context %s=<directory, git URL, https tarball or docker-image://ref>", ref.Context, ref.Context)
	case errors.Is(res.Err, ErrIsDir):
		return errors.Errorf("%s is a directory in %s; INCLUDE and file references name a file", ref.Path, contextName(ref.Context))
	}
	return errors.Wrapf(res.Err, "reading %s", contextName(ref.Context))
}

func fileTooLarge(ref FileRef, size, limit int64) error {
	return &LimitError{What: "the included file " + ref.String(), Got: int(min(size, 1<<62)), Max: int(limit), Unit: "bytes"}
}

func climbs(p, context string) error {
	return errors.Errorf("%s climbs above the root of %s; include files outside it with INCLUDE --from=NAME and --build-context NAME=<directory>", p, contextName(context))
}

func escapeMismatch(u *Unit, main rune) error {
	err := errors.Errorf("%s uses the escape character %q but %s uses %q; files joined by INCLUDE must use the same one",
		u.Source.Name, u.AST.EscapeToken, u.Parent.Source.Name, main)
	return inUnit(err, u)
}

func fromInSnippet(u *Unit, from *parser.Node) error {
	err := errors.Errorf("%s has FROM at its line %d, but the INCLUDE at %s (stage %q) pastes instructions: a file INCLUDEd inside a stage holds no FROM; to import its stages, INCLUDE it before the first FROM",
		u.Source.Name, u.Local(from.StartLine), u.Parent.Cite(firstLine(u.At)), u.stage)
	return inUnit(parser.WithLocation(err, from.Location()), u)
}

func noFrom(u *Unit) error {
	if u.Kind == UnitPath {
		return inUnit(errors.Errorf("%s has no FROM and no INCLUDE: %s names a stage of it", u.Source.Name, u.what), u)
	}
	return inUnit(errors.Errorf("%s (%s) imports stages, since it comes before the first FROM, but %s has no FROM and no INCLUDE; INCLUDE it inside a stage to paste its instructions",
		u.what, u.Parent.Where(firstLine(u.At)), u.Source.Name), u)
}

// visibleStage is a stage name a unit sees.
type visibleStage struct {
	name string
	unit *Unit // the unit whose FROM defines it
	loc  []parser.Range
	via  *Unit // the INCLUDE it came through; nil for the unit's own
}

func (s visibleStage) cite() string { return s.unit.Cite(firstLine(s.loc)) }

func duplicateStage(u *Unit, prev, s visibleStage) error {
	inc := s.via
	if inc == nil {
		inc = prev.via
	}
	err := errors.Errorf("stage %q is defined twice: at %s and at %s; give %s (%s) an AS <name> to keep both",
		s.name, prev.cite(), s.cite(), inc.what, u.Where(firstLine(inc.At)))
	return inUnit(withLocations(err, prev.loc, s.loc, inc.At), u)
}

func namespaceClash(u, inc *Unit, s visibleStage) error {
	err := errors.Errorf("namespace %q of %s (%s) clashes with stage %q (%s)", inc.NS, inc.what, u.Where(firstLine(inc.At)), s.name, s.cite())
	return inUnit(withLocations(err, inc.At, s.loc), u)
}

func namespaceTwice(u, first, second *Unit) error {
	err := errors.Errorf("AS %s is used by two INCLUDEs (%s and %s); each needs a name of its own",
		second.NS, u.Where(firstLine(first.At)), u.Where(firstLine(second.At)))
	return inUnit(withLocations(err, first.At, second.At), u)
}

// unreadRef is a file reference the files were not read for: a value that
// only a stage ARG (or an ONBUILD trigger of a base image) makes a path.
func unreadRef(e *Edge, raw string, stageArgs []string) error {
	as := *e
	as.Ref = raw
	why := "it was not known when the files were read"
	if len(stageArgs) > 0 {
		why = "$" + strings.Join(stageArgs, ", $") + " is a stage ARG"
	}
	return withLocations(errors.Errorf("%s: a file reference may use global ARGs and build args only; %s", as.Describe(), why), e.Location)
}

// noLastStage: a reference without "#stage" names the file's last stage,
// and a file of INCLUDEs only has none of its own.
func noLastStage(e *Edge, u *Unit, names []string) error {
	hint := "it has no named stages"
	if len(names) > 0 {
		hint = "name one of its stages with #stage: " + strings.Join(names, ", ")
	}
	return withLocations(errors.Errorf("%s: %s has no stage of its own (it only INCLUDEs other files): %s", e.Describe(), u.Source.Name, hint), e.Location)
}

func unknownPathStage(e *Edge, u *Unit, name string, names []string) error {
	hint := "it has no named stages"
	if near := newNameIndex(names).search(strings.ToLower(name), ""); near != "" {
		hint = fmt.Sprintf("did you mean %q?", near)
	} else if len(names) > 0 {
		hint = "its stages are: " + strings.Join(names, ", ")
	}
	return withLocations(errors.Errorf("%s: %s has no stage %q: %s", e.Describe(), u.Source.Name, name, hint), e.Location)
}
