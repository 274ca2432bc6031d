package dockerfile2llb

import (
	"context"

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
	p, err := stagePlatform(s.node)
	if err != nil {
		return err
	}
	s.platform = c.platform.target
	if p != nil {
		s.platform = *p
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
	p, err := stagePlatform(s.node)
	if err != nil {
		return err
	}
	s.platform = c.platform.target
	if p != nil {
		s.platform = *p
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
