package gateway

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/myorg/multistage/dockerfile2llb"
)

// handleSubrequest answers requests such as --call=targets instead of a
// build. handled is false for a normal build.
func handleSubrequest(ctx context.Context, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, bool, error) {
	return bc.HandleSubrequest(ctx, dockerui.RequestHandler{})
}
