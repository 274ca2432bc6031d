package integration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// shipTimeout bounds one bake or build of the frontend's own Dockerfile: the
// unit tests and a cross-compile for a new architecture start from a cold Go
// build cache in a fresh environment (about three minutes each on two cores).
const shipTimeout = 15 * time.Minute

// sourceDateEpoch is the SOURCE_DATE_EPOCH of the self-hosting builds.
const sourceDateEpoch = "1700000000"

// shipper runs docker buildx bake/build on the repository root, as the
// README and the release workflow do, through the harness's remote builder.
type shipper struct {
	e       *environment
	root    string
	version string
	goproxy string
	exs     []string // the examples docker-bake.hcl builds
}

func newShipper(t *testing.T) *shipper {
	t.Helper()
	e, goproxy, root, version := requireBakeEnv(t)
	if e.registry == "" {
		t.Skip("integration: MULTISTAGE_REGISTRY is not set")
	}
	return &shipper{e: e, root: root, version: version, goproxy: goproxy}
}

// run runs buildx with args in the repository root and returns its output;
// the step's duration goes to the test log.
func (s *shipper) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), shipTimeout)
	defer cancel()
	argv := append(append([]string{}, s.e.buildx...), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(),
		"BUILDX_NO_DEFAULT_ATTESTATIONS=1",
		"BUILDKIT_PROGRESS=plain",
		"DOCKER_CLI_HINTS=false",
		// The bake file's variables.
		"GOPROXY="+s.goproxy,
		"VERSION="+s.version,
	)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err := cmd.Run()
	t.Logf("buildx %s ... %s: %.1fs", args[0], args[len(args)-1], time.Since(start).Seconds())
	if err != nil {
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return buf.String(), err
}

// bake runs docker buildx bake with args, failing the test on error. Outputs
// may be written under dirs.
func (s *shipper) bake(t *testing.T, dirs []string, args ...string) string {
	t.Helper()
	all := []string{"bake", "--builder", s.e.builder, "--progress=plain"}
	for _, d := range dirs {
		all = append(all, "--allow=fs.write="+d)
	}
	log, err := s.run(t, append(all, args...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	return log
}

// TestShip builds, checks and uses the frontend the way the repository ships
// it: every docker-bake.hcl target through the buildx remote builder, then
// the frontend's own Dockerfile through the frontend just built.
func TestShip(t *testing.T) {
	// About seven minutes, most of it compiling inside BuildKit: run beside
	// the other parallel tests instead of holding every one of them back.
	// Its images go to tags of their own (myorg/multistage:selfhost), never
	// to the myorg/multistage:1 the other tests build through.
	t.Parallel()
	s := newShipper(t)
	// The lint stage builds staticcheck from hack/lint/go.mod; the loopback
	// module proxy serves the host's module cache, so fill it.
	dl := exec.Command("go", "mod", "download")
	dl.Dir = filepath.Join(s.root, "hack", "lint")
	if out, err := dl.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in hack/lint: %v\n%s", err, out)
	}
	ref := s.e.registry + "/myorg/multistage:selfhost"

	// Each step needs the ones before it: stop at the first failure.
	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"frontend", func(t *testing.T) { s.frontend(t, ref) }},
		{"binaries", s.binaries},
		{"test-lint", s.testLint},
		{"validate", s.validate},
		{"examples", s.examples},
		{"frontend-cross", s.frontendCross},
		{"self-hosting", func(t *testing.T) { s.selfHosting(t, ref) }},
	}
	for _, st := range steps {
		if !t.Run(st.name, st.fn) {
			return
		}
	}
}

