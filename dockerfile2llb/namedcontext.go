package dockerfile2llb

import (
	"context"
	"fmt"
	"strings"

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
func (c *converter) namedContext(name string, p ocispecs.Platform) (*dockerui.NamedContext, error) {
	if c.opt.Client == nil {
		return nil, nil
	}
	return c.opt.Client.NamedContext(name, dockerui.ContextOpt{
		Platform:    &p,
		ResolveMode: c.opt.ImageResolveMode.String(),
	})
}

// hasNamedContext tells the graph which names a --build-context replaces.
func (c *converter) hasNamedContext(name string) bool {
	nc, err := c.namedContext(name, c.platform.target)
	return err == nil && nc != nil
}

// loadContext loads a named context; a context without an image config
// (a local directory, say) gets the empty image's config.
func (c *converter) loadContext(ctx context.Context, name string, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
	nc, err := c.namedContext(name, p)
	if err != nil {
		return llb.State{}, nil, err
	}
	if nc == nil {
		return llb.State{}, nil, errors.Errorf("named context %q disappeared during the build", name)
	}
	st, img, err := nc.Load(ctx)
	if err != nil {
		return llb.State{}, nil, errors.Wrapf(err, "loading build context %q", name)
	}
	return *st, img, nil
}

// initReplacedStage starts a stage that a --build-context of the same name
// replaces: its own FROM and instructions never run.
func (c *converter) initReplacedStage(ctx context.Context, s *stageState) error {
	if err := c.setDeclaredPlatform(s); err != nil {
		return err
	}
	st, img, err := c.loadContext(ctx, s.node.Name, s.platform)
	if err != nil {
		return err
	}
	s.state = st
	if img == nil {
		s.image = emptyImage(s.platform)
		return nil
	}
	s.image = cloneImage(*img)
	s.image.Created = nil
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
	st, img, err := c.loadContext(ctx, base.Name, s.platform)
	if err != nil {
		return err
	}
	if img == nil {
		empty := emptyImage(s.platform)
		img = &empty
	}
	s.baseImg = cloneImagePtr(img)
	s.image = cloneImage(*img)
	s.image.Created = nil
	s.state = st.Platform(s.platform)
	return nil
}

// setDeclaredPlatform gives s its FROM --platform, or the target platform.
func (c *converter) setDeclaredPlatform(s *stageState) error {
	p, err := stagePlatform(s.node)
	if err != nil {
		return err
	}
	s.platform = c.platform.target
	if p != nil {
		s.platform = *p
	}
	return nil
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
	for _, key := range sortedKeys(c.opt.Client.BuildOpts().Opts) {
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
