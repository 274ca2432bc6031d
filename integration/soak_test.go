package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/tonistiigi/fsutil"
)

// soakBuilds is how many builds TestSoak runs at once, each with its own
// build arg; soakDeadline bounds the whole run (a bound, not an assertion:
// on two cores the 48 builds take well under a minute).
const (
	soakBuilds   = 48
	soakDeadline = 8 * time.Minute
)

const soakDockerfile = `# syntax=%s
FROM busybox AS gen
ARG N
RUN echo "build $N" > /n

FROM scratch
COPY --from=gen /n /n
`

// TestSoak runs soakBuilds concurrent builds through the frontend image
// (one frontend container each) and checks every result.
func TestSoak(t *testing.T) {
	e := requireEnv(t)
	ctxDir := t.TempDir()
	write(t, filepath.Join(ctxDir, "Dockerfile"), fmt.Sprintf(soakDockerfile, e.frontend))
	fs, err := fsutil.NewFS(ctxDir)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), soakDeadline)
	defer cancel()
	// A per-run nonce keeps the builds from being answered by the cache of
	// an earlier run.
	nonce := freshNonce(t)
	var wg sync.WaitGroup
	errs := make([]error, soakBuilds)
	for i := range soakBuilds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = soakBuild(ctx, t, c, e, fs, fmt.Sprintf("%s-%d", nonce, i))
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			t.Errorf("build %d: %v", i, err)
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d concurrent builds failed", failed, soakBuilds)
	}
}

// soakBuild builds with N=n through the syntax line and checks /n.
func soakBuild(ctx context.Context, t *testing.T, c *client.Client, e *environment, fs fsutil.FS, n string) error {
	out, err := os.MkdirTemp(t.TempDir(), "soak")
	if err != nil {
		return err
	}
	opt := client.SolveOpt{
		LocalMounts:   map[string]fsutil.FS{"context": fs, "dockerfile": fs},
		FrontendAttrs: map[string]string{"filename": "Dockerfile", "build-arg:N": n},
		Exports:       []client.ExportEntry{{Type: client.ExporterLocal, OutputDir: out}},
	}
	log, err := solveInMode(ctx, t, c, e, modeSyntax, opt)
	if err != nil {
		return fmt.Errorf("%w\nbuild log:\n%s", err, tail(log, 30))
	}
	dt, err := os.ReadFile(filepath.Join(out, "n"))
	if err != nil {
		return err
	}
	if want := "build " + n + "\n"; string(dt) != want {
		return fmt.Errorf("/n = %q, want %q", dt, want)
	}
	return nil
}
