package integration

// INCLUDE through every way of reaching the frontend: stages and snippets
// from the build context, a local and a git named context, dockerfile-x's
// FROM ./f#stage, three files deep with ../, --target of an included stage, an error in an included
// file as buildx prints it, and what the included files' read transfers.

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/solver/errdefs"
)

// includeModes are ours: upstream has no INCLUDE.
var includeModes = []mode{modeInProcess, modeGateway, modeSyntax, modeBuildx}

const includeGo = `ARG GREETING=from-go
FROM busybox AS build
ARG GREETING
RUN echo "$GREETING" > /go.txt
`

const includeSnippet = `RUN echo pasted > /snippet.txt
`

func TestIncludeFromContext(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	s := &scenario{
		dockerfile: `
INCLUDE docker/go.Dockerfile AS go
FROM go.build AS api
INCLUDE docker/snippets/apt.Dockerfile
FROM scratch
COPY --from=api /go.txt /snippet.txt /
COPY --from=./docker/leaf.Dockerfile#leaf /leaf.txt /
`,
		files: map[string]string{
			"docker/go.Dockerfile":           includeGo,
			"docker/snippets/apt.Dockerfile": includeSnippet,
			"docker/leaf.Dockerfile":         "FROM busybox AS leaf\nRUN echo leaf > /leaf.txt\n",
		},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		r := s.mustBuild(t, e, m)
		wantFile(t, r, "go.txt", "from-go\n")
		wantFile(t, r, "snippet.txt", "pasted\n")
		wantFile(t, r, "leaf.txt", "leaf\n")
		if m != modeBuildx && !regexp.MustCompile(`\[go\.build \d+/\d+\] RUN echo`).MatchString(r.log) {
			t.Errorf("progress names no step of go.build as [go.build N/M]:\n%s", r.log)
		}
	})
}

func TestIncludeTarget(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	s := &scenario{
		dockerfile: "INCLUDE docker/go.Dockerfile AS go\nFROM scratch AS main\n",
		files:      map[string]string{"docker/go.Dockerfile": includeGo},
		target:     "go.build",
		buildArgs:  map[string]string{"GREETING": "from-build-arg"},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		wantFile(t, s.mustBuild(t, e, m), "go.txt", "from-build-arg\n")
	})
}

func TestIncludeLocalNamedContext(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	s := &scenario{
		dockerfile: `
INCLUDE --from=lib node.Dockerfile AS node
FROM scratch
COPY --from=node.deps /deps.txt /
`,
		attach: attachments{contexts: map[string]map[string]string{"lib": {
			"node.Dockerfile":       "INCLUDE parts/base.Dockerfile\nFROM base AS deps\nRUN echo deps > /deps.txt\n",
			"parts/base.Dockerfile": "FROM busybox AS base\n",
		}}},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		wantFile(t, s.mustBuild(t, e, m), "deps.txt", "deps\n")
	})
}

func TestIncludeGitNamedContext(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	url := serveGitDaemon(t, map[string]string{
		"docker/tools.Dockerfile":  "INCLUDE ../common/base.Dockerfile AS common\nFROM common.base AS tool\nRUN echo tool > /tool.txt\n",
		"common/base.Dockerfile":   "FROM busybox AS base\n",
		"unrelated/big-binary.bin": "not read\n",
	})
	s := &scenario{
		dockerfile: `
INCLUDE --from=lib docker/tools.Dockerfile AS tools
FROM scratch
COPY --from=tools.tool /tool.txt /
`,
		attrs: map[string]string{"context:lib": url},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		wantFile(t, s.mustBuild(t, e, m), "tool.txt", "tool\n")
	})
}

// TestIncludeArgInPath: a global ARG picks the file an INCLUDE reads, by
// its default or by a build arg.
func TestIncludeArgInPath(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	files := map[string]string{
		"services/api/extra.Dockerfile": "FROM busybox AS tool\nRUN echo api > /svc.txt\n",
		"services/web/extra.Dockerfile": "FROM busybox AS tool\nRUN echo web > /svc.txt\n",
	}
	const dockerfile = "ARG SERVICE=api\nINCLUDE services/${SERVICE}/extra.Dockerfile AS svc\nFROM scratch\nCOPY --from=svc.tool /svc.txt /\n"
	for _, tc := range []struct {
		name string
		args map[string]string
		want string
	}{
		{"default", nil, "api\n"},
		{"build-arg", map[string]string{"SERVICE": "web"}, "web\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scenario{dockerfile: dockerfile, files: files, buildArgs: tc.args}
			forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
				wantFile(t, s.mustBuild(t, e, m), "svc.txt", tc.want)
			})
		})
	}
}

