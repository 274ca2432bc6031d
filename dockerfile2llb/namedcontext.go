package dockerfile2llb

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// namedContext looks up a --build-context for name at platform p; nil when
// there is none or when converting offline.
// A local context sends only the paths in used (nil: all of it).
func (c *converter) namedContext(name string, p ocispecs.Platform, used pathSet) (*dockerui.NamedContext, error) {
	if c.opt.Client == nil {
		return nil, nil
	}
	opt := dockerui.ContextOpt{
		Platform:    &p,
		ResolveMode: c.opt.ImageResolveMode.String(),
	}
	if used != nil {
		opt.AsyncLocalOpts = used.localOpts
	}
	return c.opt.Client.NamedContext(name, opt)
}

// hasNamedContext tells the graph which names a --build-context replaces.
func (c *converter) hasNamedContext(name string) bool {
	nc, err := c.namedContext(name, c.platform.target, nil)
	return err == nil && nc != nil
}

// loadContext loads the named context n; a context without an image
// config (a local directory, say) gets the empty image's config.
// A context is loaded once per platform: its ONBUILD triggers are read
// before the stages are converted, and several instructions may use it.
// It is found by name, as dockerui finds it: the graph is built again when
// triggers join it, and its nodes are new then.
// Callers clone the config before changing it.
func (c *converter) loadContext(ctx context.Context, n *stages.Node, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
	key := contextKey{n.Name, platforms.FormatAll(platforms.Normalize(p))}
	if l, ok := c.loadedContexts[key]; ok {
		return l.state, l.img, nil
	}
	nc, err := c.namedContext(n.Name, p, c.namedPaths(n))
	if err != nil {
		return llb.State{}, nil, err
	}
	if nc == nil {
		return llb.State{}, nil, errors.Errorf("named context %q disappeared during the build", n.Name)
	}
	st, img, err := nc.Load(ctx)
	if err != nil {
		return llb.State{}, nil, errors.Wrapf(err, "loading build context %q", n.Name)
	}
	c.loadedContexts[key] = loadedContext{*st, img}
	return *st, img, nil
}

// contextKey is a named context at a platform.
type contextKey struct{ name, platform string }

// loadedContext is a named context's filesystem and config (nil for a
// directory).
type loadedContext struct {
	state llb.State
	img   *dockerspec.DockerOCIImage
}

// initReplacedStage starts a stage that a --build-context of the same name
// replaces: its own FROM and instructions never run.
func (c *converter) initReplacedStage(ctx context.Context, s *stageState) error {
	if err := c.setDeclaredPlatform(s); err != nil {
		return err
	}
	st, img, err := c.loadContext(ctx, s.node, s.platform)
	if err != nil {
		return err
	}
	s.state = st
	if img == nil {
		s.image = emptyImage(s.platform)
		return nil
	}
	s.adoptImage(*img)
	s.image.Created = nil
	// Upstream consumes (and never runs) the context's triggers here, so
	// a replaced stage exported as the target has none, as a stage built
	// FROM the context has none.
	s.image.Config.OnBuild = nil
	if img.OS != "" && img.Architecture != "" {
		s.platform = ocispecs.Platform{OS: img.OS, Architecture: img.Architecture, Variant: img.Variant, OSVersion: img.OSVersion, OSFeatures: img.OSFeatures}
	}
	return nil
}

// initFromContext starts a stage whose FROM image a named context replaces.
func (c *converter) initFromContext(ctx context.Context, s *stageState, base *stages.Node) error {
	if err := c.setDeclaredPlatform(s); err != nil {
		return err
	}
	c.useWhole(base)
	st, img, err := c.loadContext(ctx, base, s.platform)
	if err != nil {
		return err
	}
	if img == nil {
		empty := emptyImage(s.platform)
		img = &empty
	}
	s.baseImg = img
	s.adoptImage(*img)
	s.image.Created = nil
	s.image.Config.OnBuild = nil // consumed by this stage's triggers
	s.state = st.Platform(s.platform)
	return nil
}

// setDeclaredPlatform gives s its FROM --platform, or the target platform.
func (c *converter) setDeclaredPlatform(s *stageState) (err error) {
	s.platform, err = c.declaredPlatform(s.node)
	return err
}

// declaredPlatform is stage n's FROM --platform, or the target platform.
func (c *converter) declaredPlatform(n *stages.Node) (ocispecs.Platform, error) {
	p, err := stagePlatform(n)
	if err != nil || p == nil {
		return c.platform.target, err
	}
	return *p, nil
}

// warnUnusedContexts names every --build-context that replaces nothing in
// this Dockerfile: usually a typo in the context or stage name.
func (c *converter) warnUnusedContexts() {
	if c.opt.Client == nil || c.opt.Warn == nil {
		return
	}
	used := map[string]bool{}
	// The context BUILDKIT_SYNTAX names is the frontend itself (bake's
	// contexts = { fe = "target:frontend" }), not an input of the build.
	if syntax, _, _ := strings.Cut(strings.TrimSpace(c.opt.BuildArgs["BUILDKIT_SYNTAX"]), " "); syntax != "" {
		used[familiarName(syntax)] = true
	}
	if c.epochContext != "" {
		used[familiarName(c.epochContext)] = true // SOURCE_DATE_EPOCH reads it
	}
	for _, n := range c.graph.Stages {
		if n.Kind == stages.KindContext {
			used[familiarName(n.Name)] = true
		}
	}
	for _, n := range c.graph.Externals {
		if n.Kind == stages.KindContext {
			used[familiarName(n.Name)] = true
		}
	}
	for _, name := range c.files.Contexts() {
		used[familiarName(name)] = true // INCLUDE --from read it
	}
	for _, key := range slices.Sorted(maps.Keys(c.opt.Client.BuildOpts().Opts)) {
		name, ok := strings.CutPrefix(key, "context:")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, "::") // per-platform variants
		if used[familiarName(name)] {
			continue
		}
		c.opt.Warn("UnusedBuildContext", "A named build context that the Dockerfile never uses", "",
			fmt.Sprintf("build context %q matches no stage, FROM image or --from image in this Dockerfile", name), nil)
		used[familiarName(name)] = true
	}
}

// familiarName is the short form of an image name ("alpine" for
// docker.io/library/alpine:latest), the form named contexts are keyed by.
func familiarName(name string) string {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return strings.TrimSuffix(reference.FamiliarString(ref), ":latest")
}
