// Package gateway is the glue between BuildKit's gateway API and the
// converter: it reads options and the Dockerfile through dockerui, forwards
// to another frontend when asked to, converts once per platform and hands
// the results back. It converts nothing itself.
package gateway

import (
	"context"
	"maps"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/safe"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// Build is the gateway entrypoint, used in-process with client.Build or
// through grpcclient.RunFromEnvironment inside the frontend image.
func Build(ctx context.Context, c client.Client) (res *client.Result, err error) {
	// Deferred in this order, a panic is caught first and then named.
	name := "Dockerfile"
	defer func() { err = boundaryError(err, name) }()
	defer func() {
		if err == nil {
			if err = checkResultSize(res); err != nil {
				res = nil
			}
		}
	}()
	defer safe.Recover(&err, "converting")

	bc, err := dockerui.NewClient(c)
	if err != nil {
		return nil, err
	}
	opts := bc.BuildOpts().Opts
	name = dockerfileName(opts)
	forwardable, capsErr := checkCaps(opts["frontend.caps"])
	if capsErr != nil && !forwardable {
		return nil, capsErr
	}
	src, err := bc.ReadEntrypoint(ctx, "Dockerfile")
	if err != nil {
		return nil, err
	}
	if res, forwarded, err := forwardIfRequested(ctx, c, src); forwarded {
		return res, err
	}
	if capsErr != nil {
		return nil, capsErr
	}
	// Errors that name Dockerfile lines carry the source, so clients print
	// the snippet.
	defer func() { err = attachSource(err, src) }()

	convertOpt := dockerfile2llb.ConvertOpt{
		Config:       bc.Config,
		Client:       bc,
		SourceMap:    src.SourceMap,
		MetaResolver: c,
		Warn:         warnFunc(ctx, src),
		Includes:     newIncludeReader(c, bc),
		WarnFile:     warnFileFunc(ctx, src),
	}
	if res, handled, err := handleSubrequest(ctx, opts, src.Data, convertOpt); handled || err != nil {
		return res, err
	}
	if len(stages.SplitTargets(bc.Config.Target)) > 1 {
		return buildTargets(ctx, c, bc, src.Data, convertOpt)
	}
	scan, err := newSBOMScan(ctx, c, bc)
	if err != nil {
		return nil, err
	}
	rb, err := buildPlatforms(ctx, c, bc, src.Data, convertOpt, scan)
	if err != nil {
		return nil, err
	}
	return rb.Finalize()
}

// buildPlatforms converts and solves the target for every platform asked
// for (in parallel: dockerui runs each in a goroutine), and attaches the
// SBOM scan's attestations when scan is not nil.
func buildPlatforms(ctx context.Context, c client.Client, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt, scan *sbomScan) (*dockerui.ResultBuilder, error) {
	rb, err := bc.Build(ctx, func(ctx context.Context, platform *ocispecs.Platform, idx int) (_ *dockerui.BuildResult, err error) {
		// In a goroutine of its own, a panic would not reach Build's
		// recover.
		defer safe.Recover(&err, "converting and solving for "+platformName(platform))
		res, err := solvePlatform(ctx, c, bc, dt, opt, platform, idx)
		if res != nil {
			scan.add(platform, res.sbom)
		}
		return res.built(), err
	})
	if err != nil {
		return nil, err
	}
	return rb, scan.attach(ctx, c, rb)
}

// platformResult is one platform built, with what its SBOM scan reads.
type platformResult struct {
	*dockerui.BuildResult
	sbom *dockerfile2llb.SBOMTargets
}

func (r *platformResult) built() *dockerui.BuildResult {
	if r == nil {
		return nil
	}
	return r.BuildResult
}

// solvePlatform converts and solves one platform of a build.
func solvePlatform(ctx context.Context, c client.Client, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt, platform *ocispecs.Platform, idx int) (*platformResult, error) {
	opt.BuildArgs = maps.Clone(opt.BuildArgs)
	opt.TargetPlatform = platform
	if idx != 0 {
		opt.Warn, opt.WarnFile = nil, nil // warnings are the same for every platform
	}
	res, err := dockerfile2llb.Convert(ctx, dt, opt)
	if err != nil {
		return nil, err
	}
	ref, err := solveWithOffPath(ctx, c, bc, res)
	if err != nil {
		return nil, err
	}
	return &platformResult{
		BuildResult: &dockerui.BuildResult{Reference: ref, Image: res.Image, BaseImage: res.BaseImage, Epoch: res.Epoch},
		sbom:        res.SBOM,
	}, nil
}

func platformName(p *ocispecs.Platform) string {
	if p == nil {
		return "the default platform"
	}
	return platforms.Format(*p)
}

// locationsOf lists the Dockerfile ranges an error carries.
func locationsOf(err error) [][]parser.Range {
	var le *parser.LocationError
	if !errors.As(err, &le) {
		return nil
	}
	return le.Locations
}
