// Package walk replays the stages of a Dockerfile the way a conversion sees
// them, without building anything: each stage's environment (base image
// env, ENV, ARG), its declared ARGs, shell and working-directory state, with
// every instruction's words expanded as the converter expands them.
//
// Lint rules and the outline subrequest are observers of this walk. It
// works on a fresh parse of the Dockerfile's AST, so expanding words in
// place never touches the commands a converter is about to dispatch.
package walk

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/system"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// NonEnvArgs are ARGs BuildKit reads itself: they never reach the
// environment and are never reported as undefined.
var NonEnvArgs = map[string]bool{
	"BUILDKIT_SBOM_SCAN_CONTEXT": true,
	"BUILDKIT_SBOM_SCAN_STAGE":   true,
}

// Image is what an image reference resolved to, for one platform.
type Image struct {
	Config *dockerspec.DockerOCIImage
	// Platform is the platform the stage runs on: the requested one, or,
	// when none was requested, the build platform matching the image.
	Platform ocispecs.Platform
	// Empty is true for images without layers (they convert to scratch).
	Empty bool
}

// Options are the inputs of a walk besides the Dockerfile and its graph.
type Options struct {
	BuildArgs map[string]string
	// AllStages walks every stage, not just those the target needs.
	AllStages bool
	// TargetPlatform is the platform of stages built on scratch.
	TargetPlatform ocispecs.Platform
	// Image returns the image an edge points at; nil when unknown (then
	// the stage's environment is unknown too).
	Image func(e *stages.Edge) *Image
}

// Stage is the state of one stage during the walk.
type Stage struct {
	Node *stages.Node
	// Stage is the freshly parsed stage, whose commands are expanded in
	// place as the walk goes.
	Stage *instructions.Stage
	Env   *Env
	// EnvKnown is false when the stage builds on something whose
	// environment could not be read (an unresolved image, a named context).
	EnvKnown bool
	// Args are the ARGs declared so far, the parent stage's first.
	Args []instructions.KeyValuePairOptional
	// HasShell is true when the image config has a SHELL.
	HasShell   bool
	OS         string
	WorkdirSet bool
	configEnv  []string
}

// Observer receives the walk's events. Every field may be nil.
type Observer struct {
	// Stage is called when a stage starts, before its first command.
	Stage func(s *Stage)
	// Unmatched is called with the variables a command used but that are
	// neither set nor declared ARGs of the stage, sorted.
	Unmatched func(s *Stage, cmd instructions.Command, names []string)
	// Command is called after a command was expanded and before the
	// stage's state is updated by it.
	Command func(s *Stage, cmd instructions.Command)
	// Arg is called for each ARG key with its final value (nil when
	// unset); inherited is true when the value comes from the global
	// scope because the ARG had neither default nor build arg.
	Arg func(s *Stage, cmd *instructions.ArgCommand, kv instructions.KeyValuePairOptional, inherited bool)
	// Done is called when a stage's commands are all walked.
	Done func(s *Stage)
}

// Walk replays the stages of g (the target's, or all with AllStages) in
// Dockerfile order. It stops at the first error the converter would also
// stop at (a word that does not expand) and returns it.
func Walk(df *stages.Dockerfile, g *stages.Graph, opt Options, obs Observer) error {
	fresh, _, err := instructions.Parse(df.AST.AST, linter.New(&linter.Config{}))
	if err != nil {
		return err
	}
	if len(fresh) != len(g.Stages) {
		return errors.Errorf("internal error: %d stages parsed, %d in the graph", len(fresh), len(g.Stages))
	}
	w := &walker{df: df, opt: opt, obs: obs, lex: df.NewLex(), states: map[*stages.Node]*Stage{}}
	for _, n := range g.Stages {
		if !opt.AllStages && !g.Reachable(n) {
			continue
		}
		if err := w.stage(n, &fresh[n.Index]); err != nil {
			return err
		}
	}
	return nil
}

type walker struct {
	df     *stages.Dockerfile
	opt    Options
	obs    Observer
	lex    *shell.Lex
	states map[*stages.Node]*Stage
}

func (w *walker) stage(n *stages.Node, st *instructions.Stage) error {
	s := w.start(n, st)
	w.states[n] = s
	if n.Kind == stages.KindContext {
		return nil // replaced by a named context: nothing of it runs
	}
	if w.obs.Stage != nil {
		w.obs.Stage(s)
	}
	for _, cmd := range st.Commands {
		if err := w.command(s, cmd); err != nil {
			return err
		}
	}
	if w.obs.Done != nil {
		w.obs.Done(s)
	}
	return nil
}

