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

// trigger is one ONBUILD expression a stage inherits; declared is its
// ONBUILD line when this Dockerfile declares it (a parent stage's).
type trigger struct {
	expr     string
	declared []parser.Range
}

// addInheritedTriggers gives every stage the ONBUILD triggers of what it
// is built FROM: a parent stage's own ONBUILD instructions, or those in
// the config of a base image or named context (Input.BaseTriggers).
func (b *builder) addInheritedTriggers() error {
	for _, n := range b.g.Stages {
		if n.Kind != KindStage {
			continue
		}
		for _, t := range b.inheritedTriggers(n) {
			err := b.addTrigger(n, t.expr)
			if err != nil && t.declared != nil {
				// A bad trigger is fixed at its ONBUILD line: name it too.
				err = parser.WithLocation(err, t.declared)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// inheritedTriggers are the triggers of n's parent stage, or else those
// given for its base.
func (b *builder) inheritedTriggers(n *Node) []trigger {
	if n.Base == nil || !n.Base.IsStage() || n.Base.Stage == nil {
		out := make([]trigger, 0, len(b.in.BaseTriggers[n.Index]))
		for _, expr := range b.in.BaseTriggers[n.Index] {
			out = append(out, trigger{expr: expr})
		}
		return out
	}
	var out []trigger
	for _, cmd := range n.Base.Stage.Commands {
		if ob, ok := cmd.(*instructions.OnbuildCommand); ok {
			out = append(out, trigger{expr: ob.Expression, declared: ob.Location()})
		}
	}
	return out
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

// addTrigger parses a trigger expression, placing it on the stage's FROM
// line since it has no line of its own.
func (b *builder) addTrigger(n *Node, expr string) error {
	cmd, node, err := parseTrigger(expr, n.Stage.Location)
	if err != nil {
		return parser.WithLocation(errdetail.Append(err, "in ONBUILD trigger %q for stage %q", expr, n.DisplayName()), n.Stage.Location)
	}
	n.Triggers = append(n.Triggers, cmd)
	return b.resolveCommand(n, cmd, triggerMounts(node))
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
	noCache, err := takeNoCacheFlag(node)
	if err != nil {
		return nil, nil, err
	}
	cmd, err = instructions.ParseCommand(node)
	if run, ok := cmd.(*instructions.RunCommand); ok && noCache {
		markNoCache(run)
	}
	return cmd, node, err
}
