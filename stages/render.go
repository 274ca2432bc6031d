package stages

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Rendered is the stage graph as data: what the frontend.graph subrequest
// returns as result.json, and what DOT draws.
type Rendered struct {
	// Target is the ID of the target stage.
	Target string `json:"target"`
	// Targets are the IDs of every target when several were asked for.
	Targets []string       `json:"targets,omitempty"`
	Nodes   []RenderedNode `json:"nodes"`
	Edges   []RenderedEdge `json:"edges"`
	// Files are the inclusions of a build of several files, by unit ID;
	// absent for one file.
	Files []RenderedFile `json:"files,omitempty"`
}

// RenderedFile is one inclusion of a file (Files.Units).
type RenderedFile struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// Kind is "main", "stages" (INCLUDE before the first FROM), "path"
	// (the instance FROM ./f#s names) or "snippet".
	Kind string `json:"kind"`
	NS   string `json:"ns,omitempty"`
	// Parent is the ID of the file that includes it, and Line the line
	// of the INCLUDE (or first reference) in that file.
	Parent *int `json:"parent,omitempty"`
	Line   int  `json:"line,omitempty"`
}

// RenderedNode is a stage, an external image, scratch or a named context.
type RenderedNode struct {
	// ID is "stage-N" for stages (N is the index) and "ext-N" for the
	// rest, numbered in order of first reference.
	ID   string   `json:"id"`
	Kind NodeKind `json:"kind"`
	// Name is the stage name (empty for unnamed stages), the image
	// reference or the context name.
	Name string `json:"name,omitempty"`
	// Display is the name progress shows, when the name and index do not
	// say it: an unnamed stage of an included file ("go.stage-1").
	Display string `json:"display,omitempty"`
	// Index is the stage's position; absent for other nodes.
	Index *int `json:"index,omitempty"`
	// Base and Platform are a stage's FROM operand and --platform, after
	// global ARG expansion.
	Base     string `json:"base,omitempty"`
	Platform string `json:"platform,omitempty"`
	// Line is a stage's FROM line in its own file, File that file (in a
	// build of one file it is left out, as it always was), and Unit its
	// inclusion (Files).
	Line   int    `json:"line,omitempty"`
	File   string `json:"file,omitempty"`
	Unit   int    `json:"unit,omitempty"`
	Target bool   `json:"target,omitempty"`
	// Pruned is true for what the target does not need.
	Pruned bool `json:"pruned,omitempty"`
}

// RenderedEdge says that stage From uses To.
type RenderedEdge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
	// Ref is the reference as written, after ARG expansion.
	Ref string `json:"ref"`
	// Line is the instruction's line in its own file, and File that file
	// (left out in a build of one file).
	Line int    `json:"line,omitempty"`
	File string `json:"file,omitempty"`
	// Pruned is true when the stage using To is not needed.
	Pruned bool `json:"pruned,omitempty"`
}

// Render describes g: every stage in Dockerfile order, then the externals
// in order of first reference, then every edge in graph order.
func (g *Graph) Render() *Rendered {
	ids := map[*Node]string{}
	r := &Rendered{Nodes: []RenderedNode{}, Edges: []RenderedEdge{}}
	fileName := g.renderedFileName()
	for _, n := range g.Stages {
		ids[n] = fmt.Sprintf("stage-%d", n.Index)
		idx := n.Index
		rn := RenderedNode{ID: ids[n], Kind: n.Kind, Name: n.Name, Index: &idx, Base: n.BaseName, Platform: n.Platform,
			Line: n.Line(), File: fileName(n.Unit), Unit: n.Unit.ID, Target: g.IsTarget(n), Pruned: !g.Reachable(n)}
		if n.Name == "" && n.Unit.Kind != UnitMain {
			rn.Display = n.DisplayName()
		}
		r.Nodes = append(r.Nodes, rn)
	}
	for i, n := range g.Externals {
		ids[n] = fmt.Sprintf("ext-%d", i)
		r.Nodes = append(r.Nodes, RenderedNode{ID: ids[n], Kind: n.Kind, Name: n.Name, Pruned: !g.Reachable(n)})
	}
	r.Target = ids[g.Target]
	if len(g.Targets) > 1 {
		for _, t := range g.Targets {
			r.Targets = append(r.Targets, ids[t])
		}
	}
	for _, e := range g.Edges {
		r.Edges = append(r.Edges, RenderedEdge{From: ids[e.From], To: ids[e.To], Kind: e.Kind, Ref: e.Ref, Line: e.Line(), File: fileName(e.Unit),
			Pruned: !g.Reachable(e.From)})
	}
	r.Files = renderFiles(g.in.Files)
	return r
}

// renderedFileName names the file of a rendered node or edge. A build of
// one file names none, so its JSON stays what it was before includes; a
// build of several names every file, the main Dockerfile too, so that a
// reader never has to know which name "no file" stands for.
func (g *Graph) renderedFileName() func(*Unit) string {
	files := g.in.Files
	main := ""
	if files != nil && !files.Single() {
		main = files.Main().Source.Name
	}
	return func(u *Unit) string {
		if u == nil || u.Kind == UnitMain {
			return main
		}
		return u.Source.Name
	}
}

