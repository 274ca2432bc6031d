package integration

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Issue 10: several targets in one build, MULTISTAGE_BUILD_ALL and stage
// ARGs in --from. Upstream rejects all three, so its mode is skipped.

const sharedBaseDockerfile = `FROM busybox AS base
ARG NONCE
RUN echo "$NONCE" > /nonce && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > /rand
FROM base AS test
RUN echo test > /t
FROM base AS lint
RUN echo lint > /l
FROM busybox AS release
COPY --from=test /t /t
`

const notUpstream = "issue 10: upstream has no target list, build-all switch or stage ARGs in --from"

func targetScenarios() []scenario {
	twoDirs := func(t *testing.T, r *result) {
		t.Helper()
		if got := r.file(t, "test/t"); got != "test\n" {
			t.Errorf("test/t = %q", got)
		}
		if got := r.file(t, "lint/l"); got != "lint\n" {
			t.Errorf("lint/l = %q", got)
		}
		if r.exists("t") || r.exists("l") || r.exists("release") {
			t.Errorf("files outside the target directories: %v", r.files(t))
		}
		if r.file(t, "test/rand") != r.file(t, "lint/rand") {
			t.Errorf("the shared RUN ran once per target: %q vs %q", r.file(t, "test/rand"), r.file(t, "lint/rand"))
		}
	}
	return []scenario{
		{name: "targets-local", dockerfile: sharedBaseDockerfile, target: "test,LINT,test", outputs: []string{"local"},
			buildArgs: map[string]string{"NONCE": "local"}, buildx: true, skipUpstream: notUpstream,
			want: expect{check: twoDirs}},
		{name: "targets-tar", dockerfile: sharedBaseDockerfile, target: "test,lint", outputs: []string{"tar"},
			buildArgs: map[string]string{"NONCE": "tar"}, buildx: true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				names := tarNames(t, r.tar)
				for _, want := range []string{"test/t", "lint/l", "test/rand", "lint/rand"} {
					if !slices.Contains(names, want) {
						t.Errorf("tar holds %v, not %s", names, want)
					}
				}
			}}},
		{name: "targets-two-platforms", dockerfile: "FROM scratch AS a\nCOPY a.txt /\nFROM scratch AS b\nCOPY b.txt /\n",
			files: map[string]string{"a.txt": "A", "b.txt": "B"}, target: "a,b", platform: "linux/amd64,linux/arm64",
			outputs: []string{"local"}, buildx: true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				want := []string{"a/linux_amd64/a.txt", "a/linux_arm64/a.txt", "b/linux_amd64/b.txt", "b/linux_arm64/b.txt"}
				if got := r.files(t); !slices.Equal(got, want) {
					t.Errorf("files %v, want %v", got, want)
				}
			}}},
		{name: "targets-two-platforms-tar", dockerfile: "FROM scratch AS a\nCOPY a.txt /\nFROM scratch AS b\nCOPY b.txt /\n",
			files: map[string]string{"a.txt": "A", "b.txt": "B"}, target: "a,b", platform: "linux/amd64,linux/arm64",
			outputs: []string{"tar"}, buildx: true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				want := []string{"a/linux_amd64/a.txt", "a/linux_arm64/a.txt", "b/linux_amd64/b.txt", "b/linux_arm64/b.txt"}
				if got := tarNames(t, r.tar); !slices.Equal(got, want) {
					t.Errorf("tar holds %v, want %v", got, want)
				}
			}}},
		{name: "targets-unknown-names", dockerfile: sharedBaseDockerfile, target: "test,lnt,relase", outputs: []string{"local"},
			buildx: true, skipUpstream: notUpstream,
			want: expect{err: &wantError{contains: []string{`target stage "lnt" could not be found`, "did you mean lint?",
				`target stage "relase" could not be found`, "did you mean release?"}}}},
		{name: "build-all-passing", target: "release", buildArgs: map[string]string{"MULTISTAGE_BUILD_ALL": "1"},
			dockerfile: "FROM busybox AS check\nRUN echo checked-off-path\nFROM busybox AS release\nRUN echo shipped > /s\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				if !strings.Contains(r.log, "[check 2/2] RUN echo checked-off-path") {
					t.Errorf("the off-path stage did not run:\n%s", r.log)
				}
				if r.file(t, "s") != "shipped\n" || r.exists("checked") {
					t.Errorf("export is not the target's: %v", r.files(t))
				}
				for _, h := range r.image.History {
					if strings.Contains(h.CreatedBy, "MULTISTAGE_BUILD_ALL") {
						t.Errorf("history names the switch: %q", h.CreatedBy)
					}
				}
			}}},
		{name: "build-all-failing-off-path", target: "release", buildArgs: map[string]string{"MULTISTAGE_BUILD_ALL": "1"},
			dockerfile: "FROM busybox AS check\nRUN exit 3\nFROM busybox AS release\nRUN echo shipped > /s\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{err: &wantError{contains: []string{`stage "check" (line 2), built because MULTISTAGE_BUILD_ALL=1, failed`, "exit 3"}, lines: []int{3}}}},
		{name: "stage-arg-from-default", target: "app",
			dockerfile: "FROM busybox AS one\nRUN echo one > /v\nFROM busybox AS two\nRUN echo two > /v\nFROM busybox AS app\nARG SRC=two\nCOPY --from=${SRC} /v /v\nRUN --mount=from=$SRC,target=/m cp /m/v /w\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				if r.file(t, "v") != "two\n" || r.file(t, "w") != "two\n" {
					t.Errorf("v=%q w=%q, want two", r.file(t, "v"), r.file(t, "w"))
				}
			}}},
		{name: "stage-arg-from-build-arg", target: "app", buildArgs: map[string]string{"SRC": "one"},
			dockerfile: "FROM busybox AS one\nRUN echo one > /v\nFROM busybox AS two\nRUN echo two > /v\nFROM busybox AS app\nARG SRC=two\nCOPY --from=${SRC} /v /v\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{check: func(t *testing.T, r *result) {
				if r.file(t, "v") != "one\n" {
					t.Errorf("v=%q, want one", r.file(t, "v"))
				}
			}}},
		{name: "stage-arg-from-env-error", target: "app",
			dockerfile: "FROM busybox AS one\nFROM busybox AS app\nENV SRC=one\nCOPY --from=${SRC} / /\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{err: &wantError{contains: []string{`$SRC is set by ENV (line 4) in stage "app"`, "COPY --from=${SRC} (line 5)"}, lines: []int{5}}}},
		{name: "stage-arg-from-base-env-error", target: "app",
			dockerfile: "FROM busybox AS one\nFROM busybox AS app\nARG SRC=$HOME\nCOPY --from=${SRC} / /\n",
			buildx:     true, skipUpstream: notUpstream,
			want: expect{err: &wantError{contains: []string{`ARG SRC (line 4) of stage "app" cannot choose a --from`, "base image's ENV", "COPY --from=${SRC} (line 5)"}, lines: []int{4, 5}}}},
	}
}

