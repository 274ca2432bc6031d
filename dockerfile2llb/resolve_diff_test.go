package dockerfile2llb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/myorg/multistage/internal/fakeresolver"
)

// TestResolveParallelAndOnce: base images of reachable stages are resolved
// concurrently, each (ref, platform) once, and images of pruned stages not
// at all (design.md section 3, "Target").
func TestResolveParallelAndOnce(t *testing.T) {
	dc := diffCase{Name: "resolve", Data: []byte(`FROM alpine AS a
RUN echo a
FROM debian:bookworm AS b
FROM busybox AS c
FROM node:20 AS d
FROM example.com/pruned/doesnotexist:1 AS pruned
FROM alpine
COPY --from=a / /a
COPY --from=b / /b
COPY --from=c / /c
COPY --from=d / /d
COPY --from=python:3 / /py
COPY --from=docker.io/library/alpine:latest / /alpine
`)}
	res := fakeresolver.New()
	res.SetDelay(100 * time.Millisecond)
	start := time.Now()
	conv := runConverterWith(ourConverter, dc, res)
	elapsed := time.Since(start)
	if conv.Err != nil {
		t.Fatal(conv.Err)
	}
	want := []string{
		"docker.io/library/alpine:latest",
		"docker.io/library/busybox:latest",
		"docker.io/library/debian:bookworm",
		"docker.io/library/node:20",
		"docker.io/library/python:3",
	}
	if got := res.Refs(); !slices.Equal(got, want) {
		t.Errorf("resolved %v, want %v", got, want)
	}
	if d := res.Duplicates(); len(d) > 0 && !*flagSelf {
		t.Errorf("resolved more than once: %v", d)
	}
	if p := res.Peak(); p < 2 {
		t.Errorf("at most %d resolution in flight at a time: resolution is not parallel (took %v for %d images)", p, elapsed, len(want))
	}
	t.Logf("%d images, peak %d in flight, %v", len(want), res.Peak(), elapsed)
}
