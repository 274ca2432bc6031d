package dockerfile2llb

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/suggest"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/internal/errdetail"
	"github.com/myorg/multistage/internal/safe"
	"github.com/myorg/multistage/stages"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
	"golang.org/x/sync/errgroup"
)

// resolvedImage is one image's config at one platform.
type resolvedImage struct {
	// ref is the pinned reference (name@digest) used in llb.Image.
	ref    string
	config dockerspec.DockerOCIImage
	// empty is true for images without layers: they convert to scratch.
	empty bool
	once  sync.Once
	err   error
}

// imageSet resolves every image the target needs exactly once per platform.
type imageSet struct {
	c     *converter
	mu    sync.Mutex
	byKey map[string]*resolvedImage
	// names memoises normalize: a name is looked at by the graph's edges,
	// the lint rules and the dispatch, and parsing it is not cheap.
	names map[string]normalized
}

type normalized struct {
	name string
	err  error
}

func newImageSet(c *converter) *imageSet {
	return &imageSet{c: c, byKey: map[string]*resolvedImage{}, names: map[string]normalized{}}
}

// normalize is normalizeImageName, once per name.
func (s *imageSet) normalize(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.names[name]
	if !ok {
		n.name, n.err = normalizeImageName(name)
		s.names[name] = n
	}
	return n.name, n.err
}

func imageKey(name string, p ocispecs.Platform) string {
	return name + " " + platforms.FormatAll(p)
}

// inInstruction adds the instruction and its line after the message, which
// starts with upstream's words.
func inInstruction(err error, e *stages.Edge) error {
	return parser.WithLocation(errdetail.Append(err, "in %s", e.Describe()), e.Location)
}

// unresolved is an image that could not be resolved, as upstream words it
// (the name as written, then the cause, and a close stage or common image
// name), then the instruction.
func (c *converter) unresolved(err error, e *stages.Edge) error {
	names := c.graph.StageNames()
	for _, repo := range []string{"alpine", "busybox", "centos", "debian", "golang", "ubuntu", "fedora"} {
		names = append(names, repo, repo+":latest", "docker.io/library/"+repo, "docker.io/library/"+repo+":latest")
	}
	return inInstruction(suggest.WrapError(errors.Wrap(err, e.To.Name), e.To.Name, names, true), e)
}

// normalizeImageName turns "alpine" into "docker.io/library/alpine:latest".
func normalizeImageName(name string) (string, error) {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", errors.Wrapf(err, "failed to parse stage name %q", name)
	}
	return reference.TagNameOnly(ref).String(), nil
}

// resolveImages resolves, in parallel and each (image, platform) once, the
// images of the edges of the stages the target needs, or with all of
// every stage. A stage that a named context replaces needs none.
func (c *converter) resolveImages(ctx context.Context, all bool) error {
	type job struct {
		name string
		p    ocispecs.Platform
		edge *stages.Edge
	}
	var jobs []job
	seen := map[string]bool{}
	for _, e := range c.graph.Edges {
		if e.To.Kind != stages.KindImage {
			continue
		}
		// Every image name must parse, even in stages the target prunes:
		// a malformed name is a Dockerfile error whatever the target.
		name, err := c.images.normalize(e.To.Name)
		if err != nil {
			return inInstruction(err, e)
		}
		if !all && !c.graph.Reachable(e.From) || e.From.Kind == stages.KindContext {
			continue
		}
		p, err := c.edgePlatform(e)
		if err != nil {
			return err
		}
		if k := imageKey(name, p); !seen[k] {
			seen[k] = true
			jobs = append(jobs, job{name, p, e})
		}
	}
	eg, ctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		eg.Go(func() (err error) {
			// A panic in a goroutine would pass every recover.
			defer safe.Recover(&err, "resolving "+j.name)
			if _, err := c.images.get(ctx, j.name, j.p); err != nil {
				return c.unresolved(err, j.edge)
			}
			return nil
		})
	}
	return eg.Wait()
}

// edgePlatform is the platform an image is needed at: the stage's
// --platform for FROM, the target platform otherwise.
func (c *converter) edgePlatform(e *stages.Edge) (ocispecs.Platform, error) {
	if e.Kind == stages.EdgeFrom {
		p, err := stagePlatform(e.From)
		if err != nil || p != nil {
			return derefPlatform(p), err
		}
	}
	return c.platform.target, nil
}

func derefPlatform(p *ocispecs.Platform) ocispecs.Platform {
	if p == nil {
		return ocispecs.Platform{}
	}
	return *p
}

// get returns the image, resolving it on first use.
func (s *imageSet) get(ctx context.Context, name string, p ocispecs.Platform) (*resolvedImage, error) {
	s.mu.Lock()
	k := imageKey(name, p)
	img, ok := s.byKey[k]
	if !ok {
		img = &resolvedImage{}
		s.byKey[k] = img
	}
	s.mu.Unlock()
	img.once.Do(func() { img.err = s.resolve(ctx, img, name, p) })
	return img, img.err
}

func (s *imageSet) resolve(ctx context.Context, img *resolvedImage, name string, p ocispecs.Platform) error {
	if s.c.opt.MetaResolver == nil {
		return errors.Errorf("cannot resolve %s: no image resolver configured", name)
	}
	prefix := "[internal]"
	if s.c.opt.MultiPlatformRequested {
		prefix = "[" + platforms.FormatAll(p) + " internal]"
	}
	resolvedName, dgst, dt, err := s.c.opt.MetaResolver.ResolveImageConfig(ctx, name, sourceresolver.Opt{
		LogName: fmt.Sprintf("%s load metadata for %s", prefix, name),
		ImageOpt: &sourceresolver.ResolveImageOpt{
			Platform:    &p,
			ResolveMode: s.c.opt.ImageResolveMode.String(),
		},
	})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(dt, &img.config); err != nil {
		return errors.Wrapf(err, "image config of %s is not valid JSON", name)
	}
	img.ref, err = pinnedRef(name, resolvedName, dgst)
	if err != nil {
		return err
	}
	img.empty = hasNoLayers(img.config)
	return nil
}

// pinnedRef is the resolved name with its digest, so the build uses
// exactly the config that was read.
func pinnedRef(name, resolvedName string, dgst digest.Digest) (string, error) {
	if resolvedName == "" {
		resolvedName = name
	}
	ref, err := reference.ParseNormalizedNamed(resolvedName)
	if err != nil {
		return "", errors.Wrapf(err, "resolver returned an invalid reference %q", resolvedName)
	}
	if dgst != "" {
		if ref, err = reference.WithDigest(ref, dgst); err != nil {
			return "", err
		}
	}
	return ref.String(), nil
}

// hasNoLayers reports an image with no filesystem content. Old schema1
// images report no diff IDs, so their history is checked too.
func hasNoLayers(img dockerspec.DockerOCIImage) bool {
	if len(img.RootFS.DiffIDs) > 0 {
		return false
	}
	for _, h := range img.History {
		if !h.EmptyLayer {
			return false
		}
	}
	return true
}
