// Package fakeresolver is a deterministic, offline llb.ImageMetaResolver for
// tests. For any image reference it synthesises an OCI image config whose
// contents and digest depend only on the normalised reference and the
// requested platform, so two converters given two fresh resolvers see exactly
// the same images. Tests can register hand-written configs for specific refs,
// and read per-ref call counts to check pruning and de-duplication.
//
// References whose text contains "doesnotexist" fail like a registry 404.
package fakeresolver

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// ErrNotFound is wrapped by the error returned for refs containing
// NotFoundMarker.
var ErrNotFound = errors.New("not found")

// NotFoundMarker: any ref containing it fails to resolve.
const NotFoundMarker = "doesnotexist"

// Well-known refs pre-registered by New. Their configs are fixed (see
// defaultImages) so tests can rely on what they contain.
const (
	// OnBuildImage has two ONBUILD triggers: a RUN and an ENV.
	OnBuildImage = "example.com/fake/onbuild:1"
	// HealthcheckImage has a HEALTHCHECK with every field set.
	HealthcheckImage = "example.com/fake/healthcheck:1"
	// ShellImage has Shell ["/bin/bash", "-o", "pipefail", "-c"].
	ShellImage = "example.com/fake/shell:1"
	// NoLayersImage has no layers: converters treat it like scratch.
	NoLayersImage = "example.com/fake/nolayers:1"
	// NoPathImage has env without PATH.
	NoPathImage = "example.com/fake/nopath:1"
	// FullImage sets WorkingDir, User, Entrypoint, Cmd, Volumes,
	// ExposedPorts, StopSignal, Labels and env.
	FullImage = "example.com/fake/full:1"
	// RelWorkdirImage has a WorkingDir and a User given by name and group.
	RelWorkdirImage = "example.com/fake/workdir:1"
)

// Resolver is safe for concurrent use. The zero value is not usable: call New.
type Resolver struct {
	mu       sync.Mutex
	images   map[string]dockerspec.DockerOCIImage // normalised ref -> registered config
	calls    map[string]int                       // normalised ref -> calls
	platCall map[string]int                       // normalised ref + "|" + platform -> calls
	inflight int
	peak     int
	delay    time.Duration
}

var _ sourceresolver.ImageMetaResolver = (*Resolver)(nil)

// New returns a resolver with the well-known images (OnBuildImage,
// HealthcheckImage, ...) registered and every other ref synthesised.
func New() *Resolver {
	r := &Resolver{
		images:   map[string]dockerspec.DockerOCIImage{},
		calls:    map[string]int{},
		platCall: map[string]int{},
	}
	for ref, img := range defaultImages() {
		r.Register(ref, img)
	}
	return r
}

// Normalize returns the form refs are keyed and counted by:
// "docker.io/library/alpine:latest" for "alpine". Unparsable refs are
// returned unchanged.
func Normalize(ref string) string {
	key, _, _ := normalizeNamed(ref)
	return key
}

// normalizeNamed is Normalize with the parsed reference, or the parse
// error beside ref unchanged.
func normalizeNamed(ref string) (key string, named reference.Named, err error) {
	named, err = reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref, nil, err
	}
	return reference.TagNameOnly(named).String(), named, nil
}

// Register makes ref resolve to img (Architecture/OS/Variant are filled
// from the requested platform when empty). It replaces any earlier
// registration for the same normalised ref.
func (r *Resolver) Register(ref string, img dockerspec.DockerOCIImage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.images[Normalize(ref)] = img
}

// SetDelay makes every resolution sleep for d (honouring ctx), so tests can
// observe whether resolutions run in parallel (see Peak).
func (r *Resolver) SetDelay(d time.Duration) {
	r.mu.Lock()
	r.delay = d
	r.mu.Unlock()
}

