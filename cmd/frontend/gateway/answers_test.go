package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	bksubrequests "github.com/moby/buildkit/frontend/subrequests"
	"github.com/moby/buildkit/frontend/subrequests/convertllb"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/subrequests"
)

// reference answers a subrequest without the gateway's table: dockerui's
// own handler around the dockerfile2llb entry point, or the graph's
// metadata.
type reference func(ctx context.Context, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, error)

func viaDockerui(h func(dt []byte, opt dockerfile2llb.ConvertOpt) dockerui.RequestHandler) reference {
	return func(ctx context.Context, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, error) {
		res, _, err := bc.HandleSubrequest(ctx, h(dt, opt))
		return res, err
	}
}

// Every subrequest upstream's Dockerfile frontend answers, and our
// frontend.graph, goes through the gateway's one table: each answer is,
// byte for byte, what its entry point gives without the table, and shows
// that the request's options reached it; describe lists exactly the
// requests answered; the one upstream request we do not answer fails as
// dockerui fails it.
func TestEverySubrequestThroughTheTable(t *testing.T) {
	cases := []struct {
		def  bksubrequests.Request
		opts map[string]string
		ref  reference // nil: not answered
		// shows is in the answer's result.json only when the options
		// reached the entry point (or, for targets, the file did).
		shows string
	}{
		{def: outline.SubrequestsOutlineDefinition, opts: map[string]string{"target": "build", "build-arg:VERSION": "1.0"},
			ref: viaDockerui(func(dt []byte, opt dockerfile2llb.ConvertOpt) dockerui.RequestHandler {
				return dockerui.RequestHandler{Outline: func(ctx context.Context) (*outline.Outline, error) { return dockerfile2llb.Outline(ctx, dt, opt) }}
			}), shows: `"value": "1.0"`},
		{def: targets.SubrequestsTargetsDefinition,
			ref: viaDockerui(func(dt []byte, opt dockerfile2llb.ConvertOpt) dockerui.RequestHandler {
				return dockerui.RequestHandler{ListTargets: func(ctx context.Context) (*targets.List, error) { return dockerfile2llb.ListTargets(ctx, dt) }}
			}), shows: `"description": "is the shipped image."`},
		{def: lint.SubrequestLintDefinition, opts: map[string]string{"build-arg:UNUSED": "x"},
			ref: viaDockerui(func(dt []byte, opt dockerfile2llb.ConvertOpt) dockerui.RequestHandler {
				return dockerui.RequestHandler{Lint: func(ctx context.Context) (*lint.LintResults, error) { return dockerfile2llb.Lint(ctx, dt, opt) }}
			}), shows: `Build arg \"UNUSED\" is given`},
		{def: subrequests.GraphDefinition, opts: map[string]string{"target": "build"},
			ref: func(ctx context.Context, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, error) {
				g, err := dockerfile2llb.StageGraph(ctx, dt, opt)
				if err != nil {
					return nil, err
				}
				md, err := subrequests.GraphMetadata(g)
				return &client.Result{Metadata: md}, err
			}, shows: `"target": "stage-2"`},
		{def: bksubrequests.SubrequestsDescribeDefinition},
		{def: convertllb.SubrequestConvertLLBDefinition},
	}
	var answered []string
	for _, tc := range cases {
		if tc.ref != nil || tc.def.Name == bksubrequests.RequestSubrequestsDescribe {
			answered = append(answered, tc.def.Name)
		}
	}
	for _, tc := range cases {
		t.Run(tc.def.Name, func(t *testing.T) {
			opts := map[string]string{"requestid": tc.def.Name}
			maps.Copy(opts, tc.opts)
			c := &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte(testDockerfile)}, res: fakeresolver.New()}
			got, err := gateway.Build(context.Background(), c)
			switch {
			case tc.def.Name == bksubrequests.RequestSubrequestsDescribe:
				if err != nil {
					t.Fatal(err)
				}
				var reqs []bksubrequests.Request
				if err := json.Unmarshal(got.Metadata["result.json"], &reqs); err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, r := range reqs {
					names = append(names, r.Name)
				}
				slices.Sort(names)
				if want := slices.Sorted(slices.Values(answered)); !slices.Equal(names, want) {
					t.Errorf("describe lists %v, the table answers %v", names, want)
				}
			case tc.ref == nil:
				var unsupported *errdefs.UnsupportedSubrequestError
				if !errors.As(err, &unsupported) {
					t.Fatalf("want dockerui's unsupported-subrequest error, got %v", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(got.Metadata["result.json"], []byte(tc.shows)) {
					t.Errorf("result.json does not show %s:\n%s", tc.shows, got.Metadata["result.json"])
				}
				want := referenceAnswer(t, c, tc.ref)
				if string(got.Metadata["version"]) != tc.def.Version {
					t.Errorf("version %q, want %q", got.Metadata["version"], tc.def.Version)
				}
				if tc.def.Name == lint.SubrequestLintDefinition.Name {
					got.Metadata["result.json"] = withoutSourceDefinitions(t, got.Metadata["result.json"])
					want.Metadata["result.json"] = withoutSourceDefinitions(t, want.Metadata["result.json"])
				}
				for _, k := range slices.Sorted(maps.Keys(want.Metadata)) {
					if !bytes.Equal(got.Metadata[k], want.Metadata[k]) {
						t.Errorf("%s differs from the route it replaced:\n%s\nwant:\n%s", k, got.Metadata[k], want.Metadata[k])
					}
				}
				if len(got.Metadata) != len(want.Metadata) {
					t.Errorf("metadata keys %v, want %v", slices.Sorted(maps.Keys(got.Metadata)), slices.Sorted(maps.Keys(want.Metadata)))
				}
			}
		})
	}
}

// referenceAnswer answers with ref, given the options Build would give.
func referenceAnswer(t *testing.T, c *fakeClient, ref reference) *client.Result {
	t.Helper()
	ctx := context.Background()
	bc, err := dockerui.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	src, err := bc.ReadEntrypoint(ctx, "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ref(ctx, bc, src.Data, dockerfile2llb.ConvertOpt{Config: bc.Config, Client: bc, SourceMap: src.SourceMap, MetaResolver: c})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// withoutSourceDefinitions drops the LLB definition of each source of a
// lint result: the Dockerfile's local source carries an ID that is new for
// every dockerui client, so two reads of one file never marshal alike.
func withoutSourceDefinitions(t *testing.T, dt []byte) []byte {
	t.Helper()
	var r lint.LintResults
	if err := json.Unmarshal(dt, &r); err != nil {
		t.Fatal(err)
	}
	for _, src := range r.Sources {
		src.Definition = nil
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
