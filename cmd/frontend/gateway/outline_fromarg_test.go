package gateway_test

import (
	"testing"
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
		got := outlineArgs(t, df, tc.target, tc.args)
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
