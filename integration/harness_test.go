package integration

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
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

// scenario is one Dockerfile, its context and what a build of it must give.
//
// The harness writes line 1 of the Dockerfile itself (the "# syntax=" line in
// the syntax and buildx modes, a plain comment otherwise), so the text of
// dockerfile starts at line 2 in every mode and line numbers in expectations
// are the same everywhere.
type scenario struct {
	name       string
	dockerfile string            // {{REGISTRY}} and {{FRONTEND}} are expanded
	files      map[string]string // extra context files
	// contexts are named build contexts (--build-context NAME=DIR): their
	// files, by context name.
	contexts  map[string]map[string]string
	target    string
	buildArgs map[string]string
	platform  string

	// buildx also runs the scenario through docker buildx build.
	buildx bool
	// outputs replaces the usual exports (oci and local) with these
	// exporter types: "local", "tar", "oci", "docker".
	outputs []string
	// ociOnly skips the type=local export, for results too big to export
	// five times (a whole toolchain image); check through result.layerFile.
	ociOnly bool

	want expect
	// upstream, when set, replaces want for BuildKit's builtin converter
	// (where we deliberately differ); skipUpstream skips that mode.
	upstream     *expect
	skipUpstream string
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
	ms := []mode{modeInProcess, modeGateway, modeSyntax}
	if s.buildx {
		ms = append(ms, modeBuildx)
	}
	return append(ms, modeUpstream)
}

// run builds the scenario in every mode as subtests.
func (s *scenario) run(t *testing.T, e *environment) {
	for _, m := range s.modes() {
		t.Run(string(m), func(t *testing.T) {
			want := s.want
			if m == modeUpstream {
				if s.skipUpstream != "" {
					t.Skip("upstream differs on purpose: " + s.skipUpstream)
				}
				if s.upstream != nil {
					want = *s.upstream
				}
			}
			if m == modeBuildx && e.builder == "" {
				t.Skip("integration: MULTISTAGE_BUILDX_BUILDER is not set")
			}
			r, errText, err := build(t, e, s, m)
			if want.err != nil {
				if err == nil {
					t.Fatalf("build succeeded; want an error\nbuild log:\n%s", r.log)
				}
				if !want.err.verify(t, m, errText, err) {
					t.Logf("build log (%s):\n%s", m, r.log)
				}
				return
			}
			if err != nil {
				t.Fatalf("build failed: %s\nbuild log (%s):\n%s", errText, m, r.log)
			}
			defer func() {
				if t.Failed() {
					t.Logf("build log (%s):\n%s", m, r.log)
				}
			}()
			if want.check != nil {
				want.check(t, r)
			}
		})
	}
}

