package gateway

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/moby/buildkit/frontend/gateway/client"
	bksubrequests "github.com/moby/buildkit/frontend/subrequests"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/subrequests"
)

// request is what every answer reads: the Dockerfile, and the options it
// would be converted with. Each answer takes it through one pass of the
// converter, as far as that answer needs (dockerfile2llb's run).
type request struct {
	dt  []byte
	opt dockerfile2llb.ConvertOpt
}

// subrequest is one request we answer instead of a build.
type subrequest struct {
	def    bksubrequests.Request
	answer func(ctx context.Context, r request) (*client.Result, error)
}

// answered lists every subrequest we answer, in the order describe lists
// them. A function, not a variable: describe reads the list.
func answered() []subrequest {
	return []subrequest{
		{outline.SubrequestsOutlineDefinition, answerOutline},
		{targets.SubrequestsTargetsDefinition, answerTargets},
		{lint.SubrequestLintDefinition, answerLint},
		{subrequests.GraphDefinition, answerGraph},
		{bksubrequests.SubrequestsDescribeDefinition, answerDescribe},
	}
}

// handleSubrequest answers the request the option "requestid" names
// (--call=targets, --check...) instead of a build; handled is false for a
// normal build. A request we do not answer fails as upstream's does.
func handleSubrequest(ctx context.Context, opts map[string]string, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, bool, error) {
	id, ok := opts["requestid"]
	if !ok {
		return nil, false, nil
	}
	for _, s := range answered() {
		if s.def.Name == id {
			res, err := s.answer(ctx, request{dt: dt, opt: opt})
			return res, true, err
		}
	}
	return nil, true, errdefs.NewUnsupportedSubrequestError(id)
}

func answerOutline(ctx context.Context, r request) (*client.Result, error) {
	o, err := dockerfile2llb.Outline(ctx, r.dt, r.opt)
	if err != nil {
		return nil, err
	}
	return o.ToResult()
}

func answerTargets(ctx context.Context, r request) (*client.Result, error) {
	l, err := dockerfile2llb.ListTargetsOf(ctx, r.dt, r.opt)
	if err != nil {
		return nil, err
	}
	return l.ToResult()
}

func answerLint(ctx context.Context, r request) (*client.Result, error) {
	results, err := dockerfile2llb.Lint(ctx, r.dt, r.opt)
	if err != nil {
		return nil, err
	}
	return results.ToResult(nil)
}

func answerGraph(ctx context.Context, r request) (*client.Result, error) {
	g, err := dockerfile2llb.StageGraph(ctx, r.dt, r.opt)
	if err != nil {
		return nil, err
	}
	md, err := subrequests.GraphMetadata(g)
	if err != nil {
		return nil, err
	}
	return &client.Result{Metadata: md}, nil
}

// answerDescribe lists every subrequest we answer, with its version.
func answerDescribe(context.Context, request) (*client.Result, error) {
	var defs []bksubrequests.Request
	for _, s := range answered() {
		defs = append(defs, s.def)
	}
	dt, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		return nil, err
	}
	var txt bytes.Buffer
	if err := bksubrequests.PrintDescribe(dt, &txt); err != nil {
		return nil, err
	}
	return &client.Result{Metadata: map[string][]byte{
		"result.json": dt,
		"result.txt":  txt.Bytes(),
		"version":     []byte(bksubrequests.SubrequestsDescribeDefinition.Version),
	}}, nil
}
