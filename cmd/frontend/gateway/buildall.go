package gateway

import (
	"context"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/stages"
	"github.com/pkg/errors"
	"golang.org/x/sync/errgroup"
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
			def, err := s.State.Marshal(ctx)
			if err != nil {
				return errors.Wrapf(err, "marshalling stage %q", s.Node.DisplayName())
			}
			_, err = c.Solve(ctx, client.SolveRequest{Definition: def.ToPB(), CacheImports: bc.CacheImports, Evaluate: true})
			if err != nil {
				return errors.Wrapf(err, "stage %q (line %d), built because %s=1, failed", s.Node.DisplayName(), s.Node.Stage.Location[0].Start.Line, stages.BuildAllArg)
			}
			return nil
		})
	}
	var ref client.Reference
	eg.Go(func() error {
		def, err := res.State.Marshal(ctx)
		if err != nil {
			return errors.Wrap(err, "marshalling the LLB definition")
		}
		r, err := c.Solve(ctx, client.SolveRequest{Definition: def.ToPB(), CacheImports: bc.CacheImports})
		if err != nil {
			return err
		}
		ref, err = r.SingleRef()
		return err
	})
	return ref, eg.Wait()
}
