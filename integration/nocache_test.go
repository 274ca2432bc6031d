package integration

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Cache control in the Dockerfile (RUN --no-cache) and the no-cache option's
// own forms ("!name", globs). Each build runs twice with one fresh NONCE:
// the first fills the cache, the second shows which steps came from it.

// noCacheDockerfile has one stage per role; every RUN writes a random
// value, so a step that ran again shows in the exported files too.
const noCacheDockerfile = `FROM busybox AS deps
ARG NONCE
RUN cat /proc/sys/kernel/random/uuid > /deps

FROM busybox AS test-unit
ARG NONCE
RUN cat /proc/sys/kernel/random/uuid > /unit

FROM busybox AS test-e2e
ARG NONCE
RUN cat /proc/sys/kernel/random/uuid > /e2e

FROM busybox AS build
ARG NONCE
RUN cat /proc/sys/kernel/random/uuid > /before
RUN --no-cache cat /proc/sys/kernel/random/uuid > /always
RUN cat /always /proc/sys/kernel/random/uuid > /after

FROM scratch
COPY --from=deps /deps /deps
COPY --from=test-unit /unit /unit
COPY --from=test-e2e /e2e /e2e
COPY --from=build /before /always /after /
`

// stepLine is a RUN step's progress line, in the harness's log ("#N NAME"
// and "#N NAME CACHED") and in buildx's plain output ("#N NAME", then "#N
// CACHED").
var (
	stepLine   = regexp.MustCompile(`(?m)^#(\d+) (\[[^\]]+\] RUN [^\n]*?)( CACHED)?$`)
	cachedLine = regexp.MustCompile(`(?m)^#(\d+) CACHED$`)
)

// cachedRuns are the RUN steps the log shows as CACHED, by progress name
// without the step counter ("[build] RUN ...").
func cachedRuns(log string) []string {
	names := map[string]string{}
	var out []string
	add := func(name string) {
		name = regexp.MustCompile(`^\[([^ \]]+)[^\]]*\]`).ReplaceAllString(name, "[$1]")
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, m := range stepLine.FindAllStringSubmatch(log, -1) {
		names[m[1]] = m[2]
		if m[3] != "" {
			add(m[2])
		}
	}
	for _, m := range cachedLine.FindAllStringSubmatch(log, -1) {
		if n, ok := names[m[1]]; ok {
			add(n)
		}
	}
	slices.Sort(out)
	return out
}

func TestCacheControl(t *testing.T) {
	e := requireEnv(t)
	for _, tc := range []struct {
		name    string
		noCache string // the no-cache option of the second build; "-" for none
		cached  []string
		ran     []string // files whose value must change between the builds
	}{
		{
			name: "run-no-cache", noCache: "-",
			cached: []string{"[build] RUN cat /proc/sys/kernel/random/uuid > /before", "[deps] RUN cat /proc/sys/kernel/random/uuid > /deps",
				"[test-e2e] RUN cat /proc/sys/kernel/random/uuid > /e2e", "[test-unit] RUN cat /proc/sys/kernel/random/uuid > /unit"},
			ran: []string{"always", "after"},
		},
		{
			name: "filter-all-but-deps", noCache: "!deps",
			cached: []string{"[deps] RUN cat /proc/sys/kernel/random/uuid > /deps"},
			ran:    []string{"unit", "e2e", "before", "always", "after"},
		},
		{
			name: "filter-glob", noCache: "test-*",
			cached: []string{"[build] RUN cat /proc/sys/kernel/random/uuid > /before", "[deps] RUN cat /proc/sys/kernel/random/uuid > /deps"},
			ran:    []string{"unit", "e2e", "always", "after"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachMode(t, e, []mode{modeSyntax, modeBuildx}, func(t *testing.T, m mode) {
				nonce := freshNonce(t)
				s := &scenario{name: "cache-control-" + tc.name, dockerfile: noCacheDockerfile, outputs: []string{"local"},
					buildArgs: map[string]string{"NONCE": nonce}}
				first := s.mustBuild(t, e, m)
				if tc.noCache != "-" {
					s.attrs = map[string]string{"no-cache": tc.noCache}
				}
				second := s.mustBuild(t, e, m)
				if got := cachedRuns(second.log); !slices.Equal(got, tc.cached) {
					t.Errorf("second build: CACHED steps %q, want %q\n%s", got, tc.cached, second.log)
				}
				for _, f := range []string{"deps", "unit", "e2e", "before", "always", "after"} {
					changed := strings.TrimSpace(first.file(t, f)) != strings.TrimSpace(second.file(t, f))
					if want := slices.Contains(tc.ran, f); changed != want {
						t.Errorf("/%s changed between the builds: %v, want %v", f, changed, want)
					}
				}
			})
		})
	}
}
