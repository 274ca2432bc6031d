package subrequests_test

import (
	"context"
	"slices"
	"testing"

	"github.com/myorg/multistage/dockerfile2llb"
)

// TestTargetsUnnamedStages: an unnamed stage says which stage it is
// (buildx would print a bare "(default)" or a blank line for it); its name
// stays empty, and named stages keep upstream's answer.
func TestTargetsUnnamedStages(t *testing.T) {
	cases := []struct {
		name, dockerfile string
		want             []string // "name|default|description" per target
	}{
		{
			name:       "unnamed-default",
			dockerfile: "FROM golang:1.26 AS build\nRUN true\nFROM scratch\nCOPY --from=build /x /x\n",
			want:       []string{"build||", "|default|unnamed stage 1 (FROM scratch), built without --target"},
		},
		{
			name:       "unnamed-in-the-middle",
			dockerfile: "FROM alpine\nRUN true\nFROM busybox AS final\nCOPY --from=0 /x /x\n",
			want:       []string{"||unnamed stage 0 (FROM alpine), not a --target", "final|default|"},
		},
		{
			// A doc comment starts with its stage's name, so an unnamed
			// stage never has one.
			name:       "doc-comments",
			dockerfile: "# build compiles it\nFROM golang:1.26 AS build\n# the shipped image\nFROM scratch\n",
			want:       []string{"build||compiles it", "|default|unnamed stage 1 (FROM scratch), built without --target"},
		},
		{
			name:       "base-as-written",
			dockerfile: "ARG V=3.20\nFROM alpine:${V}\n",
			want:       []string{"|default|unnamed stage 0 (FROM alpine:${V}), built without --target"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := dockerfile2llb.ListTargets(context.Background(), []byte(tc.dockerfile))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range l.Targets {
				def := ""
				if tg.Default {
					def = "default"
				}
				got = append(got, tg.Name+"|"+def+"|"+tg.Description)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("targets:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
