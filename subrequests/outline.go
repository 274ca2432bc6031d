package subrequests

import (
	"maps"
	"path"
	"slices"
	"sort"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/stages"
)

// Outliner lists what the target of a graph can be given: the build args
// its stages declare or its FROM lines use (name, value, doc comment,
// line), and the secrets and SSH sockets its RUN --mount instructions ask
// for. It reads the converter's dispatch of the target (Observer), then
// answers (Result).
type Outliner struct {
	df     *stages.Dockerfile
	g      *stages.Graph
	global map[string]argInfo
	// unitGlobals are the global ARGs of each included file, made when a
	// stage of it is met (files.go).
	unitGlobals map[*stages.Unit]map[string]argInfo
	stages      map[*stages.Node]*capture
	// lex expands the FROM lines' words, one stage after the other.
	lex stages.Lexer
}

// NewOutline prepares the outline of g's target.
func NewOutline(df *stages.Dockerfile, g *stages.Graph) *Outliner {
	o := &Outliner{df: df, g: g, stages: map[*stages.Node]*capture{}, lex: df.NewLex()}
	o.global = o.metaArgs()
	for _, n := range g.Order {
		o.initial(n)
	}
	return o
}

// Observer is what the conversion of the target reports to.
func (o *Outliner) Observer() *events.Observer {
	return &events.Observer{
		Arg: func(s *events.Stage, cmd *instructions.ArgCommand, kv instructions.KeyValuePairOptional, inherited bool) {
			c := o.stages[s.Node]
			if !inherited {
				a := argInfo{key: kv.Key, doc: kv.DocComment, loc: cmd.Location()}
				if kv.Value != nil {
					a.value = *kv.Value
				}
				c.args[kv.Key] = a
			}
			c.used[kv.Key] = true
		},
		Command: func(s *events.Stage, cmd instructions.Command) {
			if run, ok := cmd.(*instructions.RunCommand); ok {
				o.stages[s.Node].mounts(run)
			}
		},
	}
}

// mounts notes the secrets and SSH sockets a RUN asks for.
func (c *capture) mounts(run *instructions.RunCommand) {
	for _, m := range instructions.GetMounts(run) {
		switch m.Type {
		case instructions.MountTypeSecret:
			id := m.CacheID
			if m.Source != "" {
				id = m.Source
			}
			if id == "" && m.Target != "" {
				id = path.Base(m.Target)
			}
			if _, seen := c.secrets[id]; id != "" && !seen {
				c.secrets[id] = need{m.Required, run.Location()}
			}
		case instructions.MountTypeSSH:
			id := m.CacheID
			if id == "" {
				id = "default"
			}
			if _, seen := c.ssh[id]; !seen {
				c.ssh[id] = need{m.Required, run.Location()}
			}
		}
	}
}

type argInfo struct {
	key, value, doc string
	loc             []parser.Range
	// deps are the global ARGs a global ARG's default refers to.
	deps map[string]bool
}

type need struct {
	required bool
	loc      []parser.Range
}

// capture is what one stage contributes to the outline.
type capture struct {
	args    map[string]argInfo
	used    map[string]bool
	secrets map[string]need
	ssh     map[string]need
}

// metaArgs are the global ARGs as the parse evaluated them, with the
// other global ARGs each default uses.
func (o *Outliner) metaArgs() map[string]argInfo {
	return argInfos(o.df.Declared)
}

// argInfos are declared global ARGs as the outline lists them.
func argInfos(declared []stages.MetaArg) map[string]argInfo {
	all := map[string]argInfo{}
	for _, m := range declared {
		a := argInfo{key: m.Key, doc: m.DocComment, loc: m.Location, deps: m.Deps}
		if m.Value != nil {
			a.value = *m.Value
		}
		all[m.Key] = a
	}
	return all
}