// ResolveImageConfig implements sourceresolver.ImageMetaResolver.
func (r *Resolver) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	// One parse serves the key, the validity check and a pinned digest: the
	// speed table times this fake with the converters, and it should cost
	// as little of that as it can.
	key, named, parseErr := normalizeNamed(ref)
	var p ocispecs.Platform
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	} else if opt.OCILayoutOpt != nil && opt.OCILayoutOpt.Platform != nil {
		p = *opt.OCILayoutOpt.Platform
	} else {
		p = platforms.DefaultSpec()
	}
	p = platforms.Normalize(p)

	r.mu.Lock()
	r.calls[key]++
	r.platCall[key+"|"+platforms.FormatAll(p)]++
	r.inflight++
	if r.inflight > r.peak {
		r.peak = r.inflight
	}
	delay := r.delay
	img, registered := r.images[key]
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inflight--
		r.mu.Unlock()
	}()

	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return "", "", nil, context.Cause(ctx)
		}
	}

	if strings.Contains(ref, NotFoundMarker) {
		// Same shape as the gateway's error for a missing repository.
		return "", "", nil, errors.Wrapf(errors.Wrapf(ErrNotFound, "%s", key), "failed to resolve source metadata for %s", key)
	}
	if parseErr != nil {
		return "", "", nil, errors.Wrapf(parseErr, "could not parse reference %q", ref)
	}

	if !registered {
		img = synthesize(key)
	} else {
		img = cloneImage(img)
	}
	if img.OS == "" {
		img.OS = p.OS
	}
	if img.Architecture == "" {
		img.Architecture = p.Architecture
		if img.Variant == "" {
			img.Variant = p.Variant
		}
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, err
	}
	// A registry returns the digest of the manifest for this platform; we
	// derive it from the name and the platform. A ref pinned by digest
	// keeps its digest, like a registry would.
	dgst := digest.FromString(key + "|" + platforms.FormatAll(p))
	if c, ok := named.(reference.Canonical); ok {
		dgst = c.Digest()
	}
	return key, dgst, dt, nil
}

// Calls returns how many times ref (normalised) was resolved.
func (r *Resolver) Calls(ref string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[Normalize(ref)]
}

// CallsFor returns how many times ref was resolved for platform p.
func (r *Resolver) CallsFor(ref string, p ocispecs.Platform) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.platCall[Normalize(ref)+"|"+platforms.FormatAll(platforms.Normalize(p))]
}

// Counts returns a copy of the per-ref call counts (normalised refs).
func (r *Resolver) Counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.calls)
}

// PlatformCounts returns a copy of the call counts keyed "ref|platform".
func (r *Resolver) PlatformCounts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.platCall)
}

// Refs returns the normalised refs resolved at least once, sorted.
func (r *Resolver) Refs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.calls))
}

// Duplicates returns "ref|platform" keys resolved more than once, sorted.
func (r *Resolver) Duplicates() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, n := range r.platCall {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s (%d calls)", k, n))
		}
	}
	slices.Sort(out)
	return out
}

// Peak returns the largest number of resolutions that were in flight at
// the same time.
func (r *Resolver) Peak() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak
}

// Reset forgets all call counts (registrations are kept).
func (r *Resolver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = map[string]int{}
	r.platCall = map[string]int{}
	r.peak = 0
}

// Config returns the config ref would resolve to for platform p, without
// counting a call. Useful for computing expectations in tests.
func (r *Resolver) Config(ref string, p ocispecs.Platform) (dockerspec.DockerOCIImage, error) {
	_, _, dt, err := (&Resolver{images: r.snapshot(), calls: map[string]int{}, platCall: map[string]int{}}).
		ResolveImageConfig(context.Background(), ref, sourceresolver.Opt{ImageOpt: &sourceresolver.ResolveImageOpt{Platform: &p}})
	if err != nil {
		return dockerspec.DockerOCIImage{}, err
	}
	var img dockerspec.DockerOCIImage
	err = json.Unmarshal(dt, &img)
	return img, err
}

func (r *Resolver) snapshot() map[string]dockerspec.DockerOCIImage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.images)
}
