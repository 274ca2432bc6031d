package gateway

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	bksubrequests "github.com/moby/buildkit/frontend/subrequests"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/subrequests"
)

// handleSubrequest answers requests such as --call=targets instead of a
// build. handled is false for a normal build. frontend.graph and the
// describe list (which must name lint and graph too) are ours; outline,
// targets and lint go through dockerui's handler.
func handleSubrequest(ctx context.Context, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, bool, error) {
	switch bc.BuildOpts().Opts["requestid"] {
	case bksubrequests.RequestSubrequestsDescribe:
		res, err := describe()
		return res, true, err
	case subrequests.RequestGraph:
		g, err := dockerfile2llb.StageGraph(dt, opt)
		if err != nil {
			return nil, true, err
		}
		md, err := subrequests.GraphMetadata(g)
		if err != nil {
			return nil, true, err
		}
		res := client.NewResult()
		res.Metadata = md
		return res, true, nil
	}
	return bc.HandleSubrequest(ctx, dockerui.RequestHandler{
		Outline: func(ctx context.Context) (*outline.Outline, error) {
			return dockerfile2llb.Outline(ctx, dt, opt)
		},
		ListTargets: func(ctx context.Context) (*targets.List, error) {
			return subrequests.ListTargets(dt)
		},
		Lint: func(ctx context.Context) (*lint.LintResults, error) {
			return dockerfile2llb.Lint(ctx, dt, opt)
		},
	})
}

// describe lists every subrequest we answer, with its version.
func describe() (*client.Result, error) {
	dt, err := json.MarshalIndent(subrequests.Definitions(), "", "  ")
	if err != nil {
		return nil, err
	}
	var txt bytes.Buffer
	if err := bksubrequests.PrintDescribe(dt, &txt); err != nil {
		return nil, err
	}
	res := client.NewResult()
	res.Metadata = map[string][]byte{
		"result.json": dt,
		"result.txt":  txt.Bytes(),
		"version":     []byte(bksubrequests.SubrequestsDescribeDefinition.Version),
	}
	return res, nil
}
