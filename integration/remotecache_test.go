package integration

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/moby/buildkit/client"
	"github.com/tonistiigi/fsutil"
)

// cacheStages has a RUN in every stage, and none of the intermediate stages
// is in the final image: only a mode=max cache carries them. Each RUN
// prints "ran STAGE" (a RUN served from cache prints nothing) and writes a
// fresh value, so a file that stayed the same was not rebuilt.
const cacheStages = `FROM busybox AS base
RUN echo "ran base" && echo "base $(date +%s) $RANDOM" > /base

FROM base AS deps
RUN echo "ran deps" && echo "deps $(date +%s) $RANDOM" > /deps

FROM busybox AS tool
RUN echo "ran tool" && echo "tool $(date +%s) $RANDOM" > /tool

FROM scratch
COPY --from=deps /base /deps /
COPY --from=tool /tool /
`

var cacheStageNames = []string{"base", "deps", "tool"}

// TestSharedRemoteCache: node A exports a registry cache with mode=max; a
// fresh node B imports it and every RUN of every stage is CACHED; with
// --no-cache-filter=deps only that stage is rebuilt.
func TestSharedRemoteCache(t *testing.T) {
	e := requireNodes(t)
	ref := e.registry + "/multistage-test/cache:" + freshNonce(t)
	ctxDir := t.TempDir()
	write(t, filepath.Join(ctxDir, "Dockerfile"), "# shared remote cache\n"+cacheStages)

	a := startNode(t, e, nodeOpt{})
	first := cacheBuild(t, e, a, ctxDir, cacheOpts{export: ref})
	if ran := first.ran(); !slices.Equal(ran, cacheStageNames) {
		t.Fatalf("fresh node A ran the RUN of %v, want all of %v\nbuild log:\n%s", ran, cacheStageNames, first.log)
	}

	b := startNode(t, e, nodeOpt{})
	second := cacheBuild(t, e, b, ctxDir, cacheOpts{importRef: ref})
	if ran := second.ran(); len(ran) != 0 {
		t.Errorf("node B ran the RUN of %v; every RUN must come from A's cache\nbuild log:\n%s", ran, second.log)
	}
	if cached := second.cachedRuns(); len(cached) != len(cacheStageNames) {
		t.Errorf("node B shows %d RUN steps CACHED (%v), want %d\nbuild log:\n%s", len(cached), cached, len(cacheStageNames), second.log)
	}
	for _, f := range cacheStageNames {
		if second.files[f] != first.files[f] {
			t.Errorf("/%s on B = %q, on A = %q: it was rebuilt", f, second.files[f], first.files[f])
		}
	}

	// deps is built on base, whose RUN output is in no layer of the final
	// image: only a mode=max cache lets B rerun deps without rerunning base.
	third := cacheBuild(t, e, b, ctxDir, cacheOpts{importRef: ref, noCache: "deps"})
	if ran := third.ran(); !slices.Equal(ran, []string{"deps"}) {
		t.Errorf("with --no-cache-filter=deps, B ran the RUN of %v; want only deps\nbuild log:\n%s", ran, third.log)
	}
	for _, f := range []string{"base", "tool"} {
		if third.files[f] != first.files[f] {
			t.Errorf("/%s changed under --no-cache-filter=deps: %q, was %q", f, third.files[f], first.files[f])
		}
	}
}

type cacheOpts struct {
	export    string // registry ref to export a mode=max cache to
	importRef string // registry ref to import a cache from
	noCache   string // --no-cache-filter
}

type cacheResult struct {
	log   string
	files map[string]string
}

var (
	cachedRun = regexp.MustCompile(`(?m)^#\d+ (\[[^\]]+\] RUN .*) CACHED$`)
	ranStage  = regexp.MustCompile(`(?m)^#\d+ ran (\w+)$`)
)

// ran lists the stages whose RUN printed its marker, sorted.
func (r *cacheResult) ran() []string {
	var out []string
	for _, m := range ranStage.FindAllStringSubmatch(r.log, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// cachedRuns lists the RUN steps shown as CACHED.
func (r *cacheResult) cachedRuns() []string {
	var out []string
	for _, m := range cachedRun.FindAllStringSubmatch(r.log, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// cacheBuild builds ctxDir on node n through the frontend image (gateway
// mode) and reads the exported files.
func cacheBuild(t *testing.T, e *environment, n *node, ctxDir string, o cacheOpts) *cacheResult {
	t.Helper()
	ne := n.env(e)
	c := newClient(t, ne)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	fs, err := fsutil.NewFS(ctxDir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	opt := client.SolveOpt{
		LocalMounts:   map[string]fsutil.FS{"context": fs, "dockerfile": fs},
		FrontendAttrs: map[string]string{"filename": "Dockerfile"},
		Exports:       []client.ExportEntry{{Type: client.ExporterLocal, OutputDir: out}},
	}
	if o.export != "" {
		opt.CacheExports = []client.CacheOptionsEntry{{Type: "registry", Attrs: map[string]string{"ref": o.export, "mode": "max"}}}
	}
	if o.importRef != "" {
		opt.CacheImports = []client.CacheOptionsEntry{{Type: "registry", Attrs: map[string]string{"ref": o.importRef}}}
	}
	if o.noCache != "" {
		opt.FrontendAttrs["no-cache"] = o.noCache
	}
	log, err := solveInMode(ctx, t, c, ne, modeGateway, opt)
	if err != nil {
		t.Fatalf("build on %s failed: %v\nbuild log:\n%s", n.sock, err, log)
	}
	r := &cacheResult{log: log, files: map[string]string{}}
	for _, f := range cacheStageNames {
		dt, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatalf("exported /%s: %v", f, err)
		}
		r.files[f] = string(dt)
	}
	return r
}
