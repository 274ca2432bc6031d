package dockerfile2llb

import (
	"context"
	stderrors "errors"
	"fmt"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/system"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// stageState is a stage (or a --from image) while it is being converted.
type stageState struct {
	node  *stages.Node
	state llb.State
	// env is state's environment, kept in step with it (addEnv): the LLB
	// state rebuilds its environment from every ENV and ARG layer on each
	// read, and most instructions read it.
	env   *stageEnv
	image dockerspec.DockerOCIImage
	// configEnv indexes image.Config.Env for ENV.
	configEnv configEnv
	// baseImg is the config of the image the stage is built on, shared
	// with the resolved image and the stages built on this one: nothing
	// writes to it.
	baseImg  *dockerspec.DockerOCIImage
	platform ocispecs.Platform
	// args are the stage-scoped ARGs so far, in order; RUN history lists them.
	args []instructions.KeyValuePairOptional
	// runArgs is argsInHistory's answer until an ARG or ENV changes.
	runArgs  *string
	progress progressCounter
	// noCache is set by the no-cache option for this stage.
	noCache bool
	// rerun is set once the stage's filesystem holds the output of a step
	// that runs on every build (RUN --no-cache, a stage our forms of the
	// no-cache option cover, or a --from of such a stage): the ops after it
	// skip the cache too. Their cache keys come from the definition, which
	// has not changed, so without this BuildKit would take them from the
	// cache and never run the step.
	rerun bool
	// configMapsShared is set while the image config's maps are still its
	// parent's (adoptImage); ownConfigMaps copies them before a write.
	configMapsShared bool
	// cmdSet and workdirSet track instructions of this stage, not its base.
	cmdSet     bool
	workdirSet bool
	// epoch is SOURCE_DATE_EPOCH, stamped on history entries when set.
	epoch *time.Time
	// hist is the image history; image.History stays empty until finish.
	hist *historyChain
	// opsSinceCompact counts the ops since compact last ran.
	opsSinceCompact int
	// ev is the stage as the observers see it; nil while nothing is
	// reported (triggers, a copy converted for another platform).
	ev *events.Stage
	// envKnown is false for a stage built, directly or through its
	// parents, on a named context, whose environment lint rules must not
	// guess at. A stage takes it from its parent, so a FROM chain costs
	// one step per stage rather than a walk to its root for each.
	envKnown bool
}

// dispatchStage converts one stage of the graph for its own platform.
func (c *converter) dispatchStage(ctx context.Context, n *stages.Node) error {
	s, err := c.buildStage(ctx, n, nil)
	if err != nil {
		return err
	}
	c.states[n] = s
	return nil
}

// buildStage converts stage n. override, when set, is the platform a child
// stage asked for with FROM --platform; it applies to n's whole FROM chain.
func (c *converter) buildStage(ctx context.Context, n *stages.Node, override *ocispecs.Platform) (*stageState, error) {
	s, err := c.initStage(ctx, n, override)
	if err != nil {
		return nil, err
	}
	if n.Kind == stages.KindContext {
		return s, nil
	}
	s.progress.onbuild = true
	for _, cmd := range n.Triggers {
		if err := c.dispatch(ctx, s, cmd); err != nil {
			return nil, parser.WithLocation(err, cmd.Location())
		}
	}
	s.progress.onbuild = false
	if override == nil {
		c.startEvents(s)
	}
	for _, cmd := range n.Stage.Commands {
		if err := c.dispatch(ctx, s, cmd); err != nil {
			return nil, parser.WithLocation(err, cmd.Location())
		}
	}
	return s, nil
}

// initStage starts a stage from what its FROM points at.
func (c *converter) initStage(ctx context.Context, n *stages.Node, override *ocispecs.Platform) (*stageState, error) {
	s := &stageState{node: n, noCache: c.isNoCache(n.Name), rerun: c.noCache.rebuilds(n.Name), epoch: c.epoch}
	s.progress = newProgressCounter(c.progressStageName(n), countProgressSteps(n), c.opt.MultiPlatformRequested)
	// Every instruction and trigger adds a history entry.
	steps := len(n.Stage.Commands) + len(n.Triggers)
	if n.Kind == stages.KindContext {
		if err := c.initReplacedStage(ctx, s); err != nil {
			return nil, parser.WithLocation(err, n.Stage.Location)
		}
		s.hist = newHistory(nil, s.image.History, 0)
		s.image.History = nil
		return s, s.readEnv(ctx)
	}
	switch base := n.Base; base.Kind {
	case stages.KindStage:
		parent, err := c.parentState(ctx, n, override)
		if err != nil {
			return nil, err
		}
		// The stage copies its parent's environment into its own state.
		if err := c.carryEnv(parent); err != nil {
			return nil, parser.WithLocation(err, n.Stage.Location)
		}
		if s.state, err = rebaseState(ctx, parent.state, parent.env); err != nil {
			return nil, err
		}
		s.platform = parent.platform
		s.rerun = s.rerun || parent.rerun
		s.hist = newHistory(parent.hist, nil, steps)
		s.adoptImage(parent.image)
		s.image.Config.OnBuild = nil
		s.baseImg = parent.baseImg
		s.args = append(s.args, parent.args...)
		s.workdirSet = parent.workdirSet
		s.envKnown = parent.envKnown
	case stages.KindScratch:
		s.envKnown = true
		s.platform = c.platform.target
		if override != nil {
			s.platform = *override
		}
		s.state = llb.Scratch()
		s.image = emptyImage(s.platform)
	case stages.KindContext:
		if err := c.initFromContext(ctx, s, base); err != nil {
			return nil, parser.WithLocation(err, n.Stage.Location)
		}
	default:
		s.envKnown = true
		if err := c.initFromImage(ctx, s, n, override); err != nil {
			return nil, err
		}
	}
	if s.hist == nil {
		s.hist = newHistory(nil, s.image.History, steps)
		s.image.History = nil
	}
	if err := c.applyImageDefaults(s); err != nil {
		return nil, parser.WithLocation(err, n.Stage.Location)
	}
	if err := s.readEnv(ctx); err != nil {
		return nil, err
	}
	// Triggers are numbered after FROM was: every trigger counts as a
	// step, whatever it is, as upstream numbers them.
	s.progress.total += len(n.Triggers)
	return s, nil
}

// rebaseState starts a fresh state on parent's filesystem with the same
// env, working directory, platform, hostname and network (the user comes
// back from the image config in applyImageDefaults). Sharing the
// parent's state would chain every stage's metadata to all its ancestors,
// and each env lookup would walk them: quadratic on long FROM chains.
func rebaseState(ctx context.Context, parent llb.State, env *stageEnv) (llb.State, error) {
	dir, errDir := parent.GetDir(ctx)
	host, errHost := parent.GetHostname(ctx)
	network, errNetwork := parent.GetNetwork(ctx)
	p, errPlatform := parent.GetPlatform(ctx)
	// Reading metadata fails only when ctx is done.
	if err := stderrors.Join(errDir, errHost, errNetwork, errPlatform); err != nil {
		return llb.State{}, err
	}
	st := llb.NewState(parent.Output())
	for _, k := range env.Keys() {
		v, _ := env.Get(k)
		st = st.AddEnv(k, v)
	}
	if dir != "" {
		st = st.Dir(dir)
	}
	if host != "" {
		st = st.Hostname(host)
	}
	if p != nil {
		st = st.Platform(*p)
	}
	return st.Network(network), nil
}

// compact puts the stage's metadata (env, working directory, user...)
// right above its last op, every compactAfter ops. An LLB state looks
// metadata up by walking back through every op before it, so without this
// each instruction of a long stage would cost as much as all the
// instructions before it; compacting after every op would cost as much as
// the environment each time.
func compact(ctx context.Context, s *stageState) error {
	if s.opsSinceCompact++; s.opsSinceCompact < compactAfter(s.env.Len()) {
		return nil
	}
	s.opsSinceCompact = 0
	st, err := rebaseState(ctx, s.state, s.env)
	if err != nil {
		return err
	}
	if u := s.image.Config.User; u != "" {
		st = st.User(u)
	}
	s.state = st
	return nil
}

// compactAfter is how many ops a stage with envLen variables runs between
// compactions: 16, or an eighth of the environment when that is more. A
// compaction copies the environment into new LLB layers, which the ops
// above them keep alive: every 16 ops, 1,000 RUN lines would copy 10,000
// ARGs 62 times. Spread out so, the copies cost at most 8 variables
// per op, and a lookup walks at most envLen/8 ops more, next to the
// envLen variables an exec op reads anyway.
func compactAfter(envLen int) int {
	return max(16, envLen/8)
}

// parentState is the stage n is built FROM. Upstream ignores
// "FROM --platform=P <stage>"; we honour it by converting the parent chain
// for P when the parent's own platform differs (memoised per platform).
func (c *converter) parentState(ctx context.Context, n *stages.Node, override *ocispecs.Platform) (*stageState, error) {
	want := override
	if want == nil {
		p, err := stagePlatform(n)
		if err != nil {
			return nil, err
		}
		want = p
	}
	natural := c.states[n.Base]
	if want == nil || natural != nil && samePlatform(natural.platform, *want) {
		return natural, nil
	}
	key := platformKey{n.Base, platforms.FormatAll(platforms.Normalize(*want))}
	if s, ok := c.retargeted[key]; ok {
		return s, nil
	}
	s, err := c.buildStage(ctx, n.Base, want)
	if err != nil {
		return nil, err
	}
	c.retargeted[key] = s
	return s, nil
}

// platformKey identifies a stage converted for a platform other than its own.
type platformKey struct {
	node     *stages.Node
	platform string
}

func samePlatform(a, b ocispecs.Platform) bool {
	return platforms.FormatAll(platforms.Normalize(a)) == platforms.FormatAll(platforms.Normalize(b))
}

func (c *converter) initFromImage(ctx context.Context, s *stageState, n *stages.Node, override *ocispecs.Platform) error {
	requested, err := stagePlatform(n)
	if err != nil {
		return err
	}
	if override != nil {
		requested = override
	}
	p := c.platform.target
	if requested != nil {
		p = *requested
	}
	name, err := c.images.normalize(n.BaseName)
	if err != nil {
		return parser.WithLocation(err, n.Stage.Location)
	}
	img, err := c.images.get(ctx, name, p)
	if err != nil {
		return parser.WithLocation(err, n.Stage.Location)
	}
	s.baseImg = &img.config
	s.adoptImage(img.config)
	s.image.Created = nil
	s.image.Config.OnBuild = nil // consumed by this stage's triggers
	if requested == nil && c.platform.implicit {
		p = c.platform.preferImagePlatform(img.config, p)
	}
	s.platform = p
	if img.empty {
		s.state = llb.Scratch()
		return nil
	}
	s.state = llb.Image(img.ref,
		commandDescription(n.Stage.SourceCode),
		llb.Platform(p),
		c.opt.ImageResolveMode,
		llb.WithCustomName(s.progress.name("FROM "+img.ref, p, nil)),
		c.location(n.Stage.Location),
	)
	return nil
}

// applyImageDefaults carries the image config into the LLB state. It runs
// for stages built on stages too: re-adding the config env moves those keys
// after stage ARGs, which is the env order upstream produces.
func (c *converter) applyImageDefaults(s *stageState) error {
	if _, ok := envValue(s.image.Config.Env, "PATH"); !ok && s.platform.OS != "windows" {
		s.image.Config.Env = append(s.image.Config.Env, "PATH="+system.DefaultPathEnv(s.platform.OS))
	}
	for _, kv := range s.image.Config.Env {
		k, v := splitEnv(kv)
		s.state = s.state.AddEnv(k, v)
	}
	if c.opt.Hostname != "" {
		s.state = s.state.Hostname(c.opt.Hostname)
	}
	if wd := s.image.Config.WorkingDir; wd != "" {
		norm, err := system.NormalizeWorkdir("", wd, s.platform.OS)
		if err != nil {
			return fmt.Errorf("base image working directory %q: %w", wd, err)
		}
		s.image.Config.WorkingDir = norm
		s.state = s.state.Dir(system.ToSlash(norm, s.platform.OS))
	}
	if u := s.image.Config.User; u != "" {
		s.state = s.state.User(u)
	}
	s.state = s.state.Network(c.opt.NetworkMode)
	return nil
}

// isNoCache reports whether the no-cache option covers the stage.
func (c *converter) isNoCache(name string) bool { return c.noCache.covers(name) }

// readEnv reads the environment of a stage's first state, once: a named
// context's state may come with one.
func (s *stageState) readEnv(ctx context.Context) error {
	env, err := s.state.Env(ctx)
	if err != nil {
		return err
	}
	s.env = newStageEnv(env)
	return nil
}

// addEnv sets k to v in the stage's environment.
func (s *stageState) addEnv(k, v string) {
	s.state = s.state.AddEnv(k, v)
	s.env.set(k, v)
	s.runArgs = nil
}
