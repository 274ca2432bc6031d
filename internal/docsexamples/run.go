package docsexamples

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// WriteFiles lays the example's files out under dir.
func (e Example) WriteFiles(dir string) error {
	for _, f := range e.Files {
		if err := checkPath(f.Path); err != "" {
			return fmt.Errorf("%s:%d: file %q %s", e.Doc, f.Line, f.Path, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(f.Text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Outcome is what running one command gave.
type Outcome struct {
	Stdout   string
	Combined string // stdout and stderr as they came
	Err      error  // nil when the command exited 0
}

// Run runs c with sh -c in dir, with env as its whole environment.
func Run(ctx context.Context, dir string, env []string, c Command) Outcome {
	cmd := exec.CommandContext(ctx, "sh", "-c", c.Text)
	cmd.Dir, cmd.Env = dir, env
	// A daemon a command leaves behind must not hold the test on its pipes.
	cmd.WaitDelay = 10 * time.Second
	var stdout bytes.Buffer
	var combined lockedBuffer
	cmd.Stdout = io.MultiWriter(&stdout, &combined)
	cmd.Stderr = &combined
	err := cmd.Run()
	return Outcome{stdout.String(), combined.buf.String(), err}
}

// lockedBuffer takes writes from the stdout and stderr copiers at once. A
// bare bytes.Buffer would not do: exec copies stderr into it through its
// ReadFrom, which loses what stdout writes meanwhile.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Problems is every way o differs from what the page shows for c.
func (c Command) Problems(o Outcome) []string {
	var out []string
	switch {
	case c.WantFail && o.Err == nil:
		out = append(out, "succeeded, but the page shows an ERROR: line, so it must fail")
	case !c.WantFail && o.Err != nil:
		out = append(out, fmt.Sprintf("failed (%v), but the page shows no ERROR: line", o.Err))
	}
	for _, want := range c.Expect {
		if !strings.Contains(o.Combined, want) {
			out = append(out, fmt.Sprintf("output lacks %q", want))
		}
	}
	return out
}

// BuildxEnv is base with what makes `docker buildx` in a page's command
// reach builder: BUILDX_BUILDER, plain progress, no CLI hints. When buildx
// is not run as `docker buildx` (a standalone binary), binDir gets a
// `docker` script that runs it, first on PATH.
func BuildxEnv(base []string, binDir string, buildx []string, builder string) ([]string, error) {
	env := append(base[:len(base):len(base)],
		"BUILDX_BUILDER="+builder,
		"BUILDKIT_PROGRESS=plain",
		"DOCKER_CLI_HINTS=false",
	)
	if len(buildx) == 2 && buildx[0] == "docker" && buildx[1] == "buildx" {
		return env, nil
	}
	if len(buildx) == 0 {
		return nil, fmt.Errorf("no buildx command")
	}
	shim := "#!/bin/sh\n# docker buildx ARGS runs the standalone buildx.\n" +
		"[ \"$1\" = buildx ] || { echo \"docs test: only docker buildx is available, not docker $1\" >&2; exit 127; }\n" +
		"shift\nexec " + shellQuote(buildx) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(binDir, "docker"), []byte(shim), 0o755); err != nil {
		return nil, err
	}
	return append(env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH")), nil
}

// shellQuote quotes each word for sh.
func shellQuote(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