// writeContext lays out the build context of s for mode m in a temp dir.
func writeContext(t *testing.T, e *environment, s *scenario, m mode) string {
	t.Helper()
	dir := t.TempDir()
	first := "# multistage integration scenario: " + s.name
	if m == modeSyntax || m == modeBuildx {
		first = "# syntax=" + e.frontend
	}
	df := first + "\n" + strings.TrimLeft(e.expand(s.dockerfile), "\n")
	write(t, filepath.Join(dir, "Dockerfile"), df)
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

// frontendAttrs are the options buildx would send for s.
func (s *scenario) frontendAttrs() map[string]string {
	attrs := map[string]string{"filename": "Dockerfile"}
	if s.target != "" {
		attrs["target"] = s.target
	}
	if s.platform != "" {
		attrs["platform"] = s.platform
	}
	for k, v := range s.buildArgs {
		attrs["build-arg:"+k] = v
	}
	return attrs
}

// build runs one build. On failure it returns the error text as the user
// would read it (buildx's output in buildx mode) and the error.
func build(t *testing.T, e *environment, s *scenario, m mode) (*result, string, error) {
	t.Helper()
	ctxDir := writeContext(t, e, s, m)
	named := map[string]string{}
	for name, files := range s.contexts {
		dir := t.TempDir()
		for f, content := range files {
			write(t, filepath.Join(dir, f), e.expand(content))
		}
		named[name] = dir
	}
	outDir := filepath.Join(t.TempDir(), "out")
	ociPath := filepath.Join(t.TempDir(), "image.tar")
	r := &result{mode: m, dir: outDir, tar: filepath.Join(filepath.Dir(outDir), "out.tar"), oci: ociPath}

	var err error
	var errText string
	if m == modeBuildx {
		r.log, err = buildx(t, e, ctxDir, named, s, outDir, ociPath)
		errText = r.log
	} else {
		r.log, err = solve(t, e, ctxDir, named, s, m, outDir, ociPath)
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
	oci, perr := readOCI(ociPath)
	if perr != nil {
		t.Fatalf("reading the exported image: %v", perr)
	}
	r.image, r.images, r.layers, r.top = oci.image, oci.images, oci.layers, oci.top
	return r, "", nil
}

func solve(t *testing.T, e *environment, ctxDir string, named map[string]string, s *scenario, m mode, outDir, ociPath string) (string, error) {
	t.Helper()
	c := newClient(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()

	fs, err := fsutil.NewFS(ctxDir)
	if err != nil {
		t.Fatal(err)
	}
	opt := client.SolveOpt{
		LocalMounts:   map[string]fsutil.FS{"context": fs, "dockerfile": fs},
		FrontendAttrs: s.frontendAttrs(),
		Exports: []client.ExportEntry{
			{Type: client.ExporterOCI, Output: fileOutput(ociPath)},
		},
	}
	if !s.ociOnly {
		opt.Exports = append(opt.Exports, client.ExportEntry{Type: client.ExporterLocal, OutputDir: outDir})
	}
	if len(s.outputs) > 0 {
		opt.Exports = s.exports(outDir, ociPath)
	}
	for name, dir := range named {
		nfs, err := fsutil.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		opt.LocalMounts["named-"+name] = nfs
		opt.FrontendAttrs["context:"+name] = "local:named-" + name
	}
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

// buildx runs docker buildx build; it returns buildx's combined output.
func buildx(t *testing.T, e *environment, ctxDir string, named map[string]string, s *scenario, outDir, ociPath string) (string, error) {
	t.Helper()
	args := []string{"build", "--builder", e.builder, "--progress=plain",
		"--output", "type=oci,dest=" + ociPath,
	}
	if !s.ociOnly {
		args = append(args, "--output", "type=local,dest="+outDir)
	}
	if len(s.outputs) > 0 {
		args = args[:len(args)-2]
		if !s.ociOnly {
			args = args[:len(args)-2]
		}
		for _, ex := range s.exports(outDir, ociPath) {
			dest := ex.OutputDir
			if dest == "" {
				dest = s.outputFile(ex.Type, outDir, ociPath)
			}
			args = append(args, "--output", "type="+ex.Type+",dest="+dest)
		}
	}
	if s.target != "" {
		args = append(args, "--target", s.target)
	}
	if s.platform != "" {
		args = append(args, "--platform", s.platform)
	}
	keys := make([]string, 0, len(s.buildArgs))
	for k := range s.buildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--build-arg", k+"="+s.buildArgs[k])
	}
	names := make([]string, 0, len(named))
	for name := range named {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		args = append(args, "--build-context", name+"="+named[name])
	}
	args = append(args, ctxDir)
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

// ociResult is what readOCI finds in an OCI layout tarball.
type ociResult struct {
	images map[string]*ocispecs.Image // every image config, by "os/arch"
	// For a single-platform result: its config, layer count, and its last
	// topLayers layers (compressed), oldest first.
	image  *ocispecs.Image
	layers int
	top    [][]byte
}

// topLayers is how many of an image's last layers readOCI keeps.
const topLayers = 3

// readOCI reads the image configs of an OCI layout tarball, skipping
// attestation manifests; for a single image also its top layers.
func readOCI(path string) (*ociResult, error) {
	// Index, manifests and configs are small; layers are skipped.
	small, err := tarFiles(path, 4<<20)
	if err != nil {
		return nil, err
	}
	blob := func(d ocispecs.Descriptor) ([]byte, error) {
		dt, ok := small["blobs/"+d.Digest.Algorithm().String()+"/"+d.Digest.Encoded()]
		if !ok {
			return nil, fmt.Errorf("blob %s not in %s", d.Digest, path)
		}
		return dt, nil
	}
	idxData, ok := small["index.json"]
	if !ok {
		return nil, fmt.Errorf("no index.json in %s", path)
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(idxData, &idx); err != nil {
		return nil, err
	}
	var manifests []ocispecs.Descriptor
	var walk func(ds []ocispecs.Descriptor) error
	walk = func(ds []ocispecs.Descriptor) error {
		for _, d := range ds {
			switch d.MediaType {
			case ocispecs.MediaTypeImageIndex, "application/vnd.docker.distribution.manifest.list.v2+json":
				dt, err := blob(d)
				if err != nil {
					return err
				}
				var sub ocispecs.Index
				if err := json.Unmarshal(dt, &sub); err != nil {
					return err
				}
				if err := walk(sub.Manifests); err != nil {
					return err
				}
			default:
				if d.Platform != nil && d.Platform.OS == "unknown" {
					continue // attestation manifest
				}
				if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
					continue
				}
				manifests = append(manifests, d)
			}
		}
		return nil
	}
	if err := walk(idx.Manifests); err != nil {
		return nil, err
	}
	if len(manifests) == 0 {
		return nil, fmt.Errorf("%s holds no image", path)
	}
	res := &ociResult{images: map[string]*ocispecs.Image{}}
	var mf ocispecs.Manifest
	for _, d := range manifests {
		mdt, err := blob(d)
		if err != nil {
			return nil, err
		}
		mf = ocispecs.Manifest{}
		if err := json.Unmarshal(mdt, &mf); err != nil {
			return nil, err
		}
		cdt, err := blob(mf.Config)
		if err != nil {
			return nil, err
		}
		var img ocispecs.Image
		if err := json.Unmarshal(cdt, &img); err != nil {
			return nil, err
		}
		res.images[img.OS+"/"+img.Architecture] = &img
		res.image = &img
	}
	if len(manifests) > 1 {
		res.image = nil
		return res, nil
	}
	res.layers = len(mf.Layers)
	// Second pass: the top layers, whatever their size.
	want := map[string]int{}
	top := make([][]byte, 0, topLayers)
	for i := max(0, len(mf.Layers)-topLayers); i < len(mf.Layers); i++ {
		d := mf.Layers[i]
		want["blobs/"+d.Digest.Algorithm().String()+"/"+d.Digest.Encoded()] = len(top)
		top = append(top, nil)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		i, ok := want[strings.TrimPrefix(h.Name, "./")]
		if !ok {
			continue
		}
		if top[i], err = io.ReadAll(tr); err != nil {
			return nil, err
		}
	}
	res.top = top
	return res, nil
}

// layerFile returns a file from the last layers of the exported image (the
// newest layer holding it wins), for ociOnly scenarios.
func (r *result) layerFile(t *testing.T, name string) ([]byte, bool) {
	t.Helper()
	var found []byte
	ok := false
	for _, layer := range r.top {
		if layer == nil {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(layer))
		if err != nil {
			t.Fatalf("layer: %v", err)
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("layer: %v", err)
			}
			if strings.TrimPrefix(path.Clean("/"+h.Name), "/") != name || h.Typeflag != tar.TypeReg {
				continue
			}
			dt, err := io.ReadAll(tr)
			if err != nil {
				t.Fatalf("layer: %v", err)
			}
			found, ok = dt, true
		}
	}
	return found, ok
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

// exports are the export entries of s.outputs; files go next to outDir.
func (s *scenario) exports(outDir, ociPath string) []client.ExportEntry {
	var out []client.ExportEntry
	for _, typ := range s.outputs {
		if typ == client.ExporterLocal {
			out = append(out, client.ExportEntry{Type: typ, OutputDir: outDir})
			continue
		}
		out = append(out, client.ExportEntry{Type: typ, Output: fileOutput(s.outputFile(typ, outDir, ociPath))})
	}
	return out
}

func (s *scenario) outputFile(typ, outDir, ociPath string) string {
	if typ == client.ExporterTar {
		return filepath.Join(filepath.Dir(outDir), "out.tar")
	}
	return ociPath
}