// TestIncludeNestedThreeDeep: each file's ../ is relative to its own
// directory, three files deep and at different depths, so that resolving
// against the includer's directory instead would read the decoy.
func TestIncludeNestedThreeDeep(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	s := &scenario{
		dockerfile: "INCLUDE services/api/x.Dockerfile AS x\nFROM x.top\n",
		files: map[string]string{
			"services/api/x.Dockerfile":           "INCLUDE ../../shared/y.Dockerfile AS y\nFROM y.mid AS top\nRUN echo top > /top.txt\n",
			"shared/y.Dockerfile":                 "INCLUDE ../toolchains/go/z.Dockerfile AS z\nFROM z.deep AS mid\nRUN echo mid > /mid.txt\n",
			"toolchains/go/z.Dockerfile":          "FROM busybox AS deep\nRUN echo deep > /deep.txt\n",
			"services/toolchains/go/z.Dockerfile": "FROM busybox AS deep\nRUN echo decoy > /deep.txt\n",
		},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		r := s.mustBuild(t, e, m)
		wantFile(t, r, "deep.txt", "deep\n")
		wantFile(t, r, "mid.txt", "mid\n")
		wantFile(t, r, "top.txt", "top\n")
		if m != modeBuildx && !strings.Contains(r.log, "[x.y.z.deep 2/2] RUN echo deep > /deep.txt") {
			t.Errorf("progress names no step of the deepest file's stage as [x.y.z.deep 2/2]:\n%s", r.log)
		}
	})
}

// TestIncludeErrorNamesItsFile: the error of a line of an included file
// carries that file, so buildx prints its name, line and snippet: an error
// of the conversion, and a RUN that fails (through the op's source map).
func TestIncludeErrorNamesItsFile(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	for _, tc := range []struct{ name, bad, line string }{
		{"conversion", "FROM busybox AS x\n\nEXPOSE 80/nope\n", "EXPOSE 80/nope"},
		{"run", "FROM busybox AS x\n\nRUN exit 3\n", "RUN exit 3"},
	} {
		s := &scenario{
			dockerfile: "INCLUDE docker/bad.Dockerfile AS bad\nFROM bad.x\n",
			files:      map[string]string{"docker/bad.Dockerfile": tc.bad},
		}
		t.Run(tc.name, func(t *testing.T) {
			forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
				r, text, err := s.build(t, e, m)
				if err == nil {
					t.Fatalf("build succeeded; want an error\n%s", r.log)
				}
				if m == modeBuildx {
					for _, want := range []string{"docker/bad.Dockerfile:3", ">>> " + tc.line} {
						if !strings.Contains(text, want) {
							t.Errorf("buildx output has no %q:\n%s", want, text)
						}
					}
					return
				}
				var got []string
				for _, src := range errdefs.Sources(err) {
					for _, rg := range src.Ranges {
						got = append(got, fmt.Sprintf("%s:%d", src.Info.Filename, rg.Start.Line))
					}
				}
				if !slices.Contains(got, "docker/bad.Dockerfile:3") {
					t.Errorf("error sources %q, want docker/bad.Dockerfile:3; error: %v", got, err)
				}
			})
		})
	}
}