func TestSeveralTargets(t *testing.T) { runScenarios(t, targetScenarios()) }

// TestSharedRunOnce: a fresh nonce per mode makes the shared RUN run in
// each build; it writes random bytes, so two executions would give the
// two targets different /rand.
// cachedBaseStep matches a RUN of stage base that the log shows as CACHED
// (harness logs print "#N NAME CACHED"); its FROM may well be cached.
var cachedBaseStep = regexp.MustCompile(`(?m)^#\d+ \[base[^\]]*\] RUN .* CACHED$`)

func TestSharedRunOnce(t *testing.T) {
	e := requireEnv(t)
	forEachMode(t, e, []mode{modeInProcess, modeGateway, modeSyntax}, func(t *testing.T, m mode) {
		s := &scenario{name: "shared-run-once", dockerfile: sharedBaseDockerfile, target: "test,lint", outputs: []string{"local"},
			buildArgs: map[string]string{"NONCE": string(m) + freshNonce(t)}}
		r := s.mustBuild(t, e, m)
		if a, b := r.file(t, "test/rand"), r.file(t, "lint/rand"); a != b || a == "" {
			t.Fatalf("the shared RUN ran more than once: %q vs %q", a, b)
		}
		if cached := cachedBaseStep.FindAllString(r.log, -1); len(cached) != 0 {
			t.Fatalf("the shared stage came from the cache (%q), so this build proves nothing:\n%s", cached, r.log)
		}
	})
}

func tarNames(t *testing.T, path string) []string {
	t.Helper()
	files, err := tarFiles(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(files))
}

// What image exporters make of a result with one ref per target (the
// frontend cannot see the exporter type: BuildOpts carries none): oci
// writes an index with one manifest per target, all for the same platform
// and without the stage name; docker refuses a manifest list.
func TestSeveralTargetsImageOutputs(t *testing.T) {
	e := requireEnv(t)
	forEachMode(t, e, withBuildx([]mode{modeInProcess, modeGateway, modeSyntax}), func(t *testing.T, m mode) {
		s := &scenario{dockerfile: sharedBaseDockerfile, target: "test,lint", outputs: []string{"oci"}, buildArgs: map[string]string{"NONCE": "oci"}}
		r := s.mustBuild(t, e, m)
		platforms := ociIndexPlatforms(t, r.oci)
		if !slices.Equal(platforms, []string{"linux/amd64", "linux/amd64"}) {
			t.Errorf("oci index platforms %v, want one linux/amd64 manifest per target", platforms)
		}
		s.outputs = []string{"docker"}
		_, errText, err := s.build(t, e, m)
		if err == nil || !strings.Contains(errText, "docker exporter does not currently support exporting manifest lists") {
			t.Errorf("docker export: %v %s", err, errText)
		}
	})
}
