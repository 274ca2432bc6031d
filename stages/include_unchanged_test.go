package stages_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// TestNoIncludeIsUnchanged: a Dockerfile without INCLUDE and without a
// file reference parses and builds the same with a reader as without one,
// and the reader is never asked for anything. Without a reader, Parse is
// what it was before includes (the differential tests of dockerfile2llb
// hold it to upstream). The inputs are every Dockerfile of the
// differential tests and of the real-world corpus.
func TestNoIncludeIsUnchanged(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		filepath.Join("..", "dockerfile2llb", "testdata", "diff", "*.Dockerfile"),
		filepath.Join("..", "..", "shared", "corpus", "realworld", "*", "Dockerfile*"),
		filepath.Join("testdata", "render", "*.Dockerfile"),
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 100 {
		t.Fatalf("only %d Dockerfiles found", len(files))
	}
	auto := stages.NewArgs([2]string{"BUILDPLATFORM", "linux/amd64"}, [2]string{"TARGETPLATFORM", "linux/amd64"}, [2]string{"TARGETARCH", "amd64"})
	for _, p := range files {
		dt, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, asWritten := range []bool{false, true} {
			opt := stages.ParseOpt{AutoArgs: auto, AsWritten: asWritten}
			want, wantErr := stages.Parse(dt, opt)
			r := &fakefiles.Reader{}
			opt.Reader = r
			got, gotErr := stages.ParseContext(context.Background(), dt, opt)
			if r.CallCount() != 0 {
				t.Errorf("%s: the reader was asked %d times", p, r.CallCount())
			}
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Errorf("%s: errors differ:\n without reader: %v\n with reader:    %v", p, wantErr, gotErr)
				continue
			}
			if wantErr != nil {
				continue
			}
			if !got.Files.Single() {
				t.Errorf("%s: %d units", p, len(got.Files.Units))
			}
			compareParses(t, p, want, got)
			if !asWritten {
				compareGraphs(t, p, want, got)
			}
		}
	}
}

func compareParses(t *testing.T, name string, want, got *stages.Dockerfile) {
	t.Helper()
	for _, c := range []struct {
		what      string
		want, got any
	}{
		{"Stages", comparable(want.Stages), comparable(got.Stages)},
		{"MetaArgs", want.MetaArgs, got.MetaArgs},
		{"GlobalArgs", want.GlobalArgs, got.GlobalArgs},
		{"Declared", want.Declared, got.Declared},
		{"RawMountFrom", want.RawMountFrom, got.RawMountFrom},
		{"MountTargets", want.MountTargets, got.MountTargets},
		{"ExpansionStats", want.ExpansionStats(), got.ExpansionStats()},
		{"main unit", mainUnit(want), mainUnit(got)},
	} {
		if !reflect.DeepEqual(c.want, c.got) {
			t.Errorf("%s: %s differ", name, c.what)
		}
	}
}

// mainUnit is what the main unit says: one source, the AST, its global
// scope and its stages.
func mainUnit(d *stages.Dockerfile) []any {
	u := d.Files.Main()
	return []any{len(d.Files.Units), len(d.Files.Sources), u.Kind, u.Source.Name, u.Source.Data, u.Base, u.Lines, u.Prefix,
		u.AST, u.MetaArgs, u.GlobalArgs, u.Declared, u.First, u.Count, u.At, u.Parent}
}

// comparable is stages with each RUN's FlagsUsed sorted: instructions
// lists them in map order.
func comparable(in []instructions.Stage) []instructions.Stage {
	out := slices.Clone(in)
	for i := range out {
		out[i].Commands = slices.Clone(out[i].Commands)
		for j, cmd := range out[i].Commands {
			if run, ok := cmd.(*instructions.RunCommand); ok {
				c := *run
				c.FlagsUsed = slices.Sorted(slices.Values(run.FlagsUsed))
				out[i].Commands[j] = &c
			}
		}
	}
	return out
}

func compareGraphs(t *testing.T, name string, want, got *stages.Dockerfile) {
	t.Helper()
	gw, errW := stages.Build(stages.FromDockerfile(want, "", nil))
	gg, errG := stages.Build(stages.FromDockerfile(got, "", nil))
	if (errW == nil) != (errG == nil) || errW != nil && errW.Error() != errG.Error() {
		t.Errorf("%s: Build errors differ: %v / %v", name, errW, errG)
		return
	}
	if errW != nil {
		return
	}
	jw, _ := gw.JSON()
	jg, _ := gg.JSON()
	if string(jw) != string(jg) || gw.DOT() != gg.DOT() {
		t.Errorf("%s: graphs differ", name)
	}
}
