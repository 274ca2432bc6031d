package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestParseWarningOnLoadStep builds a Dockerfile with a duplicate stage
// name through the frontend image with buildctl --progress=plain: the
// DuplicateStageName warning must be printed on the "[internal] load build
// definition" step, as BuildKit's builtin frontend (the control) prints it.
func TestParseWarningOnLoadStep(t *testing.T) {
	e := requireEnv(t)
	bin := os.Getenv("MULTISTAGE_BUILDCTL")
	if bin == "" {
		t.Skip("MULTISTAGE_BUILDCTL is not set")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), "FROM busybox AS a\nFROM a AS a\n")
	// The warning is a line of the load step: "#N WARN: ..." with the
	// step's own number.
	want := regexp.MustCompile(`(?m)^#(\d+) \[internal\] load build definition from Dockerfile\n(?:#\d+ .*\n)*?#(\d+) WARN: DuplicateStageName: Duplicate stage name "a", stage names should be unique \(line 2\)$`)
	for _, tc := range []struct {
		name     string
		frontend []string
	}{
		{"ours", []string{"--frontend", "gateway.v0", "--opt", "source=" + e.frontend}},
		{"builtin", []string{"--frontend", "dockerfile.v0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
			defer cancel()
			args := append([]string{"--addr", e.addr, "build", "--progress=plain"}, tc.frontend...)
			args = append(args, "--local", "context="+dir, "--local", "dockerfile="+dir)
			out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("buildctl: %v\n%s", err, out)
			}
			m := want.FindSubmatch(out)
			if m == nil || string(m[1]) != string(m[2]) {
				t.Fatalf("no DuplicateStageName warning on the load build definition step:\n%s", out)
			}
		})
	}
}
