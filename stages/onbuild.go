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
// its config is resolved, so the converter builds the graph again with
// them (WithBaseTriggers).

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

// WithBaseTriggers is the graph built again with the ONBUILD triggers of
// the stages' base images (or named contexts) added, by stage index; g
// itself does not change. A trigger may COPY --from another stage, which
// the target then needs too. The new graph has new nodes.
func (g *Graph) WithBaseTriggers(triggers map[int][]string) (*Graph, error) {
	in := g.in
	in.BaseTriggers = triggers
	return Build(in)
}

// addBaseTriggers adds Input.BaseTriggers, in stage order.
func (b *builder) addBaseTriggers() error {
	for _, n := range b.g.Stages {
		if exprs := b.in.BaseTriggers[n.Index]; len(exprs) > 0 && n.Kind == KindStage {
			if err := b.addTriggers(n, exprs); err != nil {
				return err
			}
		}
	}
	return nil
}

// addTriggers parses trigger expressions, placing them on the stage's FROM
// line since they have no line of their own.
func (b *builder) addTriggers(n *Node, exprs []string) error {
	for _, expr := range exprs {
		cmd, node, err := parseTrigger(expr, n.Stage.Location)
		if err != nil {
			return parser.WithLocation(errdetail.Append(err, "in ONBUILD trigger %q for stage %q", expr, n.DisplayName()), n.Stage.Location)
		}
		n.Triggers = append(n.Triggers, cmd)
		if err := b.resolveCommand(n, cmd, triggerMounts(node)); err != nil {
			return err
		}
	}
	return nil
}

// triggerMounts reads a trigger's --mount flags off its own node: its
// line is its stage's FROM, which the maps Parse filled do not know.
func triggerMounts(node *parser.Node) writtenMount {
	targets := mountTargets(node)
	return func(i int) (string, string) {
		if i >= len(targets) {
			return "", ""
		}
		return "", targets[i]
	}
}

// parseTrigger parses one trigger expression; node is its AST, for what
// the command does not keep as written.
func parseTrigger(expr string, loc []parser.Range) (cmd instructions.Command, node *parser.Node, err error) {
	ast, err := parser.Parse(strings.NewReader(expr))
	if err != nil {
		return nil, nil, err
	}
	if len(ast.AST.Children) != 1 {
		return nil, nil, errors.New("an ONBUILD trigger must be a single instruction")
	}
	node = ast.AST.Children[0]
	if len(loc) > 0 {
		node.StartLine, node.EndLine = loc[0].Start.Line, loc[len(loc)-1].End.Line
	}
	cmd, err = instructions.ParseCommand(node)
	return cmd, node, err
}
