// Package dockerfile2llb turns the reachable part of a stage graph into an
// LLB state and an OCI image config for one target platform.
package dockerfile2llb

import (
	"context"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/util/apicaps"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// ConvertOpt is everything a conversion depends on besides the Dockerfile.
type ConvertOpt struct {
	dockerui.Config
	// Client gives named contexts, no-cache and .dockerignore; nil offline.
	Client *dockerui.Client
	// MainContext replaces the local "context" source when set (tests, offline).
	MainContext *llb.State
	SourceMap   *llb.SourceMap
	// TargetPlatform is the platform this conversion builds for; nil means
	// the first of Config.TargetPlatforms or the build platform.
	TargetPlatform *ocispecs.Platform
	MetaResolver   llb.ImageMetaResolver
	LLBCaps        *apicaps.CapSet
	Warn           linter.LintWarnFunc
}

// Result is one platform's conversion.
type Result struct {
	State     llb.State
	Image     *dockerspec.DockerOCIImage
	BaseImage *dockerspec.DockerOCIImage
}

// Convert parses dt and converts the stages the target needs.
func Convert(ctx context.Context, dt []byte, opt ConvertOpt) (*Result, error) {
	return nil, errors.New("not implemented yet")
}
