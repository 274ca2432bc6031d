// Package gateway is the glue between BuildKit's gateway API and the
// converter: it reads options and the Dockerfile through dockerui, forwards
// to another frontend when asked to, and assembles the per-platform result.
package gateway

import (
	"context"

	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/pkg/errors"
)

// Build is the gateway entrypoint, usable in-process with client.Build or
// through grpcclient.RunFromEnvironment inside the frontend image.
func Build(ctx context.Context, c client.Client) (*client.Result, error) {
	return nil, errors.New("not implemented yet")
}
