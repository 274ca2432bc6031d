package gateway

import (
	"context"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/pkg/errors"
)

// solve marshals st and solves it with req; what names st in a marshalling
// error.
func solve(ctx context.Context, c client.Client, st llb.State, what string, req client.SolveRequest) (*client.Result, error) {
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, errors.Wrapf(err, "marshalling %s", what)
	}
	req.Definition = def.ToPB()
	if err := checkDefinitionSize(req.Definition); err != nil {
		return nil, err
	}
	return c.Solve(ctx, req)
}

// solveRef solves st to its single reference.
func solveRef(ctx context.Context, c client.Client, st llb.State, what string, req client.SolveRequest) (client.Reference, error) {
	r, err := solve(ctx, c, st, what, req)
	if err != nil {
		return nil, err
	}
	return r.SingleRef()
}
