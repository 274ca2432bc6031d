package dockerfile2llb

import (
	"context"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/myorg/multistage/stages"
	"github.com/pkg/errors"
)

// lateOutput is an llb.Output bound after the stages are converted: the
// build context can only be limited to the paths used once all COPY and
// ADD instructions have been seen.
type lateOutput struct {
	llb.Output
}

// edgesOf returns the graph edges an instruction created.
func (c *converter) edgesOf(cmd instructions.Command) []*stages.Edge {
	if c.edgesByCmd == nil {
		c.edgesByCmd = map[instructions.Command][]*stages.Edge{}
		for _, e := range c.graph.Edges {
			if e.Command != nil {
				c.edgesByCmd[e.Command] = append(c.edgesByCmd[e.Command], e)
			}
		}
	}
	return c.edgesByCmd[cmd]
}

// nodeState is the filesystem of what a --from names: a converted stage or
// an image at the target platform.
func (c *converter) nodeState(ctx context.Context, n *stages.Node, loc []parser.Range) (llb.State, error) {
	if n.IsStage() {
		s, ok := c.states[n]
		if !ok {
			return llb.State{}, errors.Errorf("stage %q was not converted before it was used", n.DisplayName())
		}
		return s.state, nil
	}
	switch n.Kind {
	case stages.KindScratch:
		return llb.Scratch(), nil
	case stages.KindImage:
		return c.imageState(ctx, n, loc)
	default:
		st, _, err := c.loadContext(ctx, n, c.platform.target)
		return st.Platform(c.platform.target), err
	}
}

// imageState is an image used by --from, pulled for the target platform.
// loc is the instruction that uses it, so pull errors point there.
func (c *converter) imageState(ctx context.Context, n *stages.Node, loc []parser.Range) (llb.State, error) {
	name, err := c.images.normalize(n.Name)
	if err != nil {
		return llb.State{}, err
	}
	p := c.platform.target
	img, err := c.images.get(ctx, name, p)
	if err != nil {
		return llb.State{}, err
	}
	if img.empty {
		return llb.Scratch(), nil
	}
	return llb.Image(img.ref, commandDescription(""), llb.Platform(p), c.opt.ImageResolveMode,
		llb.WithCustomName("FROM "+img.ref), c.location(loc)), nil
}

// finish binds the build context and stamps the target's final config.
func (c *converter) finish(ctx context.Context) (*Result, error) {
	target := c.states[c.graph.Target]
	if err := c.lint.Error(); err != nil {
		return nil, err
	}
	target.ownConfigMaps()
	if len(c.opt.Labels) > 0 && target.image.Config.Labels == nil {
		target.image.Config.Labels = map[string]string{}
	}
	maps.Copy(target.image.Config.Labels, c.opt.Labels)

	// The target's own filesystem is the result: all of it is used.
	c.useWhole(c.graph.Target)
	bctx, err := c.mainContext(ctx)
	if err != nil {
		return nil, err
	}
	c.buildContext.Output = bctx.Output()

	target.state = target.state.SetMarshalDefaults(c.marshalDefaults()...)
	if err := c.checkDaemonCaps(ctx, target.state); err != nil {
		return nil, err
	}
	target.image.History = target.hist.flatten()
	c.stampPlatform(target)
	return &Result{State: target.state, Image: &target.image, BaseImage: target.baseImg, Graph: c.graph, Epoch: c.epoch,
		SBOM: c.sbomTargets(target)}, nil
}

// stampPlatform writes the requested platform into the image config; with
// no request the base image's platform stands.
func (c *converter) stampPlatform(s *stageState) {
	img, t := &s.image, c.platform.target
	if !c.platform.implicit {
		sameOSArch := img.OS == t.OS && img.Architecture == t.Architecture
		img.OS, img.Architecture = t.OS, t.Architecture
		if t.Variant != "" || !sameOSArch {
			img.Variant = t.Variant
		}
		if t.OSVersion != "" || !sameOSArch {
			img.OSVersion = t.OSVersion
		}
		if t.OSFeatures != nil {
			img.OSFeatures = slices.Clone(t.OSFeatures)
		}
	}
	img.Platform = platforms.Normalize(img.Platform)
}

// mainContext is the local build context limited to the paths in use.
func (c *converter) mainContext(ctx context.Context) (*llb.State, error) {
	var opts []llb.LocalOption
	if paths := contextPaths(c.ctxPaths); len(paths) > 0 {
		opts = append(opts, llb.FollowPaths(paths))
	}
	if c.opt.Client != nil {
		return c.opt.Client.MainContext(ctx, opts...)
	}
	if c.opt.MainContext != nil {
		return c.opt.MainContext, nil
	}
	// Without a session the marshaller would pick a random unique ID per
	// call; a fixed one keeps offline conversions reproducible.
	return dockerui.DefaultMainContext(append(opts, llb.LocalUniqueID("multistage-offline"))...), nil
}

// contextPaths lists the used paths relative to the context root; nil
// means the whole context (some instruction used "/").
func contextPaths(used pathSet) []string {
	if _, all := used["/"]; all {
		return nil
	}
	out := make([]string, 0, len(used))
	for p := range used {
		out = append(out, path.Join(".", p))
	}
	slices.Sort(out)
	return out
}

// proxyFromBuildArgs picks the proxy build args. They reach RUN steps but
// never the image config or history.
func proxyFromBuildArgs(args map[string]string) *llb.ProxyEnv {
	var pe llb.ProxyEnv
	set := false
	for _, k := range slices.Sorted(maps.Keys(args)) {
		var field *string
		switch strings.ToLower(k) {
		case "http_proxy":
			field = &pe.HTTPProxy
		case "https_proxy":
			field = &pe.HTTPSProxy
		case "ftp_proxy":
			field = &pe.FTPProxy
		case "no_proxy":
			field = &pe.NoProxy
		case "all_proxy":
			field = &pe.AllProxy
		default:
			continue
		}
		*field, set = args[k], true
	}
	if !set {
		return nil
	}
	return &pe
}
