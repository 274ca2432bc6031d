package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/myorg/multistage/cmd/frontend/gateway"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/fsutil"
)

// mode is one way of reaching the frontend.
type mode string

const (
	modeInProcess mode = "inprocess" // client.Build with gateway.Build, in this process
	modeGateway   mode = "gateway"   // gateway.v0, source=<frontend image>
	modeSyntax    mode = "syntax"    // dockerfile.v0 + "# syntax=<frontend image>"
	modeBuildx    mode = "buildx"    // docker buildx build + "# syntax=<frontend image>"
	modeUpstream  mode = "upstream"  // dockerfile.v0, BuildKit's own converter (control)
)

// buildTimeout bounds one build; the slowest scenario (a Go build from a cold
// cache) takes well under a minute on two cores.
const buildTimeout = 5 * time.Minute

// baseModes are the modes a build runs in unless it asks for buildx too:
// ours in process, ours as an image (gateway.v0 and "# syntax="), and
// BuildKit's own converter as the control.
var baseModes = []mode{modeInProcess, modeGateway, modeSyntax, modeUpstream}

// scenario is one build: a Dockerfile, its context, the frontend options
// and session attachments the client sends with it, and what the build must
// give (for run; tests that check by hand use mustBuild and mustFail).
//
// The harness writes line 1 of the Dockerfile itself (the "# syntax=" line in
// the syntax and buildx modes, a plain comment otherwise), so the text of
// dockerfile starts at line 2 in every mode and line numbers in expectations
// are the same everywhere.
type scenario struct {
	name       string            // on line 1 of the Dockerfile; the test's name when empty
	dockerfile string            // {{REGISTRY}} and {{FRONTEND}} are expanded
	files      map[string]string // extra context files
	target     string
	buildArgs  map[string]string
	platform   string
	// attrs are further frontend options (context:NAME, attest:sbom, ...);
	// like every option, {{REGISTRY}} and {{FRONTEND}} are expanded.
	attrs  map[string]string
	attach attachments

	// buildx also runs the scenario through docker buildx build (in run).
	buildx bool
	// outputs replaces the usual exports (oci and local) with these
	// exporter types: "local", "tar", "oci", "docker".
	outputs []string
	// ociOnly skips the type=local export, for results too big to export
	// five times (a whole toolchain image); check through result.layerFile.
	ociOnly bool
	push    string // also push the result as this image

	want expect
	// upstream, when set, replaces want for BuildKit's builtin converter
	// (where we deliberately differ); skipUpstream skips that mode.
	upstream     *expect
	skipUpstream string
}

// attachments are what the client attaches to a build's session besides
// the main context; the zero value attaches nothing more.
type attachments struct {
	// contexts are named build contexts (--build-context NAME=DIR) made of
	// these files, by context name.
	contexts map[string]map[string]string
	// locals are further local directories, by the name a frontend option
	// gives them (context:X=local:NAME).
	locals    map[string]string
	providers []session.Attachable // secret stores, SSH agents
	inputs    map[string]llb.State // frontend inputs (context:X=input:NAME)
	ociStores map[string]content.Store
	// buildx is what the providers are on the buildx command line (--secret,
	// --ssh), for builds that also run in the buildx mode.
	buildx []string
}

// expect is either a successful build checked by check, or a failure.
type expect struct {
	check func(t *testing.T, r *result)
	err   *wantError
}

// wantError describes a failed build as the user sees it.
type wantError struct {
	contains []string         // substrings of the error text
	matches  []*regexp.Regexp // patterns the error text must match
	lines    []int            // Dockerfile lines the error must point at
}

// result is a finished build: its exported filesystem and image config.
type result struct {
	mode  mode
	dir   string          // type=local export
	tar   string          // type=tar export (outputs "tar")
	oci   string          // type=oci (or docker) export
	image *ocispecs.Image // config from the type=oci export (single platform)
	// images holds the config of every platform's image, by "os/arch".
	images map[string]*ocispecs.Image
	layers int
	log    string
	// top holds the last layers of the image (compressed), oldest first.
	top [][]byte
}

func (s *scenario) modes() []mode {
	if s.buildx {
		return withBuildx(baseModes)
	}
	return baseModes
}

// withBuildx is modes and the buildx mode, for builds whose attachments
// buildx has flags for.
func withBuildx(modes []mode) []mode {
	return append(slices.Clone(modes), modeBuildx)
}

