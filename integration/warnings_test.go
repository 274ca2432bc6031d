package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
)

// TestParseWarningOnLoadStep builds a Dockerfile with a duplicate stage
// name through the frontend image with buildctl, and BuildKit's builtin
// frontend as the control:
//
//   - in the raw progress stream, the DuplicateStageName warning belongs to
//     the "[internal] load build definition" step and comes before any
//     other step starts (before the base images are resolved), which is
//     what lets clients print it on that step;
//   - buildctl --progress=plain prints it there. Its printer shows a
//     warning that arrives after the step completed only if both land in
//     the same refresh, a race upstream's own frontend image loses too
//     (about 1 run in 8 here), so a few attempts are allowed.
func TestParseWarningOnLoadStep(t *testing.T) {
	e := requireEnv(t)
	bin := os.Getenv("MULTISTAGE_BUILDCTL")
	if bin == "" {
		t.Skip("MULTISTAGE_BUILDCTL is not set")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), "FROM busybox AS a\nFROM a AS a\n")
	const warning = `DuplicateStageName: Duplicate stage name "a", stage names should be unique (line 2)`
	plain := regexp.MustCompile(`(?m)^#(\d+) \[internal\] load build definition from Dockerfile\n(?:#\d+ .*\n)*?#(\d+) WARN: ` + regexp.QuoteMeta(warning) + `$`)
	for _, tc := range []struct {
		name     string
		frontend []string
		// first: the warning comes before any other step starts. Ours
		// reports file rules before resolving; upstream's may start a
		// resolution first.
		first bool
	}{
		{"ours", []string{"--frontend", "gateway.v0", "--opt", "source=" + e.frontend}, true},
		{"builtin", []string{"--frontend", "dockerfile.v0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(progress string) []byte {
				ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
				defer cancel()
				args := append([]string{"--addr", e.addr, "build", "--progress=" + progress}, tc.frontend...)
				args = append(args, "--local", "context="+dir, "--local", "dockerfile="+dir)
				cmd := exec.CommandContext(ctx, bin, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				// Progress, in either form, goes to stderr.
				if err := cmd.Run(); err != nil {
					t.Fatalf("buildctl: %v\n%s", err, stderr.String())
				}
				return stderr.Bytes()
			}
			if err := warningOnLoadStep(run("rawjson"), warning, tc.first); err != nil {
				t.Error(err)
			}
			var out []byte
			for range 5 {
				out = run("plain")
				if m := plain.FindSubmatch(out); m != nil && string(m[1]) == string(m[2]) {
					return
				}
			}
			t.Errorf("buildctl --progress=plain never printed the warning on the load build definition step:\n%s", out)
		})
	}
}

// warningOnLoadStep checks a rawjson progress stream: the warning is on
// the load build definition step and, with first, no other step started
// before it.
func warningOnLoadStep(raw []byte, warning string, first bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var load string
	started := map[string]bool{}
	for {
		var st client.SolveStatus
		if err := dec.Decode(&st); errors.Is(err, io.EOF) {
			return errors.New("no warning in the progress stream:\n" + string(raw))
		} else if err != nil {
			return err
		}
		for _, v := range st.Vertexes {
			if strings.HasPrefix(v.Name, "[internal] load build definition") {
				load = v.Digest.String()
			} else if v.Started != nil && load != "" {
				started[v.Name] = true
			}
		}
		for _, w := range st.Warnings {
			if string(w.Short) != warning {
				continue
			}
			if load == "" || w.Vertex.String() != load {
				return errors.New("the warning is not on the load build definition step")
			}
			if first && len(started) > 0 {
				return errors.New("other steps started before the warning came: " + strings.Join(keysOfSet(started), ", "))
			}
			return nil
		}
	}
}

func keysOfSet(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
