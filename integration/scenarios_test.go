package integration

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Line 1 of every Dockerfile is written by the harness (see scenario), so the
// text below starts at line 2; the line numbers in wantError count that way.

const helloMain = `package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
`

// checkHello is what the documentation promises for the Go hello-world:
// /bin/hello runs and prints "hello, world", CMD is ["/bin/hello"] and the
// final image holds nothing but that binary.
func checkHello(t *testing.T, r *result) {
	if got := r.files(t); !reflect.DeepEqual(got, []string{"bin/hello"}) {
		t.Errorf("final image holds %v, want only bin/hello", got)
	}
	if got := r.run(t, "bin/hello"); got != "hello, world\n" {
		t.Errorf("/bin/hello printed %q, want %q", got, "hello, world\n")
	}
	if got := r.config(t).Cmd; !reflect.DeepEqual(got, []string{"/bin/hello"}) {
		t.Errorf("image Cmd = %q, want [/bin/hello]", got)
	}
	if r.layers != 1 {
		t.Errorf("final image has %d layers, want 1 (FROM scratch + one COPY)", r.layers)
	}
}

func wantFile(t *testing.T, r *result, name, content string) {
	t.Helper()
	if got := r.file(t, name); got != content {
		t.Errorf("/%s = %q, want %q", name, got, content)
	}
}

func wantNoFile(t *testing.T, r *result, name string) {
	t.Helper()
	if r.exists(name) {
		t.Errorf("/%s exists; it must not", name)
	}
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// exampleDockerfile is examples/NAME/Dockerfile without its line 1 (the
// "# syntax=" line, which the harness writes for each mode), so a
// scenario's line numbers are the file's.
func exampleDockerfile(name string) string {
	path := filepath.Join("..", "examples", name, "Dockerfile")
	dt, err := os.ReadFile(path)
	if err != nil {
		panic(fmt.Sprintf("integration: the scenarios read %s: %v", path, err))
	}
	_, rest, _ := strings.Cut(string(dt), "\n")
	return rest
}

// replaceAll is s with each old (of old, new pairs) replaced; an old that s
// does not hold panics, so a scenario made from an example cannot quietly
// become the example itself when the example changes.
func replaceAll(s string, oldNew ...string) string {
	for i := 0; i < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			panic(fmt.Sprintf("integration: %q is not in the text a scenario rewrites:\n%s", oldNew[i], s))
		}
		s = strings.ReplaceAll(s, oldNew[i], oldNew[i+1])
	}
	return s
}

