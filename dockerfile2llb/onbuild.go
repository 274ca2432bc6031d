package dockerfile2llb

import (
	"context"

	"github.com/myorg/multistage/stages"
)

// resolveWithTriggers resolves base images, then lets the ONBUILD triggers
// in their configs join the graph. A trigger can reach new stages and
// images, so this repeats until nothing new appears; each stage takes its
// image's triggers once.
func (c *converter) resolveWithTriggers(ctx context.Context) error {
	taken := map[*stages.Node]bool{}
	for {
		if err := c.resolveImages(ctx); err != nil {
			return err
		}
		grew := false
		for _, n := range c.graph.Order {
			if taken[n] || n.Kind != stages.KindStage || n.Base == nil || n.Base.Kind != stages.KindImage {
				continue
			}
			taken[n] = true
			img, err := c.baseImageOf(ctx, n)
			if err != nil {
				return err
			}
			if len(img.config.Config.OnBuild) == 0 {
				continue
			}
			added, err := c.graph.AddImageTriggers(n, img.config.Config.OnBuild)
			if err != nil {
				return err
			}
			grew = grew || added
		}
		if !grew {
			return nil
		}
	}
}

// baseImageOf returns the resolved FROM image of stage n.
func (c *converter) baseImageOf(ctx context.Context, n *stages.Node) (*resolvedImage, error) {
	name, err := normalizeImageName(n.BaseName)
	if err != nil {
		return nil, err
	}
	p, err := stagePlatform(n)
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = &c.platform.target
	}
	return c.images.get(ctx, name, *p)
}