// forEachMode runs f once per mode, as subtests named after the mode; the
// buildx mode is skipped where e has no builder.
func forEachMode(t *testing.T, e *environment, modes []mode, f func(t *testing.T, m mode)) {
	t.Helper()
	for _, m := range modes {
		t.Run(string(m), func(t *testing.T) {
			if m == modeBuildx && e.builder == "" {
				t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
			}
			f(t, m)
		})
	}
}

// run builds the scenario in every mode as subtests and checks want.
func (s *scenario) run(t *testing.T, e *environment) {
	forEachMode(t, e, s.modes(), func(t *testing.T, m mode) {
		want := s.want
		if m == modeUpstream {
			if s.skipUpstream != "" {
				t.Skip("upstream differs on purpose: " + s.skipUpstream)
			}
			if s.upstream != nil {
				want = *s.upstream
			}
		}
		if want.err != nil {
			s.mustFail(t, e, m, want.err)
			return
		}
		r := s.mustBuild(t, e, m)
		if want.check != nil {
			want.check(t, r)
		}
	})
}

// mustBuild is build for a build that has to succeed; a failing test gets
// the build log.
func (s *scenario) mustBuild(t *testing.T, e *environment, m mode) *result {
	t.Helper()
	start := time.Now()
	r, text, err := s.build(t, e, m)
	if err != nil {
		t.Fatalf("build failed: %s\nbuild log (%s):\n%s", text, m, r.log)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("build log (%s, %s):\n%s", m, time.Since(start).Round(time.Millisecond), r.log)
		}
	})
	return r
}

// mustFail is build for a build that has to fail as w says.
func (s *scenario) mustFail(t *testing.T, e *environment, m mode, w *wantError) {
	t.Helper()
	r, text, err := s.build(t, e, m)
	if err == nil {
		t.Fatalf("build succeeded; want an error\nbuild log:\n%s", r.log)
	}
	if !w.verify(t, m, text, err) {
		t.Logf("build log (%s):\n%s", m, r.log)
		return
	}
	t.Logf("fails as it should: %s", text)
}

// dockerfileFor is the Dockerfile of s as mode m reads it: the mode's line
// 1, then s.dockerfile expanded.
func (s *scenario) dockerfileFor(t *testing.T, e *environment, m mode) string {
	name := s.name
	if name == "" {
		name = t.Name()
	}
	first := "# multistage integration scenario: " + name
	if m == modeSyntax || m == modeBuildx {
		first = "# syntax=" + e.frontend
	}
	return first + "\n" + strings.TrimLeft(e.expand(s.dockerfile), "\n")
}

