// Package stages turns parsed Dockerfile stages into a dependency graph:
// which stage or image every FROM, COPY --from and RUN --mount from= names,
// which stage is the target, which stages it needs, and in what order.
//
// It is pure: no LLB, no registry, no I/O. Everything it rejects is rejected
// before a single image is resolved.
package stages

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// NodeKind says what a graph node stands for.
type NodeKind string

const (
	KindStage   NodeKind = "stage"
	KindImage   NodeKind = "image"
	KindScratch NodeKind = "scratch"
	// KindContext is a named build context (--build-context) replacing an
	// image or a whole stage.
	KindContext NodeKind = "context"
)

// EdgeKind says which instruction created a dependency.
type EdgeKind string

const (
	EdgeFrom  EdgeKind = "from"
	EdgeCopy  EdgeKind = "copy"
	EdgeAdd   EdgeKind = "add"
	EdgeMount EdgeKind = "mount"
)

// Node is a stage or something a stage depends on.
type Node struct {
	Kind NodeKind
	// Index is the stage's position in the Dockerfile; -1 for other nodes.
	Index int
	// Name is the stage name (lower case, may be empty) or the image
	// reference / context name as written after ARG expansion. A stage of
	// an included file has its qualified name: its unit's Prefix, then
	// the name as its file spells it ("go.build").
	Name string
	// Unit is the file inclusion whose FROM made the stage, and Local its
	// index among that unit's stages; nil and 0 for other nodes.
	Unit  *Unit
	Local int
	// Stage is the parsed stage; nil unless Kind is KindStage, or a
	// KindContext node that replaces a stage.
	Stage *instructions.Stage
	// BaseName and Platform are the stage's FROM operand and --platform
	// value after global ARG expansion.
	BaseName string
	Platform string
	// Base is what FROM points at.
	Base *Node
	// Deps are the stage's outgoing edges, FROM first, then in instruction order.
	Deps []*Edge
	// Triggers are ONBUILD instructions inherited from the base, run
	// before the stage's own instructions.
	Triggers []instructions.Command
}

// DisplayName is the name used in progress and errors: the stage name,
// "stage-N" for unnamed stages (N counted in the stage's own file, after
// its unit's prefix: "go.stage-1"), or the reference for other nodes.
func (n *Node) DisplayName() string {
	if n.Index >= 0 && n.Name == "" {
		if n.Unit == nil {
			return fmt.Sprintf("stage-%d", n.Index)
		}
		return fmt.Sprintf("%sstage-%d", n.Unit.Prefix, n.Local)
	}
	return n.Name
}

// IsStage reports whether n comes from a FROM line of this Dockerfile
// (including a stage replaced by a named context).
func (n *Node) IsStage() bool { return n.Index >= 0 }

// Edge is one dependency of a stage.
type Edge struct {
	Kind EdgeKind
	From *Node
	To   *Node
	// Ref is the reference as written, after ARG expansion.
	Ref string
	// Raw is the --from value of a COPY or RUN --mount edge as written,
	// before ARG expansion; empty for FROM edges, whose word is
	// Stage.BaseName.
	Raw string
	// Command is the instruction that created the edge; nil for FROM.
	Command  instructions.Command
	Location []parser.Range
	// Unit is the file inclusion Location is in: for an instruction a
	// snippet pasted, the snippet's.
	Unit *Unit
	// MountIndex is the position of the --mount flag for EdgeMount, and
	// MountTarget its target= as written.
	MountIndex  int
	MountTarget string
}

// Line is the first line of the edge in its own file, or 0.
func (e *Edge) Line() int { return e.Unit.Local(firstLine(e.Location)) }

// Where names the edge's line for a message: "line 12" in the main
// Dockerfile, "line 3 of docker/go.Dockerfile" elsewhere.
func (e *Edge) Where() string { return e.Unit.Where(firstLine(e.Location)) }

// Graph is the resolved stage graph for one target.
type Graph struct {
	// Stages are the stages in Dockerfile order.
	Stages []*Node
	// Externals are the images, scratch and named contexts referenced,
	// in order of first reference.
	Externals []*Node
	Edges     []*Edge
	// Target is the first of Targets: the stage whose name TARGETSTAGE
	// carries and that a single-target consumer exports.
	Target *Node
	// Targets are the requested targets in request order, without
	// duplicates; one element unless the target option lists several.
	Targets []*Node
	// AllStages makes every stage reachable (MULTISTAGE_BUILD_ALL).
	AllStages bool
	// Order lists the stages the targets need, dependencies first.
	Order     []*Node
	reachable map[*Node]bool
	// in is what the graph was built from, for WithBaseTriggers.
	in Input
}

// Reachable reports whether the target needs n.
func (g *Graph) Reachable(n *Node) bool { return g.reachable[n] }

// StageNames lists the named stages, qualified, for suggestions.
func (g *Graph) StageNames() []string {
	var names []string
	for _, s := range g.Stages {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	return names
}

// Line is the line of the stage's FROM in its own file, 0 for a node that
// is no stage.
func (n *Node) Line() int {
	if n.Stage == nil {
		return 0
	}
	return n.Unit.Local(firstLine(n.Stage.Location))
}

// Where names the stage's FROM line for a message, as Edge.Where does; ""
// for a node that is no stage.
func (n *Node) Where() string {
	if n.Stage == nil {
		return ""
	}
	return n.Unit.Where(firstLine(n.Stage.Location))
}

func firstLine(r []parser.Range) int {
	if len(r) == 0 {
		return 0
	}
	return r[0].Start.Line
}