var scenarios = []scenario{
	{
		// https://docs.docker.com/build/building/multi-stage/, the first
		// example: examples/hello with its stage referred to by number.
		name:       "docs-hello",
		dockerfile: replaceAll(exampleDockerfile("hello"), " AS build\n", "\n", "--from=build ", "--from=0 "),
		buildx:     true,
		want:       expect{check: checkHello},
	},
	{
		// The same page's named stages: examples/hello as it is.
		name:       "docs-named-stages",
		dockerfile: exampleDockerfile("hello"),
		want:       expect{check: checkHello},
	},
	{
		// --target build stops at the build stage: its filesystem (the
		// toolchain, the source, the binary) is the result.
		name: "docs-target-build",
		dockerfile: `
FROM golang:1.26 AS build
WORKDIR /src
COPY main.go .
RUN go build -o /bin/hello ./main.go

FROM scratch
COPY --from=build /bin/hello /bin/hello
CMD ["/bin/hello"]
`,
		files:   map[string]string{"main.go": helloMain},
		target:  "build",
		buildx:  true,
		ociOnly: true, // the build stage holds a whole Go toolchain
		want: expect{check: func(t *testing.T, r *result) {
			src, ok := r.layerFile(t, "src/main.go")
			if !ok || string(src) != helloMain {
				t.Errorf("/src/main.go missing from the build stage's layers (found %v)", ok)
			}
			bin, ok := r.layerFile(t, "bin/hello")
			if !ok {
				t.Fatalf("/bin/hello missing from the build stage's top layer")
			}
			hello := filepath.Join(t.TempDir(), "hello")
			if err := os.WriteFile(hello, bin, 0o755); err != nil {
				t.Fatal(err)
			}
			r.dir = filepath.Dir(hello)
			if got := r.run(t, "hello"); got != "hello, world\n" {
				t.Errorf("/bin/hello printed %q", got)
			}
			if r.layers < 4 {
				t.Errorf("image has %d layers; the golang base alone has more: not the build stage?", r.layers)
			}
			if v, _ := r.env(t, "GOPATH"); v == "" {
				t.Errorf("no GOPATH in the image config: not the golang-based build stage?")
			}
			if got := r.config(t).WorkingDir; got != "/src" {
				t.Errorf("WorkingDir = %q, want /src", got)
			}
			if got := r.config(t).Cmd; reflect.DeepEqual(got, []string{"/bin/hello"}) {
				t.Errorf("Cmd is the final stage's; --target build must stop before it")
			}
		}},
	},
	debugProduction("debug", "debug\n"),
	debugProduction("production", "production\n"),
	debugProduction("", "production\n"), // default: the last stage
	testingProduction("testing"),
	testingProduction("production"),
	{
		// COPY --from an image that is not a stage.
		name: "copy-from-external-image",
		dockerfile: `
FROM busybox AS unrelated
RUN echo unrelated > /unrelated

FROM scratch
COPY --from=busybox /bin/busybox /busybox
`,
		buildx: true,
		want: expect{check: func(t *testing.T, r *result) {
			if got := r.files(t); !reflect.DeepEqual(got, []string{"busybox"}) {
				t.Errorf("files = %v, want [busybox]", got)
			}
			if out := r.run(t, "busybox"); !strings.Contains(out, "BusyBox") {
				t.Errorf("exported busybox printed %q", out)
			}
		}},
	},
	{
		// FROM <earlier stage> AS next inherits filesystem, config and ARGs.
		name: "from-earlier-stage",
		dockerfile: `
FROM busybox AS first
ARG GREETING=hi
ENV FIRST=1
RUN echo one > /one

FROM first AS second
RUN echo "$GREETING two" > /two
WORKDIR /work

FROM second AS third
RUN echo three > three
`,
		buildArgs: map[string]string{"GREETING": "hello"},
		buildx:    true,
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "one", "one\n")
			wantFile(t, r, "two", "hello two\n")
			wantFile(t, r, "work/three", "three\n")
			if v, _ := r.env(t, "FIRST"); v != "1" {
				t.Errorf("ENV FIRST = %q, want 1 (inherited from stage first)", v)
			}
			if got := r.config(t).WorkingDir; got != "/work" {
				t.Errorf("WorkingDir = %q, want /work", got)
			}
		}},
	},
	{
		// Stages the target does not need are never run or resolved.
		name: "unused-stages-pruned",
		dockerfile: `
FROM busybox AS broken
RUN false

FROM {{REGISTRY}}/multistage/never-pushed:never AS ghost
RUN echo never

FROM broken AS also-broken
RUN echo never > /never

FROM busybox AS base
RUN echo base > /base

FROM scratch AS final
COPY --from=base /base /ok
`,
		buildx: true,
		want: expect{check: func(t *testing.T, r *result) {
			if got := r.files(t); !reflect.DeepEqual(got, []string{"ok"}) {
				t.Errorf("files = %v, want [ok]", got)
			}
			wantFile(t, r, "ok", "base\n")
		}},
	},
	{
		// Prove the previous scenario's ghost stage would fail if it ran.
		name: "pruned-stage-control",
		dockerfile: `
FROM {{REGISTRY}}/multistage/never-pushed:never AS ghost
RUN echo never
`,
		want: expect{err: &wantError{
			matches: []*regexp.Regexp{re(`multistage/never-pushed:never`), re(`(?i)not found`)},
		}},
	},
	{
		// The cross-compile pattern: the build stage runs on the build
		// platform, the result is for the target platform. No emulation
		// is needed, so linux/arm64 works on an amd64 machine.
		name: "cross-platform",
		dockerfile: `
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/hello ./main.go

FROM scratch
COPY --from=build /out/hello /hello
ENTRYPOINT ["/hello"]
`,
		files:    map[string]string{"main.go": helloMain},
		platform: "linux/arm64",
		buildx:   true,
		want: expect{check: func(t *testing.T, r *result) {
			f, err := elf.Open(filepath.Join(r.dir, "hello"))
			if err != nil {
				t.Fatalf("exported /hello: %v", err)
			}
			defer f.Close()
			if f.Machine != elf.EM_AARCH64 {
				t.Errorf("/hello is built for %v, want EM_AARCH64", f.Machine)
			}
			if r.image == nil || r.image.Architecture != "arm64" || r.image.OS != "linux" {
				t.Errorf("image platform = %+v, want linux/arm64", r.image.Platform)
			}
			if got := r.config(t).Entrypoint; !reflect.DeepEqual(got, []string{"/hello"}) {
				t.Errorf("Entrypoint = %q", got)
			}
		}},
	},

	{
		// --target is case-insensitive, as upstream.
		name: "target-case-insensitive",
		dockerfile: `
FROM busybox AS base
RUN echo base > /base.txt
FROM base AS debug
RUN echo debug > /mode.txt
FROM base AS production
RUN echo production > /mode.txt
`,
		target: "DEBUG",
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "mode.txt", "debug\n")
		}},
	},
	{
		// RUN --mount=from=<stage> reads another stage without copying it.
		name: "run-mount-from-stage",
		dockerfile: `
FROM busybox AS data
RUN echo data > /data.txt

FROM busybox AS unused
RUN false

FROM busybox
RUN --mount=from=data,target=/mnt cat /mnt/data.txt > /copied
`,
		buildx: true,
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "copied", "data\n")
			wantNoFile(t, r, "data.txt")
		}},
	},
	{
		// --build-context NAME=DIR replaces the stage called NAME: its RUN
		// never happens, its base image is never needed.
		name: "named-context-replaces-stage",
		dockerfile: `
FROM {{REGISTRY}}/multistage/never-pushed:never AS config
RUN echo default > /config.txt

FROM scratch
COPY --from=config /config.txt /config.txt
`,
		attach: attachments{contexts: map[string]map[string]string{"config": {"config.txt": "from the named context\n"}}},
		buildx: true,
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "config.txt", "from the named context\n")
		}},
	},
	{
		// Two platforms at once: one image per platform, each with its own
		// cross-compiled binary (no emulation needed).
		name: "multi-platform",
		dockerfile: `
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/hello ./main.go

FROM scratch
ARG TARGETPLATFORM
COPY --from=build /out/hello /hello
LABEL built.for=$TARGETPLATFORM
`,
		files:    map[string]string{"main.go": helloMain},
		platform: "linux/amd64,linux/arm64",
		buildx:   true,
		want: expect{check: func(t *testing.T, r *result) {
			for plat, machine := range map[string]elf.Machine{"linux/amd64": elf.EM_X86_64, "linux/arm64": elf.EM_AARCH64} {
				f, err := elf.Open(filepath.Join(r.dir, strings.ReplaceAll(plat, "/", "_"), "hello"))
				if err != nil {
					t.Errorf("%s: %v (files: %v)", plat, err, r.files(t))
					continue
				}
				if f.Machine != machine {
					t.Errorf("%s: /hello is built for %v, want %v", plat, f.Machine, machine)
				}
				f.Close()
				img := r.images[plat]
				if img == nil {
					t.Errorf("no %s image in the result (have %v)", plat, keysOfImages(r.images))
					continue
				}
				if got := img.Config.Labels["built.for"]; got != plat {
					t.Errorf("%s: label built.for = %q", plat, got)
				}
			}
		}},
	},

	// Errors, as the user reads them.
	{
		name: "error-unknown-target",
		dockerfile: `
FROM busybox AS build
RUN echo build
FROM scratch AS production
COPY --from=build /bin/busybox /busybox
`,
		target: "bulid",
		buildx: true,
		want: expect{err: &wantError{
			contains: []string{`target stage "bulid" could not be found (did you mean build?)`},
		}},
		upstream: &expect{err: &wantError{
			contains: []string{`target stage "bulid" could not be found (did you mean build?)`},
		}},
	},
	{
		// A COPY --from naming a stage defined later is an error, in
		// upstream's words first (it says the same where the target needs
		// the stage); ours then names both lines.
		name: "error-forward-reference",
		dockerfile: `
FROM busybox AS first
COPY --from=second /two /two
FROM busybox AS second
RUN echo two > /two
`,
		buildx: true,
		want: expect{err: &wantError{
			contains: []string{`cannot copy from stage "second", it needs to be defined before current stage "first"; COPY --from=second (line 3)`,
				`refers to stage "second", which is defined later (line 4)`},
			lines: []int{3, 4},
		}},
		skipUpstream: "upstream checks only the stages the target needs, and the target (second) does not need first",
	},
	{
		// Beyond upstream: FROM naming a later stage is an error too.
		name: "error-from-later-stage",
		dockerfile: `
FROM second AS first
RUN echo one
FROM busybox AS second
`,
		want: expect{err: &wantError{
			contains: []string{`FROM second (line 2)`, `which is defined later (line 4)`},
			lines:    []int{2, 4},
		}},
		skipUpstream: "upstream treats a later stage name in FROM as an image to pull",
	},
	{
		// A cycle: every line involved is named.
		name: "error-cycle",
		dockerfile: `
FROM busybox AS a
COPY --from=b /b /b
FROM busybox AS b
COPY --from=a /a /a
FROM scratch
COPY --from=b /b /b
`,
		buildx: true,
		want: expect{err: &wantError{
			contains: []string{"stages form a cycle", "COPY --from=b (line 3)", "COPY --from=a (line 5)"},
			lines:    []int{3, 5},
		}},
		skipUpstream: "upstream treats the forward name in --from as an image to pull",
	},
	{
		// A stage copying from itself.
		name: "error-self-reference",
		dockerfile: `
FROM busybox AS a
RUN echo a > /a
COPY --from=a /a /b
`,
		want: expect{err: &wantError{
			contains: []string{`COPY --from=a (line 4) refers to its own stage "a"`},
			lines:    []int{4},
		}},
		upstream: &expect{err: &wantError{
			matches: []*regexp.Regexp{re(`(?i)circular dependency`)},
		}},
	},
	{
		// Beyond upstream: a near-miss of a stage name fails before any
		// registry is asked.
		name: "error-stage-typo",
		dockerfile: `
FROM busybox AS build
RUN echo hi > /hi
FROM scratch
COPY --from=biuld /hi /hi
`,
		buildx: true,
		want: expect{err: &wantError{
			contains: []string{`COPY --from=biuld (line 5)`, `did you mean stage "build"`},
			lines:    []int{5},
		}},
		skipUpstream: "upstream looks for an image called biuld on Docker Hub",
	},
	{
		// Beyond upstream: COPY --from=${VAR} expanded with build args.
		name: "copy-from-variable",
		dockerfile: `
ARG SRC=first
FROM busybox AS first
RUN echo first > /which
FROM busybox AS second
RUN echo second > /which
FROM scratch
ARG SRC
COPY --from=${SRC} /which /which
`,
		buildArgs: map[string]string{"SRC": "second"},
		buildx:    true,
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "which", "second\n")
		}},
		skipUpstream: "upstream does not expand variables in --from",
	},
}