// frontend: bake frontend, pushed to the local registry as ref; the image is
// a static binary in scratch with the labels BuildKit needs.
func (s *shipper) frontend(t *testing.T, ref string) {
	log := s.bake(t, nil, "--set", "frontend.tags="+ref, "--push", "frontend")
	if !strings.Contains(log, "[frontend build") && !strings.Contains(log, "[build ") {
		t.Errorf("bake frontend did not run the build stage:\n%s", log)
	}
	img := registryImage(t, s.e, ref)
	for k, want := range map[string]string{
		"moby.buildkit.frontend.network.none": "true",
		"moby.buildkit.frontend.caps":         "moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts",
		"org.opencontainers.image.version":    s.version,
	} {
		if got := img.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
	if !reflect.DeepEqual(img.Config.Entrypoint, []string{"/frontend"}) {
		t.Errorf("entrypoint = %q, want [/frontend]", img.Config.Entrypoint)
	}
	if img.OS != "linux" || img.Architecture != runtime.GOARCH {
		t.Errorf("image platform %s/%s, want linux/%s", img.OS, img.Architecture, runtime.GOARCH)
	}
	mf := registryManifest(t, s.e, ref)
	var size int64
	for _, l := range mf.Layers {
		size += l.Size
	}
	if len(mf.Layers) != 1 {
		t.Errorf("the image has %d layers, want 1 (FROM scratch + the binary)", len(mf.Layers))
	}
	t.Logf("%s: %d layer(s), %d bytes compressed (%.1f MiB)", ref, len(mf.Layers), size, float64(size)/(1<<20))
}

// binaries: bake binaries, exported to a directory; the binary is static and
// reports the version it was built with.
func (s *shipper) binaries(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "bin")
	s.bake(t, []string{parent}, "--set", "binaries.output=type=local,dest="+out, "binaries")
	bin := filepath.Join(out, "frontend")
	wantStatic(t, bin, runtime.GOARCH)
	got, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s -version: %v\n%s", bin, err, got)
	}
	if want := "multistage " + s.version + "\n"; string(got) != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}

// testLint: bake test lint, the unit tests and go vet + staticcheck, in one
// run so they share the module download and the Go build cache.
func (s *shipper) testLint(t *testing.T) {
	log := s.bake(t, nil, "test", "lint")
	for _, want := range []string{"go test ./...", "staticcheck ./..."} {
		if !strings.Contains(log, want) {
			t.Errorf("bake test lint output lacks %q:\n%s", want, log)
		}
	}
}

// validate: bake validate, --check of every example through the frontend
// target. A graph call (which only multistage answers) proves which frontend
// BUILDKIT_SYNTAX=fe reaches.
func (s *shipper) validate(t *testing.T) {
	log := s.bake(t, nil, "validate")
	exs := s.exampleNames(t)
	for _, ex := range exs {
		if !strings.Contains(log, "validate-"+ex) {
			t.Errorf("bake validate did not check %s:\n%s", ex, log)
		}
	}
	if n := strings.Count(log, "Check complete, no warnings found."); n != len(exs) {
		t.Errorf("%d clean checks, want %d:\n%s", n, len(exs), log)
	}
	log = s.bake(t, nil, "--set", "validate-hello.call=graph", "validate-hello")
	if !strings.Contains(log, "digraph stages") {
		t.Errorf("--call=graph through BUILDKIT_SYNTAX=fe gave no stage graph; not our frontend?\n%s", log)
	}
}