// TestIncludeTransfersOnlyTheIncludedFiles: a 4 MiB file next to the
// included one is not sent to read it.
func TestIncludeTransfersOnlyTheIncludedFiles(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	big := make([]byte, 4<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	const loadName = "[internal] load included files"
	s := &scenario{
		dockerfile: "INCLUDE docker/go.Dockerfile AS go\nFROM go.build\n",
		files:      map[string]string{"docker/go.Dockerfile": includeGo, "docker/big.bin": string(big)},
	}
	forEachMode(t, e, []mode{modeInProcess, modeGateway, modeSyntax}, func(t *testing.T, m mode) {
		r := s.mustBuild(t, e, m)
		got := transferredBytes(r.log, loadName)
		t.Logf("%q transferred %d bytes", loadName, got)
		if got < 1 || got > 64<<10 {
			t.Errorf("%q transferred %d bytes, want 1 to 65536 (the included file, not docker/big.bin)", loadName, got)
		}
	})
}

// serveGitDaemon commits files to a bare repository served by git daemon on
// loopback until the test ends, and returns its git:// URL.
func serveGitDaemon(t *testing.T, files map[string]string) string {
	t.Helper()
	base := t.TempDir()
	work := filepath.Join(base, "work")
	for name, content := range files {
		write(t, filepath.Join(work, name), content)
	}
	gitRun(t, work, "init", "-q", "-b", "main")
	gitRun(t, work, "add", ".")
	gitRun(t, work, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "files")
	gitRun(t, base, "clone", "-q", "--bare", work, filepath.Join(base, "repo.git"))
	port := freePort(t)
	cmd := exec.Command("git", "daemon", "--listen=127.0.0.1", "--port="+port,
		"--base-path="+base, "--export-all", "--reuseaddr", base)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	waitListening(t, port)
	return "git://127.0.0.1:" + port + "/repo.git"
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func waitListening(t *testing.T, port string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("git daemon is not listening on port %s", port)
}

// TestIncludedStageNames: --build-context and --no-cache-filter take an
// included stage's qualified name.
func TestIncludedStageNames(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	const dockerfile = `
INCLUDE docker/go.Dockerfile AS go
FROM busybox AS other
RUN echo other > /other.txt
FROM scratch
COPY --from=go.build /go.txt /
COPY --from=other /other.txt /
`
	files := map[string]string{"docker/go.Dockerfile": includeGo}
	t.Run("build-context", func(t *testing.T) {
		s := &scenario{dockerfile: dockerfile, files: files,
			attach: attachments{contexts: map[string]map[string]string{"go.build": {"go.txt": "replaced\n"}}}}
		forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
			wantFile(t, s.mustBuild(t, e, m), "go.txt", "replaced\n")
		})
	})
	t.Run("no-cache-filter", func(t *testing.T) {
		forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
			warm := &scenario{dockerfile: dockerfile, files: files}
			warm.mustBuild(t, e, m)
			again := &scenario{dockerfile: dockerfile, files: files, attrs: map[string]string{"no-cache": "go.build"}}
			r := again.mustBuild(t, e, m)
			if got, want := cachedRuns(r.log), []string{"[other] RUN echo other > /other.txt"}; !slices.Equal(got, want) {
				t.Errorf("cached RUN steps %q, want %q: go.build runs again, other stays cached", got, want)
			}
		})
	})
}

// TestIncludeWarningNamesItsFile: a warning about a line of an included
// file reaches buildx with that file's source and its own line number.
func TestIncludeWarningNamesItsFile(t *testing.T) {
	e := requireEnv(t)
	if e.builder == "" {
		t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
	}
	t.Parallel()
	s := &scenario{
		dockerfile: "INCLUDE docker/old.Dockerfile AS old\nFROM old.x\n",
		files:      map[string]string{"docker/old.Dockerfile": "FROM busybox AS x\nMAINTAINER someone\n"},
	}
	dir := writeContext(t, e, s, modeBuildx)
	out, err := runBuildx(t, e, "build", "--builder", e.builder, "--progress=rawjson", dir)
	if err != nil {
		t.Fatalf("buildx: %v\n%s", err, out)
	}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		var st client.SolveStatus
		if json.Unmarshal([]byte(line), &st) != nil {
			continue
		}
		for _, w := range st.Warnings {
			if w.SourceInfo != nil && len(w.Range) > 0 {
				got = append(got, fmt.Sprintf("%s:%d %s", w.SourceInfo.Filename, w.Range[0].Start.Line, w.Short))
			}
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "docker/old.Dockerfile:2 MaintainerDeprecated") {
		t.Errorf("warnings with a source %q, want one at docker/old.Dockerfile:2 (MaintainerDeprecated)\n%s", got, out)
	}
}

// TestIncludeImageNamedContext: INCLUDE --from a docker-image:// context,
// an image in the local registry holding Dockerfiles.
func TestIncludeImageNamedContext(t *testing.T) {
	e := requireRegistry(t)
	t.Parallel()
	ref := e.registry + "/multistage/include-dockerfiles:" + freshNonce(t)
	pushImage(t, e, ref, `
FROM scratch
COPY <<EOF /docker/tools.Dockerfile
INCLUDE ../common/base.Dockerfile
FROM base AS tool
RUN echo tool > /tool.txt
EOF
COPY <<EOF /common/base.Dockerfile
FROM busybox AS base
EOF
`)
	s := &scenario{
		dockerfile: `
INCLUDE --from=lib docker/tools.Dockerfile AS tools
FROM scratch
COPY --from=tools.tool /tool.txt /
`,
		attrs: map[string]string{"context:lib": "docker-image://" + ref},
	}
	forEachMode(t, e, includeModes, func(t *testing.T, m mode) {
		wantFile(t, s.mustBuild(t, e, m), "tool.txt", "tool\n")
	})
}
