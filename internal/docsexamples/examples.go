package docsexamples

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Page is what one markdown file holds for the docs test.
type Page struct {
	Examples []Example
	NotRun   []NotRun
}

// Example is a build context and the commands run in it.
type Example struct {
	Doc      string // the page
	Line     int    // the fence of its first block
	Files    []File
	Commands []Command
	// Image is the picture made from the DOT the example's --call=graph
	// command prints, relative to the page's directory; empty for none.
	Image string
}

// Name is how tests and messages call the example: page:line.
func (e Example) Name() string { return fmt.Sprintf("%s:%d", e.Doc, e.Line) }

// File is one file of an example's build context.
type File struct {
	Path string // slash-separated, inside the context
	Line int    // the fence it came from
	Text string
}

// NotRun is a block marked `<!-- docs-test: not-run REASON -->`.
type NotRun struct {
	Doc    string
	Line   int
	Reason string
}

// Parse reads the examples of one page; doc names the page in errors.
// Every error names the page and line and says how to fix it.
func Parse(doc, src string) (Page, []error) {
	blocks, errs, complete := scanBlocks(doc, src)
	if !complete {
		// An unclosed fence swallows the rest of the page: what follows
		// from that would only repeat the one mistake.
		return Page{}, errs
	}
	a := assembler{doc: doc, errs: errs}
	for _, b := range blocks {
		a.add(b)
	}
	a.finish()
	return a.page, a.errs
}

// assembler groups blocks into examples as they come, in page order.
type assembler struct {
	doc     string
	page    Page
	pending []File // file blocks waiting for their console block
	// broken: a pending block had an error already reported, so the
	// example is not run (and its console block is no further error).
	broken bool
	// last are the files of the latest example, for a console block
	// that follows it without files of its own.
	last       []File
	lastBroken bool
	errs       []error
}

func (a *assembler) fail(line int, format string, args ...any) {
	a.errs = append(a.errs, &Error{a.doc, line, fmt.Sprintf(format, args...)})
}

func (a *assembler) add(b block) {
	marks := byKind(b.markers)
	if m, ok := marks[markImage]; ok && (b.lang != "console" || marks[markNotRun].kind != "") {
		a.fail(m.line, "<!-- docs-image: --> belongs just before the ```console block of an example that runs")
	}
	nr, file := marks[markNotRun], marks[markFile]
	if file.kind != "" && b.lang == "console" {
		a.fail(file.line, "<!-- file: --> cannot mark a ```console block: the console block holds the commands")
		file = marker{}
	}
	switch {
	case nr.kind != "":
		a.notRun(b, nr)
	case file.kind != "":
		a.addFile(file.value, b)
	case b.lang == "dockerfile":
		a.addFile("Dockerfile", b)
	case b.lang == "console":
		a.console(b, marks[markImage].value)
	}
}

// notRun counts a marked block. A marked console block takes its example's
// files with it: they belong to a command that does not run.
func (a *assembler) notRun(b block, m marker) {
	line := b.line
	if b.lang == "console" && len(a.pending) > 0 {
		line = a.pending[0].Line
		a.endExample(a.pending)
	}
	a.page.NotRun = append(a.page.NotRun, NotRun{a.doc, line, m.value})
}

// addFile queues a file block. A second Dockerfile ends the first one's
// chance of a console block, which the convention makes an error.
func (a *assembler) addFile(p string, b block) {
	if err := checkPath(p); err != "" {
		a.fail(b.line, "file %q %s", p, err)
		a.broken = true
	}
	p = path.Clean(p)
	for i, f := range a.pending {
		if f.Path != p {
			continue
		}
		if p == "Dockerfile" {
			a.fail(f.Line, "%s", unrunMsg(f))
			a.pending = append(a.pending[:i], a.pending[i+1:]...)
			break
		}
		a.fail(b.line, "file %q is already given at line %d in this example", p, f.Line)
		return
	}
	a.pending = append(a.pending, File{p, b.line, b.text})
}

// console closes the example the pending files make. A console block
// with no file blocks of its own runs on the files of the example before
// it (a fresh copy), as a reader follows the page.
func (a *assembler) console(b block, image string) {
	cmds, errs := parseConsole(a.doc, b)
	a.errs = append(a.errs, errs...)
	files, line := a.pending, 0
	if len(files) > 0 {
		line = files[0].Line
	} else {
		// The example before was reported already if it was broken.
		files, line, a.broken = a.last, b.line, a.lastBroken
	}
	if len(files) == 0 && !a.broken {
		a.fail(b.line, "```console block with no example before it to run on; an example is a ```dockerfile (or <!-- file: PATH -->) block and then its console block, or mark this one <!-- docs-test: not-run REASON -->")
		return
	}
	if image != "" {
		if err := checkImage(image, cmds); err != "" {
			a.fail(b.line-1, "%s", err)
		}
	}
	if len(errs) == 0 && !a.broken {
		a.page.Examples = append(a.page.Examples, Example{a.doc, line, files, cmds, image})
	}
	a.endExample(files)
}

// endExample clears the pending files; files are what a following console
// block without files of its own runs on.
func (a *assembler) endExample(files []File) {
	a.last, a.lastBroken = files, a.broken
	a.pending, a.broken = nil, false
}

// finish reports the file blocks no console block followed.
func (a *assembler) finish() {
	for _, f := range a.pending {
		a.fail(f.Line, "%s", unrunMsg(f))
	}
	a.pending, a.broken = nil, false
}

func unrunMsg(f File) string {
	what := "```dockerfile block"
	if f.Path != "Dockerfile" {
		what = fmt.Sprintf("file block %q", f.Path)
	}
	return what + " has no ```console block after it, so it never runs: add the command that builds it, or mark it <!-- docs-test: not-run REASON -->"
}

// byKind indexes a block's markers; the zero marker stands for absence.
func byKind(ms []marker) map[string]marker {
	out := map[string]marker{}
	for _, m := range ms {
		out[m.kind] = m
	}
	return out
}

// checkPath says what is wrong with a context path, or "" when nothing is.
func checkPath(p string) string {
	switch clean := path.Clean(p); {
	case p == "":
		return "is empty"
	case strings.HasPrefix(p, "/"):
		return "is absolute; paths are relative to the build context"
	case clean == "..", strings.HasPrefix(clean, "../"):
		return "escapes the build context"
	case clean == ".":
		return "names the context itself, not a file"
	}
	return ""
}

// checkImage says what is wrong with an image marker on an example with
// these commands.
func checkImage(image string, cmds []Command) string {
	if err := checkPath(image); err != "" {
		return fmt.Sprintf("docs-image %q %s: it is a path below the page's directory", image, strings.TrimSuffix(err, "; paths are relative to the build context"))
	}
	if path.Ext(image) != ".svg" {
		return fmt.Sprintf("docs-image %q: the picture is an .svg rendered by Graphviz", image)
	}
	if _, ok := GraphCommand(cmds); !ok {
		return "docs-image: the example needs exactly one command with --call=graph (printing DOT) to draw from"
	}
	return ""
}

// graphCall is --call=graph (or --call graph) in its DOT form.
var graphCall = regexp.MustCompile(`--call[= ]graph(\s|$)`)

// GraphCommand is the one command of cmds that asks for --call=graph.
func GraphCommand(cmds []Command) (Command, bool) {
	var found []Command
	for _, c := range cmds {
		if graphCall.MatchString(c.Text) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return Command{}, false
	}
	return found[0], true
}
