package stages_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// FuzzInclude feeds trees of small files through ParseContext and Build:
// the input is the main Dockerfile, then f1.Dockerfile, f2.Dockerfile...
// separated by "\n===\n". Nothing may panic, the reader is asked at most
// once per level, and every error location lies within its own file.
func FuzzInclude(f *testing.F) {
	for _, seed := range []string{
		"INCLUDE f1.Dockerfile AS a\nFROM a.x\n===\nFROM alpine AS x\n",
		"INCLUDE f1.Dockerfile\nINCLUDE f2.Dockerfile AS b\nFROM x\nINCLUDE f3.Dockerfile\n===\nFROM alpine AS x\n===\nINCLUDE f1.Dockerfile AS c\nFROM c.x AS y\n===\nRUN true\n",
		"FROM ./f1.Dockerfile#x\nCOPY --from=./f2.Dockerfile / /\n===\nFROM ./f2.Dockerfile AS x\n===\nFROM alpine\n",
		"ARG F=f1\nINCLUDE ${F}.Dockerfile AS a\nFROM a.x\n===\nINCLUDE f1.Dockerfile\nFROM alpine AS x\n",
		"FROM alpine\nINCLUDE f1.Dockerfile\n===\nINCLUDE f2.Dockerfile\n===\nCOPY --from=0 / /\nINCLUDE f1.Dockerfile\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		parts := bytes.Split(in, []byte("\n===\n"))
		r := &fakefiles.Reader{Files: map[stages.FileRef]string{}}
		for i, p := range parts[1:] {
			r.Files[stages.FileRef{Path: fmt.Sprintf("f%d.Dockerfile", i+1)}] = string(p)
		}
		lim := &stages.Limits{Units: 40, Files: 10, Depth: 6}
		d, err := stages.ParseContext(context.Background(), parts[0], stages.ParseOpt{Reader: r, Limits: lim})
		if r.CallCount() > lim.Depth {
			t.Fatalf("%d reads for %d levels", r.CallCount(), lim.Depth)
		}
		if err != nil {
			checkFileLines(t, err)
			return
		}
		if _, err := stages.Build(stages.FromDockerfile(d, "", nil)); err != nil {
			checkFileLines(t, err)
		}
	})
}

// checkFileLines fails when an error names a line outside its file.
func checkFileLines(t *testing.T, err error) {
	t.Helper()
	files := stages.FilesOf(err)
	if files == nil {
		return
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		le, ok := e.(*parser.LocationError)
		if !ok {
			continue
		}
		for _, group := range le.Locations {
			if len(group) == 0 {
				continue
			}
			u, local := files.Locate(group[0].Start.Line)
			if local < 0 || local > u.Lines+1 {
				t.Fatalf("line %d of %s (%d lines): %v", local, u.Source.Name, u.Lines, err)
			}
		}
	}
}
