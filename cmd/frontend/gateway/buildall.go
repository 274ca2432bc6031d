package gateway

import (
	"context"
	"fmt"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/util/grpcerrors"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/stages"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/status"
)

// solveWithOffPath solves the target and, under MULTISTAGE_BUILD_ALL,
// every stage it does not need, all in this build: the solver shares
// their common vertices, so shared work runs once. Off-path stages are
// evaluated (built now) and their results dropped; the first failure
// fails the build, naming its stage and line.
func solveWithOffPath(ctx context.Context, c client.Client, bc *dockerui.Client, res *dockerfile2llb.Result) (client.Reference, error) {
	eg, ctx := errgroup.WithContext(ctx)
	for _, s := range res.OffPath {
		eg.Go(func() error {
			_, err := solve(ctx, c, s.State, fmt.Sprintf("stage %q", s.Node.DisplayName()), client.SolveRequest{CacheImports: bc.CacheImports, Evaluate: true})
			if err != nil {
				return withContext(err, fmt.Sprintf("stage %q (%s), built because %s=1, failed", s.Node.DisplayName(), s.Node.Where(), stages.BuildAllArg))
			}
			return nil
		})
	}
	var ref client.Reference
	eg.Go(func() (err error) {
		ref, err = solveRef(ctx, c, res.State, "the LLB definition", client.SolveRequest{CacheImports: bc.CacheImports})
		return err
	})
	return ref, eg.Wait()
}

// contextError puts our words before a solve error's message. The gateway
// sends an error's gRPC status, message included, as it finds it deepest
// in the chain, so a plain wrap would be dropped: this one answers with a
// status of its own that keeps the original's details (the failing step,
// its source location), which clients print the snippet from.
type contextError struct {
	error
	msg string
}

func withContext(err error, prefix string) error {
	inner := err.Error()
	if st, ok := grpcerrors.AsGRPCStatus(err); ok && st != nil {
		inner = st.Message() // without the "Internal: " a status error's text starts with
	}
	return &contextError{error: err, msg: prefix + ": " + inner}
}

func (e *contextError) Error() string { return e.msg }
func (e *contextError) Unwrap() error { return e.error }

func (e *contextError) GRPCStatus() *status.Status {
	st, ok := grpcerrors.AsGRPCStatus(e.error)
	if !ok || st == nil {
		return status.New(grpcerrors.Code(e.error), e.msg)
	}
	p := st.Proto()
	p.Message = e.msg
	return status.FromProto(p)
}
