package gateway_test

import (
	"context"
	"encoding/json"
	"maps"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/outline"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// A stage ARG that chooses a --from is in the outline of the target, with
// the value it takes (issue 10); and --call=outline accepts a target list.
func TestCallOutlineStageArg(t *testing.T) {
	const df = `FROM alpine AS one
RUN echo > /v
FROM alpine AS two
ARG TWO_ONLY=x
RUN echo > /v
FROM scratch AS release
ARG SRC=one
COPY --from=${SRC} /v /v
`
	for _, tc := range []struct {
		target string
		args   map[string]string
		want   map[string]string // arg name -> value
	}{
		{target: "release", want: map[string]string{"SRC": "one"}},
		{target: "release", args: map[string]string{"SRC": "two"}, want: map[string]string{"SRC": "two", "TWO_ONLY": "x"}},
		{target: "one,release", want: map[string]string{"SRC": "one"}},
		{target: "two,release", want: map[string]string{"SRC": "one", "TWO_ONLY": "x"}},
	} {
		got := outlineArgs(t, df, tc.target, tc.args)
		if !maps.Equal(got, tc.want) {
			t.Errorf("target %s, args %v: outline args %v, want %v", tc.target, tc.args, got, tc.want)
		}
	}
}

// outlineArgs is the name -> value of every ARG in the outline of target.
func outlineArgs(t *testing.T, df, target string, args map[string]string) map[string]string {
	t.Helper()
	opts := map[string]string{"requestid": "frontend.outline", "target": target}
	for k, v := range args {
		opts["build-arg:"+k] = v
	}
	c := &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte(df)}, res: fakeresolver.New()}
	res, err := gateway.Build(context.Background(), c)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	var o outline.Outline
	if err := json.Unmarshal(res.Metadata["result.json"], &o); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range o.Args {
		got[a.Name] = a.Value
	}
	return got
}