var unitKinds = map[UnitKind]string{UnitMain: "main", UnitStages: "stages", UnitPath: "path", UnitSnippet: "snippet"}

func renderFiles(f *Files) []RenderedFile {
	if f == nil || f.Single() {
		return nil
	}
	out := make([]RenderedFile, 0, len(f.Units))
	for _, u := range f.Units {
		rf := RenderedFile{ID: u.ID, Name: u.Source.Name, Kind: unitKinds[u.Kind], NS: u.NS}
		if u.Parent != nil {
			parent := u.Parent.ID
			rf.Parent, rf.Line = &parent, u.Parent.Local(firstLine(u.At))
		}
		out = append(out, rf)
	}
	return out
}

// JSON is Render as indented JSON.
func (g *Graph) JSON() ([]byte, error) {
	return json.MarshalIndent(g.Render(), "", "  ")
}

// DOT draws g for Graphviz ("dot -Tsvg"). Arrows follow the data: from
// what a stage uses to the stage. Stages are boxes, images ellipses,
// scratch a dot-bordered box, named contexts folders; the target is bold
// and filled, pruned nodes and edges are grey and dashed. FROM edges are
// solid, COPY/ADD --from dashed, RUN --mount dotted; each is labelled with
// its kind and line.
func (g *Graph) DOT() string {
	return g.Render().DOT()
}

// DOT draws r; see Graph.DOT.
func (r *Rendered) DOT() string {
	var b strings.Builder
	b.WriteString("digraph stages {\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range r.Nodes {
		attrs := []string{"label=" + quote(n.label())}
		var style []string
		switch n.Kind {
		case KindStage:
			attrs = append(attrs, "shape=box")
		case KindImage:
			attrs = append(attrs, "shape=ellipse")
		case KindScratch:
			attrs = append(attrs, "shape=box")
			style = append(style, "dotted")
		case KindContext:
			attrs = append(attrs, "shape=folder")
		}
		switch {
		case n.Target:
			style = append(style, "bold", "filled")
			attrs = append(attrs, "fillcolor=\"#cfe8ff\"")
		case n.Pruned:
			if len(style) == 0 {
				style = append(style, "dashed")
			}
			attrs = append(attrs, "color=grey55", "fontcolor=grey55")
		}
		if len(style) > 0 {
			attrs = append(attrs, "style="+quote(strings.Join(style, ",")))
		}
		fmt.Fprintf(&b, "  %s [%s];\n", quote(n.ID), strings.Join(attrs, ", "))
	}
	r.writeClusters(&b)
	files := map[string]string{}
	for _, n := range r.Nodes {
		files[n.ID] = n.File
	}
	for _, e := range r.Edges {
		label := string(e.Kind)
		if e.Line > 0 {
			label = fmt.Sprintf("%s (line %d)", e.Kind, e.Line)
		}
		if e.Line > 0 && e.File != files[e.From] {
			label = fmt.Sprintf("%s (line %d of %s)", e.Kind, e.Line, e.File)
		}
		attrs := []string{"label=" + quote(label)}
		switch e.Kind {
		case EdgeCopy, EdgeAdd:
			attrs = append(attrs, "style=dashed")
		case EdgeMount:
			attrs = append(attrs, "style=dotted")
		}
		if e.Pruned {
			attrs = append(attrs, "color=grey55", "fontcolor=grey55")
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", quote(e.To), quote(e.From), strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

func (n RenderedNode) label() string {
	if n.Index == nil {
		return n.Name
	}
	name := n.Name
	switch {
	case n.Display != "":
		name = n.Display
	case name == "":
		name = fmt.Sprintf("stage-%d", *n.Index)
	}
	var notes []string
	if n.Kind == KindContext {
		notes = append(notes, "named context")
	}
	if n.Platform != "" {
		notes = append(notes, "--platform="+n.Platform)
	}
	if n.Line > 0 {
		notes = append(notes, fmt.Sprintf("line %d", n.Line))
	}
	if n.Target {
		notes = append(notes, "target")
	}
	if n.Pruned {
		notes = append(notes, "pruned")
	}
	if len(notes) == 0 {
		return name
	}
	return name + "\n" + strings.Join(notes, ", ")
}

// quote makes a DOT string literal.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

// writeClusters draws, in a build of several files, each inclusion that
// holds stages as a box around them: the main Dockerfile's too, so that
// every stage sits in the box of its file. A snippet holds no stages of its
// own and gets no box. A build of one file has no Files, hence no boxes.
func (r *Rendered) writeClusters(b *strings.Builder) {
	members := map[int][]string{}
	for _, n := range r.Nodes {
		if n.Index != nil {
			members[n.Unit] = append(members[n.Unit], quote(n.ID)+";")
		}
	}
	for _, f := range r.Files {
		if len(members[f.ID]) == 0 {
			continue
		}
		label := f.Name
		switch {
		case f.NS != "":
			label += " (AS " + f.NS + ")"
		case f.Kind == "path":
			label += " (file reference)"
		}
		fmt.Fprintf(b, "  subgraph %s {\n    label=%s;\n    style=rounded;\n    %s\n  }\n", quote(fmt.Sprintf("cluster_%d", f.ID)), quote(label), strings.Join(members[f.ID], " "))
	}
}
