package gateway

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/stages"
)

const syntaxArg = "build-arg:BUILDKIT_SYNTAX"

// forwardIfRequested hands the build to another frontend named by the
// BUILDKIT_SYNTAX build arg or a "# syntax=" line. The option "cmdline" is
// set when BuildKit already forwarded to us: we never forward twice, or a
// Dockerfile naming our own image would loop.
func forwardIfRequested(ctx context.Context, c client.Client, src *dockerui.Source) (*client.Result, bool, error) {
	opts := c.BuildOpts().Opts
	if _, ok := opts["cmdline"]; ok {
		return nil, false, nil
	}
	if cmdline, ok := opts[syntaxArg]; ok {
		ref, _, _ := strings.Cut(strings.TrimSpace(cmdline), " ")
		res, err := forward(ctx, c, ref, cmdline)
		if err != nil && len(errdefs.Sources(err)) == 0 {
			err = errors.Wrapf(err, "forwarding to %s = %s", syntaxArg, cmdline)
		}
		return res, true, err
	}
	if ref, cmdline, loc, ok := parser.DetectSyntax(src.Data); ok {
		if !utf8.ValidString(cmdline) {
			// gRPC cannot carry the frontend's name: say which line.
			return nil, true, attachSource(stages.CheckUTF8(src.Data), src)
		}
		res, err := forward(ctx, c, ref, cmdline)
		if err != nil && len(errdefs.Sources(err)) == 0 {
			err = withSource(err, src, loc)
		}
		return res, true, err
	}
	return nil, false, nil
}

func forward(ctx context.Context, c client.Client, ref, cmdline string) (*client.Result, error) {
	opts := map[string]string{}
	for k, v := range c.BuildOpts().Opts {
		opts[k] = v
	}
	opts["cmdline"], opts["source"] = cmdline, ref
	req := client.SolveRequest{Frontend: "gateway.v0", FrontendOpt: opts}
	caps := c.BuildOpts().Caps
	if caps.Supports(gwpb.CapFrontendInputs) == nil {
		inputs, err := c.Inputs(ctx)
		if err != nil {
			return nil, errors.Wrap(err, "reading frontend inputs to forward them")
		}
		req.FrontendInputs = make(map[string]*pb.Definition, len(inputs))
		for name, st := range inputs {
			def, err := st.Marshal(ctx)
			if err != nil {
				return nil, err
			}
			req.FrontendInputs[name] = def.ToPB()
		}
	}
	return c.Solve(ctx, req)
}