// start sets a stage up from what its FROM points at.
func (w *walker) start(n *stages.Node, st *instructions.Stage) *Stage {
	s := &Stage{Node: n, Stage: st, Env: NewEnv(), EnvKnown: true, OS: w.opt.TargetPlatform.OS}
	var from *stages.Edge
	if len(n.Deps) > 0 && n.Deps[0].Kind == stages.EdgeFrom {
		from = n.Deps[0]
	}
	switch {
	case n.Kind == stages.KindContext || n.Base == nil:
		s.EnvKnown = false
	case n.Base.Kind == stages.KindStage:
		if p := w.states[n.Base]; p != nil {
			s.Env = p.Env.Clone()
			s.EnvKnown = p.EnvKnown
			s.Args = append(s.Args, p.Args...)
			s.HasShell, s.OS, s.WorkdirSet = p.HasShell, p.OS, p.WorkdirSet
			s.configEnv = append(s.configEnv, p.configEnv...)
		} else {
			s.EnvKnown = false
		}
	case n.Base.Kind == stages.KindScratch:
	case n.Base.Kind == stages.KindImage && from != nil && w.opt.Image != nil:
		img := w.opt.Image(from)
		if img == nil || img.Config == nil {
			s.EnvKnown = false
			break
		}
		s.OS = img.Platform.OS
		s.configEnv = append(s.configEnv, img.Config.Config.Env...)
		s.HasShell = len(img.Config.Config.Shell) > 0
	default:
		s.EnvKnown = false
	}
	if s.OS == "" {
		s.OS = "linux"
	}
	if _, ok := lookupEnv(s.configEnv, "PATH"); !ok && s.OS != "windows" {
		s.configEnv = append(s.configEnv, "PATH="+system.DefaultPathEnv(s.OS))
	}
	// The config env is (re)applied on top of an inherited state, as the
	// converter does, which moves those keys last.
	for _, kv := range s.configEnv {
		k, v, _ := strings.Cut(kv, "=")
		s.Env.Set(k, v)
	}
	return s
}

func (w *walker) command(s *Stage, cmd instructions.Command) error {
	if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
			err := ex.Expand(func(word string) (string, error) {
				out, unmatched, err := w.lex.ProcessWord(word, s.Env)
				w.unmatched(s, cmd, unmatched)
				return out, err
			})
			if err != nil {
				return err
			}
		}
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
			err := ex.ExpandRaw(func(word string) (string, error) {
				raw := shell.NewLex('\\')
				raw.SkipProcessQuotes = true
				out, unmatched, err := raw.ProcessWord(word, s.Env)
				w.unmatched(s, cmd, unmatched)
				return out, err
			})
			if err != nil {
				return err
			}
		}
	}
	if w.obs.Command != nil {
		w.obs.Command(s, cmd)
	}
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			s.Env.Set(kv.Key, kv.Value)
			s.configEnv = setEnv(s.configEnv, kv.Key, kv.Value)
		}
	case *instructions.ArgCommand:
		return w.arg(s, c)
	case *instructions.ShellCommand:
		s.HasShell = len(c.Shell) > 0
	case *instructions.WorkdirCommand:
		s.WorkdirSet = true
	}
	return nil
}

// arg evaluates an ARG the way the converter does: a build arg wins, then
// the default expanded in the stage's environment, then the global value
// of an ARG declared without a default.
func (w *walker) arg(s *Stage, c *instructions.ArgCommand) error {
	for _, kv := range c.Args {
		bv, hasValue := w.opt.BuildArgs[kv.Key]
		inherited := false
		switch {
		case hasValue:
			kv.Value = &bv
		case kv.Value != nil:
			out, unmatched, err := w.lex.ProcessWord(*kv.Value, s.Env)
			w.unmatched(s, c, unmatched)
			if err != nil {
				return err
			}
			kv.Value = &out
		default:
			if v, ok := w.df.GlobalArgs.Get(kv.Key); ok {
				kv.Value, inherited = &v, true
			}
		}
		if kv.Value != nil && !NonEnvArgs[kv.Key] {
			s.Env.Set(kv.Key, *kv.Value)
		}
		if w.obs.Arg != nil {
			w.obs.Arg(s, c, kv, inherited)
		}
		s.Args = append(s.Args, kv)
	}
	return nil
}

func (w *walker) unmatched(s *Stage, cmd instructions.Command, unmatched map[string]struct{}) {
	if len(unmatched) == 0 || w.obs.Unmatched == nil {
		return
	}
	var names []string
	for name := range unmatched {
		if NonEnvArgs[name] || s.declared(name) {
			continue
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return
	}
	sortStrings(names)
	w.obs.Unmatched(s, cmd, names)
}

func (s *Stage) declared(name string) bool {
	for _, a := range s.Args {
		if a.Key == name {
			return true
		}
	}
	return false
}

func lookupEnv(env []string, key string) (string, bool) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if shell.EqualEnvKeys(k, key) {
			return v, true
		}
	}
	return "", false
}

// setEnv replaces key in a KEY=value list in place, or appends it.
func setEnv(env []string, key, value string) []string {
	for i, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if shell.EqualEnvKeys(k, key) {
			env[i] = key + "=" + value
			return env
		}
	}
	return append(env, key+"="+value)
}
