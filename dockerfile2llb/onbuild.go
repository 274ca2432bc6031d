package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/myorg/multistage/stages"
)

// resolveWithTriggers resolves base images, then lets the ONBUILD triggers
// in their configs join the graph. A trigger can reach new stages and
// images, so this repeats until nothing new appears; each stage takes its
// image's triggers once.
func (c *converter) resolveWithTriggers(ctx context.Context) error {
	// By stage index: the graph, and so its nodes, is new each round.
	triggers := map[int][]string{}
	for {
		if err := c.resolveImages(ctx, false); err != nil {
			return err
		}
		grew := false
		for _, n := range c.graph.Order {
			if _, taken := triggers[n.Index]; taken || n.Kind != stages.KindStage || n.Base == nil {
				continue
			}
			t, err := c.baseTriggers(ctx, n)
			if err != nil {
				return err
			}
			triggers[n.Index] = t
			grew = grew || len(t) > 0
		}
		if !grew {
			return nil
		}
		g, err := c.graph.WithBaseTriggers(triggers)
		if err != nil {
			return err
		}
		c.graph = g
	}
}

// baseTriggers are the ONBUILD triggers in the config of what stage n is
// built FROM: an image, or a named context that is not a stage of this
// Dockerfile (docker-image://, oci-layout://; a directory has no config).
func (c *converter) baseTriggers(ctx context.Context, n *stages.Node) ([]string, error) {
	switch {
	case n.Base.Kind == stages.KindImage:
		img, err := c.baseImageOf(ctx, n)
		if err != nil {
			return nil, err
		}
		return img.config.Config.OnBuild, nil
	case n.Base.Kind == stages.KindContext && !n.Base.IsStage():
		p, err := c.declaredPlatform(n)
		if err != nil {
			return nil, err
		}
		_, img, err := c.loadContext(ctx, n.Base, p)
		if err != nil || img == nil {
			return nil, parser.WithLocation(err, n.Stage.Location)
		}
		return img.Config.OnBuild, nil
	}
	return nil, nil
}

// baseImageOf returns the resolved FROM image of stage n.
func (c *converter) baseImageOf(ctx context.Context, n *stages.Node) (*resolvedImage, error) {
	name, err := c.images.normalize(n.BaseName)
	if err != nil {
		return nil, err
	}
	p, err := c.declaredPlatform(n)
	if err != nil {
		return nil, err
	}
	return c.images.get(ctx, name, p)
}