// initial is a stage's capture before its instructions: its parent
// stage's initial capture (or the global ARGs) plus the ARGs its FROM line
// uses.
func (o *Outliner) initial(n *stages.Node) *capture {
	if c, ok := o.stages[n]; ok {
		return c
	}
	c := &capture{args: maps.Clone(o.globalsOf(n)), used: map[string]bool{}, secrets: map[string]need{}, ssh: map[string]need{}}
	if n.Kind == stages.KindContext {
		o.stages[n] = c
		return c
	}
	if n.Base != nil && n.Base.IsStage() {
		p := o.initial(n.Base)
		c.args, c.used = maps.Clone(p.args), maps.Clone(p.used)
		if n.Base.Unit != n.Unit {
			c.args = crossFile(o.globalsOf(n), p)
		}
	}
	// The FROM line's words and every COPY --from / RUN --mount from= of
	// the stage: these expand with global ARGs, so giving one changes
	// which stage or image the target is built from.
	words := []string{n.Stage.BaseName, n.Stage.Platform}
	for _, e := range n.Deps {
		words = append(words, e.Raw)
	}
	for _, word := range words {
		if word == "" {
			continue
		}
		res, err := o.lex.ProcessWordWithMatches(word, o.scopeOf(n))
		if err != nil {
			continue
		}
		for k := range res.Matched {
			c.used[k] = true
		}
	}
	o.stages[n] = c
	return c
}

// Result is the outline, once the target was converted.
func (o *Outliner) Result(dt []byte) *outline.Outline {
	target := o.g.Target
	var args []outline.Arg
	var secrets []outline.Secret
	var ssh []outline.SSH
	seenArgs, seenSecrets, seenSSH := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var visit func(n *stages.Node)
	visit = func(n *stages.Node) {
		c := o.stages[n]
		if c == nil {
			return
		}
		o.markDeps(c)
		for _, k := range slices.Sorted(maps.Keys(c.used)) {
			a, ok := c.args[k]
			if !ok || seenArgs[k] {
				continue
			}
			seenArgs[k] = true
			args = append(args, outline.Arg{Name: a.key, Value: a.value, Description: a.doc, Location: toLocation(a.loc)})
		}
		for _, id := range slices.Sorted(maps.Keys(c.secrets)) {
			if !seenSecrets[id] {
				seenSecrets[id] = true
				secrets = append(secrets, outline.Secret{Name: id, Required: c.secrets[id].required, Location: toLocation(c.secrets[id].loc)})
			}
		}
		for _, id := range slices.Sorted(maps.Keys(c.ssh)) {
			if !seenSSH[id] {
				seenSSH[id] = true
				ssh = append(ssh, outline.SSH{Name: id, Required: c.ssh[id].required, Location: toLocation(c.ssh[id].loc)})
			}
		}
		if n.Base != nil && n.Base.IsStage() && n.Kind != stages.KindContext {
			visit(n.Base)
		}
		for _, e := range n.Deps {
			if e.Kind != stages.EdgeFrom && e.To.IsStage() {
				visit(e.To)
			}
		}
	}
	// With several targets the outline is their union; the name and
	// description are the first target's.
	for _, t := range o.g.Targets {
		visit(t)
	}
	sort.SliceStable(args, func(i, j int) bool { return line(args[i].Location) < line(args[j].Location) })
	sort.SliceStable(secrets, func(i, j int) bool { return line(secrets[i].Location) < line(secrets[j].Location) })
	sort.SliceStable(ssh, func(i, j int) bool { return line(ssh[i].Location) < line(ssh[j].Location) })
	for i := range args {
		args[i].Location = relocate(o.df, args[i].Location)
	}
	for i := range secrets {
		secrets[i].Location = relocate(o.df, secrets[i].Location)
	}
	for i := range ssh {
		ssh[i].Location = relocate(o.df, ssh[i].Location)
	}
	out := &outline.Outline{Args: args, Secrets: secrets, SSH: ssh, Sources: sourcesOf(o.df, dt)}
	if target.Stage != nil {
		out.Name, out.Description = target.Stage.Name, target.Stage.DocComment
	}
	return out
}

// markDeps marks the global ARGs that used ARGs depend on as used too.
func (o *Outliner) markDeps(c *capture) {
	var mark func(k string)
	visited := map[string]bool{}
	mark = func(k string) {
		if visited[k] {
			return
		}
		visited[k] = true
		c.used[k] = true
		for d := range c.args[k].deps {
			mark(d)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.used)) {
		mark(k)
	}
}

// line is the first line of a location, 0 when there is none.
func line(l *pb.Location) int {
	if l == nil || len(l.Ranges) == 0 {
		return 0
	}
	return int(l.Ranges[0].Start.Line)
}