// exampleNames lists the examples the bake file builds, and checks that
// they are exactly the directories under examples/.
func (s *shipper) exampleNames(t *testing.T) []string {
	t.Helper()
	if s.exs != nil {
		return s.exs
	}
	argv := append(append([]string{}, s.e.buildx...), "bake", "--print", "examples")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bake --print examples: %v\n%s", err, stderr.String())
	}
	var def struct {
		Group map[string]struct {
			Targets []string `json:"targets"`
		} `json:"group"`
	}
	if err := json.Unmarshal(out, &def); err != nil {
		t.Fatalf("bake --print: %v\n%s", err, out)
	}
	var got []string
	for _, tg := range def.Group["examples"].Targets {
		got = append(got, strings.TrimPrefix(tg, "examples-"))
	}
	sort.Strings(got)
	ents, err := os.ReadDir(filepath.Join(s.root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range ents {
		if e.IsDir() {
			want = append(want, e.Name())
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("docker-bake.hcl EXAMPLES builds %v; examples/ holds %v", got, want)
	}
	s.exs = got
	return got
}

// examples: bake examples through the frontend target, every result exported
// and checked; then the other targets of debug-production, and
// cross-compile for two platforms.
func (s *shipper) examples(t *testing.T) {
	parent := t.TempDir()
	dest := func(ex string) string { return filepath.Join(parent, ex) }
	args := []string{}
	for _, ex := range s.exampleNames(t) {
		args = append(args, "--set", "examples-"+ex+".output=type=local,dest="+dest(ex))
	}
	log := s.bake(t, []string{parent}, append(args, "examples")...)
	if !strings.Contains(log, "[frontend build") && !strings.Contains(log, "[frontend ") {
		t.Errorf("bake examples did not build the frontend target:\n%s", log)
	}

	run := func(bin string) string {
		t.Helper()
		out, err := exec.Command(bin).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, out)
		}
		return string(out)
	}
	if got := run(filepath.Join(dest("hello"), "bin", "hello")); got != "hello, world\n" {
		t.Errorf("hello printed %q", got)
	}
	wantStatic(t, filepath.Join(dest("debug-production"), "greeter"), runtime.GOARCH)
	if got := run(filepath.Join(dest("debug-production"), "greeter")); got != "hello from the unknown image\n" {
		t.Errorf("greeter printed %q", got)
	}
	if _, err := os.Lstat(filepath.Join(dest("debug-production"), "bin")); err == nil {
		t.Errorf("production holds /bin; it must be the binary alone")
	}
	for _, f := range []string{"bin/busybox", "www/index.html", "www/SHA256SUMS"} {
		if _, err := os.Stat(filepath.Join(dest("external-image"), f)); err != nil {
			t.Errorf("external-image: %v", err)
		}
	}
	if got := run(filepath.Join(dest("cross-compile"), "platform")); got != "linux/"+runtime.GOARCH+"\n" {
		t.Errorf("cross-compile printed %q", got)
	}

	// debug-production's other targets: test runs the tests (the build
	// fails if they do), debug has a shell next to the binary.
	dbg := filepath.Join(parent, "debug")
	s.bake(t, []string{parent},
		"--set", "examples-debug-production.target=debug",
		"--set", "examples-debug-production.output=type=local,dest="+dbg,
		"examples-debug-production")
	for _, f := range []string{"usr/local/bin/greeter", "bin/sh"} {
		if _, err := os.Lstat(filepath.Join(dbg, f)); err != nil {
			t.Errorf("debug target: %v", err)
		}
	}
	log = s.bake(t, nil,
		"--set", "examples-debug-production.target=test",
		"--set", "examples-debug-production.no-cache-filter=test",
		"examples-debug-production")
	if !strings.Contains(log, "--- PASS: TestGreeting") {
		t.Errorf("the test target did not run the example's tests:\n%s", log)
	}

	// cross-compile for two platforms at once: a binary for each.
	cross := filepath.Join(parent, "cross")
	s.bake(t, []string{parent},
		"--set", "examples-cross-compile.platform=linux/amd64,linux/arm64",
		"--set", "examples-cross-compile.output=type=local,dest="+cross,
		"examples-cross-compile")
	for _, arch := range []string{"amd64", "arm64"} {
		wantStatic(t, filepath.Join(cross, "linux_"+arch, "platform"), arch)
	}
}

// frontendCross: bake frontend-cross for two of its platforms (all seven
// take a cold compile each); each image holds a static binary for its
// architecture.
func (s *shipper) frontendCross(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	oci := filepath.Join(parent, "image.tar")
	s.bake(t, []string{parent},
		"--set", "frontend-cross.platform=linux/amd64,linux/arm64",
		"--set", "frontend-cross.output=type=local,dest="+out,
		"--set", "frontend-cross.output=type=oci,dest="+oci,
		"frontend-cross")
	for _, arch := range []string{"amd64", "arm64"} {
		wantStatic(t, filepath.Join(out, "linux_"+arch, "frontend"), arch)
	}
	res, err := readOCI(oci)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOfImages(res.images); !reflect.DeepEqual(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("frontend-cross images: %v, want linux/amd64 and linux/arm64", got)
	}
	for p, img := range res.images {
		if img.Config.Labels["moby.buildkit.frontend.caps"] == "" || !reflect.DeepEqual(img.Config.Entrypoint, []string{"/frontend"}) {
			t.Errorf("%s: labels %v, entrypoint %q", p, img.Config.Labels, img.Config.Entrypoint)
		}
	}
}