// writeContext lays out the build context of s for mode m in a temp dir.
func writeContext(t *testing.T, e *environment, s *scenario, m mode) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), s.dockerfileFor(t, e, m))
	for name, content := range s.files {
		write(t, filepath.Join(dir, name), e.expand(content))
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// options are the frontend options of s as buildx would send them,
// expanded, and the local directories besides the main context that the
// session sends (s's named contexts laid out in temp dirs among them).
func (s *scenario) options(t *testing.T, e *environment) (attrs, locals map[string]string) {
	t.Helper()
	attrs = map[string]string{"filename": "Dockerfile"}
	if s.target != "" {
		attrs["target"] = s.target
	}
	if s.platform != "" {
		attrs["platform"] = s.platform
	}
	for k, v := range s.buildArgs {
		attrs["build-arg:"+k] = v
	}
	maps.Copy(attrs, s.attrs)
	for k, v := range attrs {
		attrs[k] = e.expand(v)
	}
	locals = maps.Clone(s.attach.locals)
	if locals == nil {
		locals = map[string]string{}
	}
	for name, files := range s.attach.contexts {
		dir := t.TempDir()
		for f, content := range files {
			write(t, filepath.Join(dir, f), e.expand(content))
		}
		locals["named-"+name] = dir
		attrs["context:"+name] = "local:named-" + name
	}
	return attrs, locals
}

// output is one export: an exporter type and where it writes.
type output struct{ typ, dest string }

// exportsTo is where s exports into r: s.outputs, or else an OCI
// tarball and (unless ociOnly) the local filesystem.
func (s *scenario) exportsTo(r *result) []output {
	types := s.outputs
	if len(types) == 0 {
		types = []string{client.ExporterOCI}
		if !s.ociOnly {
			types = append(types, client.ExporterLocal)
		}
	}
	var out []output
	for _, typ := range types {
		switch typ {
		case client.ExporterLocal:
			out = append(out, output{typ, r.dir})
		case client.ExporterTar:
			out = append(out, output{typ, r.tar})
		default:
			out = append(out, output{typ, r.oci})
		}
	}
	return out
}

func (o output) entry() client.ExportEntry {
	if o.typ == client.ExporterLocal {
		return client.ExportEntry{Type: o.typ, OutputDir: o.dest}
	}
	return client.ExportEntry{Type: o.typ, Output: fileOutput(o.dest)}
}

// build runs s once in mode m. On failure it returns the error text as the
// user would read it (buildx's output in buildx mode) and the error.
func (s *scenario) build(t *testing.T, e *environment, m mode) (*result, string, error) {
	t.Helper()
	ctxDir := writeContext(t, e, s, m)
	attrs, locals := s.options(t, e)
	parent := t.TempDir()
	r := &result{mode: m, dir: filepath.Join(parent, "out"), tar: filepath.Join(parent, "out.tar"), oci: filepath.Join(parent, "image.tar")}
	outs := s.exportsTo(r)

	var err error
	var errText string
	if m == modeBuildx {
		r.log, err = s.solveBuildx(t, e, ctxDir, attrs, locals, outs)
		errText = r.log
	} else {
		r.log, err = s.solve(t, e, m, ctxDir, attrs, locals, outs)
		if err != nil {
			errText = err.Error()
		}
	}
	if err != nil {
		return r, errText, err
	}
	if len(s.outputs) > 0 {
		return r, "", nil
	}
	oci, err := readOCI(r.oci)
	if err != nil {
		t.Fatalf("reading the exported image: %v", err)
	}
	r.image, r.images, r.layers, r.top = oci.image, oci.images, oci.layers, oci.top
	return r, "", nil
}

// solve runs s through a BuildKit client with everything it attaches.
func (s *scenario) solve(t *testing.T, e *environment, m mode, ctxDir string, attrs, locals map[string]string, outs []output) (string, error) {
	t.Helper()
	mount := func(dir string) fsutil.FS {
		fs, err := fsutil.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	ctxFS := mount(ctxDir)
	opt := client.SolveOpt{
		LocalMounts:    map[string]fsutil.FS{"context": ctxFS, "dockerfile": ctxFS},
		FrontendAttrs:  attrs,
		FrontendInputs: s.attach.inputs,
		Session:        s.attach.providers,
		OCIStores:      s.attach.ociStores,
	}
	for _, o := range outs {
		opt.Exports = append(opt.Exports, o.entry())
	}
	if s.push != "" {
		opt.Exports = append(opt.Exports, client.ExportEntry{
			Type:  client.ExporterImage,
			Attrs: map[string]string{"name": e.expand(s.push), "push": "true"},
		})
	}
	for name, dir := range locals {
		opt.LocalMounts[name] = mount(dir)
	}

	c := newClient(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	if e.oneExporter {
		// A daemon before v0.13 uses one exporter per build: build again
		// (from its cache) for each further one.
		for _, ex := range opt.Exports[1:] {
			again := opt
			again.Exports = []client.ExportEntry{ex}
			if log, err := solveInMode(ctx, t, c, e, m, again); err != nil {
				return log, err
			}
		}
		opt.Exports = opt.Exports[:1]
	}
	return solveInMode(ctx, t, c, e, m, opt)
}

// solveInMode runs one solve the way mode m reaches the frontend and
// returns the progress log with the error.
func solveInMode(ctx context.Context, t *testing.T, c *client.Client, e *environment, m mode, opt client.SolveOpt) (string, error) {
	ch := make(chan *client.SolveStatus)
	var logBuf statusLog
	done := make(chan struct{})
	go func() {
		defer close(done)
		for st := range ch {
			logBuf.add(st)
		}
	}()
	var err error
	switch m {
	case modeInProcess:
		_, err = c.Build(ctx, opt, "multistage-integration", recoverBuild, ch)
	case modeGateway:
		opt.Frontend = "gateway.v0"
		opt.FrontendAttrs["source"] = e.frontend
		_, err = c.Solve(ctx, nil, opt, ch)
	case modeSyntax, modeUpstream:
		opt.Frontend = "dockerfile.v0"
		_, err = c.Solve(ctx, nil, opt, ch)
	default:
		close(ch)
		<-done
		t.Fatalf("mode %s does not solve through a BuildKit client", m)
	}
	<-done
	return logBuf.String(), err
}

// recoverBuild is gateway.Build, with a panic turned into a failed build so
// one converter bug does not take the whole test binary down.
func recoverBuild(ctx context.Context, c gwclient.Client) (res *gwclient.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gateway.Build panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return gateway.Build(ctx, c)
}

func fileOutput(path string) func(map[string]string) (io.WriteCloser, error) {
	return func(map[string]string) (io.WriteCloser, error) {
		return os.Create(path)
	}
}

// solveBuildx runs s through docker buildx build: the frontend options
// become --target, --platform, --build-arg and --build-context flags, the
// providers s.attach.buildx.
func (s *scenario) solveBuildx(t *testing.T, e *environment, ctxDir string, attrs, locals map[string]string, outs []output) (string, error) {
	t.Helper()
	a := s.attach
	if len(a.inputs) > 0 || len(a.ociStores) > 0 || len(a.providers) > 0 && len(a.buildx) == 0 || s.push != "" {
		t.Fatal("this build attaches what the buildx mode cannot express")
	}
	args := []string{"build", "--builder", e.builder, "--progress=plain"}
	for _, o := range outs {
		args = append(args, "--output", "type="+o.typ+",dest="+o.dest)
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[k]
		local, isLocal := strings.CutPrefix(v, "local:")
		switch name, isCtx := strings.CutPrefix(k, "context:"); {
		case k == "filename":
			// buildx's default, Dockerfile in the context
		case k == "target", k == "platform":
			args = append(args, "--"+k, v)
		case k == "no-cache" && v == "":
			args = append(args, "--no-cache")
		case k == "no-cache":
			args = append(args, "--no-cache-filter", v)
		case strings.HasPrefix(k, "build-arg:"):
			args = append(args, "--build-arg", strings.TrimPrefix(k, "build-arg:")+"="+v)
		case isCtx && isLocal && locals[local] != "":
			args = append(args, "--build-context", name+"="+locals[local])
		case isCtx && !isLocal:
			args = append(args, "--build-context", name+"="+v) // git, https, docker-image
		default:
			t.Fatalf("no buildx flag for the frontend option %s=%s", k, v)
		}
	}
	args = append(append(args, a.buildx...), ctxDir)
	return runBuildx(t, e, args...)
}

// runBuildx runs buildx (as MULTISTAGE_BUILDX says) and returns its output.
func runBuildx(t *testing.T, e *environment, args ...string) (string, error) {
	t.Helper()
	return runBuildxIn(t, e, "", args...)
}

// runBuildxIn is runBuildx in directory dir.
func runBuildxIn(t *testing.T, e *environment, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	argv := append(append([]string{}, e.buildx...), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BUILDX_NO_DEFAULT_ATTESTATIONS=1",
		"BUILDKIT_PROGRESS=plain",
		"DOCKER_CLI_HINTS=false",
	)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return buf.String(), err
}

// verify checks a failed build against w; false if anything was wrong.
func (w *wantError) verify(t *testing.T, m mode, text string, err error) (ok bool) {
	t.Helper()
	ok = true
	fail := func(format string, args ...any) {
		t.Helper()
		ok = false
		t.Errorf(format, args...)
	}
	for _, s := range w.contains {
		if !strings.Contains(text, s) {
			fail("error does not contain %q:\n%s", s, text)
		}
	}
	for _, re := range w.matches {
		if !re.MatchString(text) {
			fail("error does not match %s:\n%s", re, text)
		}
	}
	if len(w.lines) == 0 {
		return
	}
	if m == modeBuildx {
		// buildx prints "Dockerfile:N" above the snippet of each location.
		for _, l := range w.lines {
			if !strings.Contains(text, fmt.Sprintf("Dockerfile:%d\n", l)) &&
				!regexp.MustCompile(fmt.Sprintf(`Dockerfile:\d+-%d\n|Dockerfile:%d-\d+\n`, l, l)).MatchString(text) {
				fail("buildx output shows no snippet for Dockerfile line %d:\n%s", l, text)
			}
		}
		return
	}
	got := errorLines(err)
	for _, l := range w.lines {
		if !got[l] {
			fail("error points at Dockerfile lines %v, want line %d among them; error: %v", keysOf(got), l, err)
		}
	}
	return ok
}

// errorLines is every Dockerfile line covered by a source location attached
// to err (what buildx turns into snippets).
func errorLines(err error) map[int]bool {
	lines := map[int]bool{}
	for _, src := range errdefs.Sources(err) {
		if src.GetInfo() != nil && filepath.Base(src.GetInfo().GetFilename()) != "Dockerfile" {
			continue
		}
		for _, r := range src.GetRanges() {
			for l := r.GetStart().GetLine(); l <= max(r.GetEnd().GetLine(), r.GetStart().GetLine()); l++ {
				lines[int(l)] = true
			}
		}
	}
	return lines
}

func keysOf(m map[int]bool) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// statusLog renders build progress roughly like --progress=plain, for
// test logs when something fails.
type statusLog struct {
	mu    sync.Mutex
	buf   strings.Builder
	names map[string]int
	// vertexNames and transferred (the most bytes a "transferring" status
	// reported) are by vertex digest; String lists them at the end.
	vertexNames map[string]string
	transferred map[string]int64
}

func (l *statusLog) add(st *client.SolveStatus) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.names == nil {
		l.names = map[string]int{}
	}
	id := func(d string) int {
		n, ok := l.names[d]
		if !ok {
			n = len(l.names) + 1
			l.names[d] = n
		}
		return n
	}
	if l.vertexNames == nil {
		l.vertexNames, l.transferred = map[string]string{}, map[string]int64{}
	}
	for _, v := range st.Vertexes {
		n := id(v.Digest.String())
		l.vertexNames[v.Digest.String()] = v.Name
		switch {
		case v.Error != "":
			fmt.Fprintf(&l.buf, "#%d %s ERROR: %s\n", n, v.Name, v.Error)
		case v.Cached:
			fmt.Fprintf(&l.buf, "#%d %s CACHED\n", n, v.Name)
		case v.Completed != nil:
			fmt.Fprintf(&l.buf, "#%d %s DONE\n", n, v.Name)
		case v.Started != nil:
			fmt.Fprintf(&l.buf, "#%d %s\n", n, v.Name)
		}
	}
	for _, lg := range st.Logs {
		n := id(lg.Vertex.String())
		for _, line := range strings.SplitAfter(string(lg.Data), "\n") {
			if line != "" {
				fmt.Fprintf(&l.buf, "#%d %s", n, line)
				if !strings.HasSuffix(line, "\n") {
					l.buf.WriteString("\n")
				}
			}
		}
	}
	for _, w := range st.Warnings {
		fmt.Fprintf(&l.buf, "WARNING: %s\n", w.Short)
	}
	for _, s := range st.Statuses {
		if d := s.Vertex.String(); s.Name == "transferring" && s.Current > l.transferred[d] {
			l.transferred[d] = s.Current
		}
	}
}

// String is the log, then one "#N NAME: transferred X bytes" line per
// vertex that sent files from the client (transferredBytes reads them).
func (l *statusLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var tail strings.Builder
	digests := make([]string, 0, len(l.transferred))
	for d := range l.transferred {
		digests = append(digests, d)
	}
	sort.Strings(digests)
	for _, d := range digests {
		fmt.Fprintf(&tail, "#%d %s: transferred %d bytes\n", l.names[d], l.vertexNames[d], l.transferred[d])
	}
	return l.buf.String() + tail.String()
}

// transferredBytes is the most any vertex called name transferred, as a
// statusLog's String reports it.
func transferredBytes(log, name string) int64 {
	var most int64
	re := regexp.MustCompile(`(?m)^#\d+ ` + regexp.QuoteMeta(name) + `: transferred (\d+) bytes$`)
	for _, m := range re.FindAllStringSubmatch(log, -1) {
		var n int64
		fmt.Sscan(m[1], &n)
		most = max(most, n)
	}
	return most
}

// files lists the exported regular files and symlinks, slash-separated and
// relative to the export root, sorted.
func (r *result) files(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(r.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(r.dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// file returns the content of an exported file, failing the test if absent.
func (r *result) file(t *testing.T, name string) string {
	t.Helper()
	dt, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("exported filesystem: %v (files: %v)", err, r.files(t))
	}
	return string(dt)
}

func (r *result) exists(name string) bool {
	_, err := os.Lstat(filepath.Join(r.dir, filepath.FromSlash(name)))
	return err == nil
}

func (r *result) config(t *testing.T) ocispecs.ImageConfig {
	t.Helper()
	if r.image == nil {
		t.Fatal("no image config exported")
	}
	return r.image.Config
}

// run executes an exported binary on the host and returns its output.
func (r *result) run(t *testing.T, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(r.dir, filepath.FromSlash(name))).CombinedOutput()
	if err != nil {
		t.Fatalf("running exported %s: %v\n%s", name, err, out)
	}
	return string(out)
}

func (r *result) env(t *testing.T, key string) (string, bool) {
	t.Helper()
	for _, kv := range r.config(t).Env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v, true
		}
	}
	return "", false
}

// freshNonce is a random hex string for cache ids, image tags and secrets
// that no earlier run of the suite on the same daemon can have left behind.
func freshNonce(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
