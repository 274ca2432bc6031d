package gateway

import (
	"context"
	"sync"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/attestations/sbom"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/result"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/safe"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// sbomScan runs the SBOM generator of --attest type=sbom over each
// platform's target with the extra sources the Dockerfile asks for
// (stages, the build context). Left to itself BuildKit would scan the
// final image only. A nil *sbomScan (no SBOM requested) does nothing.
type sbomScan struct {
	scanner sbom.Scanner
	mu      sync.Mutex
	targets map[string]*dockerfile2llb.SBOMTargets // by platform id
}

// newSBOMScan resolves the generator image when an SBOM is requested.
func newSBOMScan(ctx context.Context, c client.Client, bc *dockerui.Client) (*sbomScan, error) {
	if bc.SBOM == nil {
		return nil, nil
	}
	// The generator runs on the first build platform, as upstream runs it.
	p := bc.BuildPlatforms[0]
	scanner, err := sbom.CreateSBOMScanner(ctx, c, bc.SBOM.Generator, p, sourceresolver.Opt{
		ImageOpt: &sourceresolver.ResolveImageOpt{
			ResolveMode: bc.BuildOpts().Opts["image-resolve-mode"],
			Platform:    &p,
		},
	}, bc.SBOM.Parameters)
	if err != nil || scanner == nil {
		return nil, errors.Wrapf(err, "SBOM generator %s", bc.SBOM.Generator)
	}
	return &sbomScan{scanner: scanner, targets: map[string]*dockerfile2llb.SBOMTargets{}}, nil
}

// fresh is a scan with the same generator and no sources yet, for another
// build of the same request (each target of several).
func (s *sbomScan) fresh() *sbomScan {
	if s == nil {
		return nil
	}
	return &sbomScan{scanner: s.scanner, targets: map[string]*dockerfile2llb.SBOMTargets{}}
}

// add keeps one platform's scan sources; platform nil is the default,
// as in dockerui's result ids.
func (s *sbomScan) add(platform *ocispecs.Platform, t *dockerfile2llb.SBOMTargets) {
	if s == nil {
		return
	}
	p := platforms.DefaultSpec()
	if platform != nil {
		p = *platform
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.targets[platforms.FormatAll(platforms.Normalize(p))] = t
}

// attach scans every platform of rb and adds the attestations.
func (s *sbomScan) attach(ctx context.Context, c client.Client, rb *dockerui.ResultBuilder) error {
	if s == nil {
		return nil
	}
	return rb.EachPlatform(ctx, func(ctx context.Context, id string, _ ocispecs.Platform) (err error) {
		// EachPlatform runs this in a goroutine: Build's recover cannot
		// catch a panic here.
		defer safe.Recover(&err, "scanning "+id+" for its SBOM")
		s.mu.Lock()
		t := s.targets[id]
		s.mu.Unlock()
		if t == nil {
			return errors.Errorf("no SBOM scan sources for platform %s", id)
		}
		var opts []llb.ConstraintsOpt
		if t.IgnoreCache {
			opts = append(opts, llb.IgnoreCache)
		}
		att, err := s.scanner(ctx, id, t.Core, t.Extras, opts...)
		if err != nil {
			return errors.Wrapf(err, "SBOM scan of %s", id)
		}
		solved, err := result.ConvertAttestation(&att, func(st *llb.State) (client.Reference, error) {
			return solveRef(ctx, c, *st, "the SBOM scan", client.SolveRequest{})
		})
		if err != nil {
			return err
		}
		rb.AddAttestation(id, *solved)
		return nil
	})
}
