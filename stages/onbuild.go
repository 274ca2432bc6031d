package stages

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
)

// ONBUILD triggers run first in a stage built FROM an image or stage that
// declares them. Triggers of a parent stage are known from the Dockerfile
// and join the graph in Build; triggers of a base image are only known once
// its config is resolved, so the converter adds them with AddImageTriggers.

// addParentTriggers gives every stage built FROM another stage that
// stage's own ONBUILD instructions.
func (b *builder) addParentTriggers() error {
	for _, n := range b.g.Stages {
		if n.Kind != KindStage || n.Base == nil || !n.Base.IsStage() || n.Base.Stage == nil {
			continue
		}
		for _, cmd := range n.Base.Stage.Commands {
			ob, ok := cmd.(*instructions.OnbuildCommand)
			if !ok {
				continue
			}
			// A bad trigger is fixed at its ONBUILD line: name it too.
			if err := b.addTriggers(n, []string{ob.Expression}); err != nil {
				return parser.WithLocation(err, ob.Location())
			}
		}
	}
	return nil
}

// AddImageTriggers adds the ONBUILD triggers of stage n's base image and
// re-checks the graph: a trigger may COPY --from another stage, which the
// target then needs too. It reports whether new edges were added.
func (g *Graph) AddImageTriggers(n *Node, exprs []string) (bool, error) {
	before := len(g.Edges)
	if err := g.b.addTriggers(n, exprs); err != nil {
		return false, err
	}
	if len(g.Edges) == before {
		return false, nil
	}
	if err := checkOrder(g); err != nil {
		return false, err
	}
	markReachable(g)
	return true, g.b.checkTypos()
}

// addTriggers parses trigger expressions, placing them on the stage's FROM
// line since they have no line of their own.
func (b *builder) addTriggers(n *Node, exprs []string) error {
	for _, expr := range exprs {
		cmd, err := parseTrigger(expr, n.Stage.Location)
		if err != nil {
			return parser.WithLocation(errdetail.Append(err, "in ONBUILD trigger %q for stage %q", expr, n.DisplayName()), n.Stage.Location)
		}
		n.Triggers = append(n.Triggers, cmd)
		if err := b.resolveCommand(n, cmd); err != nil {
			return err
		}
	}
	return nil
}

func parseTrigger(expr string, loc []parser.Range) (instructions.Command, error) {
	ast, err := parser.Parse(strings.NewReader(expr))
	if err != nil {
		return nil, err
	}
	if len(ast.AST.Children) != 1 {
		return nil, errors.New("an ONBUILD trigger must be a single instruction")
	}
	node := ast.AST.Children[0]
	if len(loc) > 0 {
		node.StartLine, node.EndLine = loc[0].Start.Line, loc[len(loc)-1].End.Line
	}
	return instructions.ParseCommand(node)
}