// debugProduction: the documentation's debug/production pair, chosen by
// --target.
func debugProduction(target, want string) scenario {
	name := "debug-production-" + target
	if target == "" {
		name = "debug-production-default"
	}
	return scenario{
		name: name,
		dockerfile: `
FROM busybox AS base
RUN echo base > /base.txt

FROM base AS debug
RUN echo debug > /mode.txt
ENV MODE=debug

FROM base AS production
RUN echo production > /mode.txt
ENV MODE=production
`,
		target: target,
		buildx: target == "debug",
		want: expect{check: func(t *testing.T, r *result) {
			wantFile(t, r, "mode.txt", want)
			wantFile(t, r, "base.txt", "base\n")
			if v, _ := r.env(t, "MODE"); v+"\n" != want {
				t.Errorf("ENV MODE = %q, want %q", v, strings.TrimSpace(want))
			}
		}},
	}
}

// testingProduction: a testing stage that runs checks on the build output and
// a production stage that does not depend on it.
func testingProduction(target string) scenario {
	return scenario{
		name: "testing-production-" + target,
		dockerfile: `
FROM busybox AS builder
RUN echo artifact > /artifact

FROM builder AS testing
RUN test "$(cat /artifact)" = artifact && echo passed > /tested

FROM busybox AS production
COPY --from=builder /artifact /app/artifact
CMD ["cat", "/app/artifact"]
`,
		target: target,
		want: expect{check: func(t *testing.T, r *result) {
			if target == "testing" {
				wantFile(t, r, "tested", "passed\n")
				wantFile(t, r, "artifact", "artifact\n")
				return
			}
			wantFile(t, r, "app/artifact", "artifact\n")
			wantNoFile(t, r, "tested")
			if got := r.config(t).Cmd; !reflect.DeepEqual(got, []string{"cat", "/app/artifact"}) {
				t.Errorf("Cmd = %q", got)
			}
		}},
	}
}

func TestScenarios(t *testing.T) { runScenarios(t, scenarios) }

// runScenarios builds each scenario in every mode, in parallel.
func runScenarios(t *testing.T, list []scenario) {
	e := requireEnv(t)
	for i := range list {
		s := &list[i]
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(t, e)
		})
	}
}

func keysOfImages(m map[string]*ocispecs.Image) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
