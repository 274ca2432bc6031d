package gateway_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/outline"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// A global ARG that only a COPY --from or RUN --mount from= of a needed
// stage uses decides what the target is built from: the outline lists it
// (with the value given), and not for a target that does not need that
// stage.
func TestCallOutlineFromArg(t *testing.T) {
	const df = `ARG SRC=build
ARG CACHE=build
ARG UNUSED=x
FROM alpine AS build
RUN echo > /v
FROM alpine AS tools
RUN echo > /v
FROM scratch AS release
COPY --from=${SRC} /v /v
FROM alpine AS check
RUN --mount=type=bind,from=$CACHE,target=/c true
`
	for _, tc := range []struct {
		target string
		args   map[string]string
		want   map[string]string // arg name -> value
	}{
		{target: "release", want: map[string]string{"SRC": "build"}},
		{target: "release", args: map[string]string{"SRC": "tools"}, want: map[string]string{"SRC": "tools"}},
		{target: "check", want: map[string]string{"CACHE": "build"}},
		{target: "build", want: map[string]string{}},
	} {
		opts := map[string]string{"requestid": "frontend.outline", "target": tc.target}
		for k, v := range tc.args {
			opts["build-arg:"+k] = v
		}
		c := &fakeClient{opts: opts, files: map[string][]byte{"Dockerfile": []byte(df)}, res: fakeresolver.New()}
		res, err := gateway.Build(context.Background(), c)
		if err != nil {
			t.Fatalf("%s: %v", tc.target, err)
		}
		var o outline.Outline
		if err := json.Unmarshal(res.Metadata["result.json"], &o); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range o.Args {
			got[a.Name] = a.Value
		}
		if len(got) != len(tc.want) {
			t.Errorf("target %s, args %v: outline args %v, want %v", tc.target, tc.args, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("target %s, args %v: outline args %v, want %v", tc.target, tc.args, got, tc.want)
			}
		}
	}
}
