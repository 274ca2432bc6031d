package dockerfile2llb_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"
	fstypes "github.com/tonistiigi/fsutil/types"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// TestUndefinedVarOnNamedContexts holds UndefinedVar quiet in the stages
// built, directly or through a chain of stages, on a named context, whose
// environment is unknown, and reporting in the others, chains included.
// Each stage uses a variable named after it that nothing sets.
func TestUndefinedVarOnNamedContexts(t *testing.T) {
	cases := []struct {
		name string
		df   string
		want []string // the variables reported, sorted
	}{
		{
			name: "a chain on a named context, a chain on an image",
			df: "FROM base AS a\nLABEL l=$UA\nFROM a AS b\nLABEL l=$UB\nFROM b AS c\nLABEL l=$UC\n" +
				"FROM busybox AS d\nLABEL l=$UD\nFROM d AS e\nLABEL l=$UE\n",
			want: []string{"UD", "UE"},
		},
		{
			name: "scratch and an image reached through stages",
			df:   "FROM scratch AS s\nLABEL l=$US\nFROM s AS t\nLABEL l=$UT\nFROM t AS u\nLABEL l=$UU\n",
			want: []string{"US", "UT", "UU"},
		},
		{
			name: "a stage on a chain off a named context",
			df:   "FROM base AS a\nFROM a AS b\nFROM b AS c\nLABEL l=$UC\nFROM c\nLABEL l=$UX\n",
			want: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := &contextClient{opts: map[string]string{"context:base": "docker-image://busybox:latest"}, res: fakeresolver.New()}
			bc, err := dockerui.NewClient(fc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ours.Lint(context.Background(), []byte(tc.df), ours.ConvertOpt{Config: bc.Config, Client: bc, MetaResolver: fc.res})
			if err != nil {
				t.Fatal(err)
			}
			if res.Error != nil {
				t.Fatalf("lint failed: %s", res.Error.Message)
			}
			var got []string
			for _, w := range res.Warnings {
				if w.RuleName != "UndefinedVar" {
					continue
				}
				name, _, _ := strings.Cut(strings.TrimPrefix(w.Detail, "Usage of undefined variable '$"), "'")
				got = append(got, name)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("UndefinedVar for %q, want %q", got, tc.want)
			}
		})
	}
}

// contextClient is a gateway client with build options and images only:
// enough for dockerui to load a named context from an image.
type contextClient struct {
	client.Client
	opts map[string]string
	res  *fakeresolver.Resolver
}

func (c *contextClient) BuildOpts() client.BuildOpts {
	return client.BuildOpts{Opts: c.opts, LLBCaps: pb.Caps.CapSet(pb.Caps.All()), Caps: gwpb.Caps.CapSet(gwpb.Caps.All())}
}

func (c *contextClient) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return c.res.ResolveImageConfig(ctx, ref, opt)
}

func (c *contextClient) Inputs(context.Context) (map[string]llb.State, error) {
	return map[string]llb.State{}, nil
}

// Solve gives a build context without files (dockerui reads
// .dockerignore from it).
func (c *contextClient) Solve(context.Context, client.SolveRequest) (*client.Result, error) {
	r := client.NewResult()
	r.SetRef(emptyRef{})
	return r, nil
}

type emptyRef struct{ client.Reference }

func (emptyRef) StatFile(_ context.Context, req client.StatRequest) (*fstypes.Stat, error) {
	return nil, errors.Wrap(os.ErrNotExist, req.Path)
}

func (emptyRef) ReadFile(_ context.Context, req client.ReadRequest) ([]byte, error) {
	return nil, errors.Wrap(os.ErrNotExist, req.Filename)
}