// selfHosting: the frontend's own Dockerfile built by BuildKit's builtin
// Dockerfile frontend (no syntax line) and by the frontend image just built
// (BUILDKIT_SYNTAX), with SOURCE_DATE_EPOCH fixed, gives byte-identical
// binaries. The build through ours re-runs its compile (no-cache for the
// build stage), so it cannot just reuse the builtin build's result even
// where both frontends produce the same LLB.
func (s *shipper) selfHosting(t *testing.T, ref string) {
	build := func(name string, extra ...string) ([]byte, string) {
		t.Helper()
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		args := []string{"build", "--builder", s.e.builder, "--progress=plain",
			"--target", "binaries",
			"--build-arg", "VERSION=" + s.version,
			"--build-arg", "GOPROXY=" + s.goproxy,
			"--build-arg", "GOSUMDB=off",
			"--build-arg", "SOURCE_DATE_EPOCH=" + sourceDateEpoch,
			"--output", "type=local,dest=" + out,
		}
		args = append(append(args, extra...), ".")
		log, err := s.run(t, args...)
		if err != nil {
			t.Fatalf("%s build: %v\n%s", name, err, log)
		}
		dt, err := os.ReadFile(filepath.Join(out, "frontend"))
		if err != nil {
			t.Fatalf("%s build: %v", name, err)
		}
		return dt, log
	}
	head, err := os.ReadFile(filepath.Join(s.root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(string(head), "# syntax=") {
		t.Fatal("the root Dockerfile has a syntax line; the builtin build would not be builtin")
	}
	builtin, _ := build("builtin")
	ours, log := build("multistage", "--build-arg", "BUILDKIT_SYNTAX="+ref, "--no-cache-filter", "build")
	if !strings.Contains(log, ref) {
		t.Errorf("the build with BUILDKIT_SYNTAX=%s never resolved that image:\n%s", ref, log)
	}
	if m := regexp.MustCompile(`(?m)^(#\d+) \[build 1/1\] RUN`).FindStringSubmatch(log); m == nil {
		t.Errorf("no build step in the log of the build through %s:\n%s", ref, log)
	} else if strings.Contains(log, m[1]+" CACHED\n") {
		t.Errorf("the build step through %s came from the cache; it must re-run:\n%s", ref, log)
	}
	if !bytes.Equal(builtin, ours) {
		t.Fatalf("/frontend differs: builtin %d bytes sha256 %x, through multistage %d bytes sha256 %x",
			len(builtin), sha256.Sum256(builtin), len(ours), sha256.Sum256(ours))
	}
	t.Logf("/frontend identical both ways: %d bytes, sha256 %x", len(ours), sha256.Sum256(ours))
}

// wantStatic checks that path is a statically linked ELF executable for the
// Go architecture arch.
func wantStatic(t *testing.T, path, arch string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	defer f.Close()
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	if want, ok := machines[arch]; ok && f.Machine != want {
		t.Errorf("%s is for %s, want %s", path, f.Machine, want)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked", path)
		}
	}
}

// registryManifest fetches the single-platform manifest of name from the
// local registry.
func registryManifest(t *testing.T, e *environment, name string) *ocispecs.Manifest {
	t.Helper()
	repo, tag, _ := strings.Cut(strings.TrimPrefix(name, e.registry+"/"), ":")
	req, err := http.NewRequest(http.MethodGet, "http://"+e.registry+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Add("Accept", ocispecs.MediaTypeImageManifest)
	req.Header.Add("Accept", "application/vnd.docker.distribution.manifest.v2+json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	dt, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET manifest of %s: %s: %s", name, resp.Status, dt)
	}
	var mf ocispecs.Manifest
	if err := json.Unmarshal(dt, &mf); err != nil {
		t.Fatal(err)
	}
	if len(mf.Layers) == 0 {
		t.Fatalf("%s: not a single-platform image manifest: %s", name, dt)
	}
	return &mf
}
