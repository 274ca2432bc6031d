package stages

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzGraph feeds arbitrary bytes through Parse and Build, with the default
// target, every kind of explicit target and named contexts. Nothing may
// panic or hang; a graph that comes out must satisfy checkInvariants; an
// error must only name lines of the input.
//
// Seeds: the table cases, testdata/fuzz/FuzzGraph, and the shared
// real-world corpus when it is checked out next to this repository.
func FuzzGraph(f *testing.F) {
	for _, c := range graphCases {
		// The over-long-line case (70 KB) would make the engine spend
		// minutes minimising every input it grows from.
		if len(c.dockerfile) <= maxSeedSize {
			f.Add([]byte(c.dockerfile))
		}
	}
	corpus := filepath.Join("..", "..", "shared", "corpus", "realworld")
	files, err := filepath.Glob(filepath.Join(corpus, "*", "Dockerfile*"))
	if err == nil && len(files) == 0 {
		abs, _ := filepath.Abs(corpus)
		f.Logf("missing test data: %s (the real-world seeds are left out)", abs)
	}
	if err == nil {
		for _, p := range files {
			if dt, err := os.ReadFile(p); err == nil {
				f.Add(dt)
			}
		}
	}
	f.Fuzz(func(t *testing.T, dt []byte) {
		d, err := Parse(dt, ParseOpt{AutoArgs: fuzzAutoArgs(), BuildArgs: fuzzBuildArgs})
		if err != nil {
			checkErrorLines(t, dt, err)
			return
		}
		for _, in := range fuzzInputs(d) {
			g, err := Build(in)
			if err != nil {
				checkErrorLines(t, dt, err)
				continue
			}
			if err := checkInvariants(g); err != nil {
				t.Fatalf("target %q: %v", in.Target, err)
			}
		}
	})
}

const maxSeedSize = 16 << 10

var fuzzBuildArgs = map[string]string{"BASE": "alpine", "SRC": "build", "N": "0", "EMPTY": ""}

func fuzzAutoArgs() *Args {
	return NewArgs(
		[2]string{"BUILDPLATFORM", "linux/amd64"},
		[2]string{"TARGETPLATFORM", "linux/arm64"},
		[2]string{"TARGETARCH", "arm64"},
	)
}

// fuzzInputs is a bounded set of Build inputs for one parse: the default
// target, the first and the last named stage (the last in upper case), an
// unknown target, and the default target with every name starting with
// "ctx" or "b" being a named context.
func fuzzInputs(d *Dockerfile) []Input {
	targets := []string{"", "no-such-target"}
	var named []string
	for _, st := range d.Stages {
		if st.Name != "" {
			named = append(named, st.Name)
		}
	}
	if len(named) > 0 {
		targets = append(targets, named[0], strings.ToUpper(named[len(named)-1]))
	}
	var ins []Input
	for _, target := range targets {
		ins = append(ins, FromDockerfile(d, target, nil))
	}
	contexts := func(name string) bool { return strings.HasPrefix(name, "ctx") || strings.HasPrefix(name, "b") }
	return append(ins, FromDockerfile(d, "", contexts))
}

// checkErrorLines fails when an error points outside the input.
func checkErrorLines(t *testing.T, dt []byte, err error) {
	t.Helper()
	last := bytes.Count(dt, []byte("\n")) + 1
	for _, l := range errorLines(err) {
		if l < 1 || l > last {
			t.Fatalf("error names line %d of a %d-line input: %v", l, last, err)
		}
	}
}
