package stages_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

// BenchmarkIncludeTree parses and builds 1,000 stages written as one file
// and as an include tree of 100 files of 10 stages (10 files included by
// the Dockerfile, each including 9): the tree costs about what the single
// file does, since each file is parsed once per inclusion and names
// resolve per file.
func BenchmarkIncludeTree(b *testing.B) {
	single := strings.Join([]string{"FROM alpine AS s0", stageChain("s", 1, 1000)}, "\n") + "\n"
	tree, files := includeTree(10, 9, 10)
	for _, c := range []struct {
		name  string
		main  string
		files map[stages.FileRef]string
	}{
		{"one-file-1000-stages", single, nil},
		{"tree-100-files-1000-stages", tree, files},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := &fakefiles.Reader{Files: c.files}
				d, err := stages.ParseContext(context.Background(), []byte(c.main), stages.ParseOpt{Reader: r})
				if err != nil {
					b.Fatal(err)
				}
				g, err := stages.Build(stages.FromDockerfile(d, "", nil))
				if err != nil {
					b.Fatal(err)
				}
				if len(g.Stages) < 1000 {
					b.Fatalf("%d stages", len(g.Stages))
				}
			}
		})
	}
}

// stageChain is stages prefix<from> ... prefix<to-1>, each copying from the
// one before.
func stageChain(prefix string, from, to int) string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("FROM alpine AS %s%d\nCOPY --from=%s%d /a /a%d", prefix, i, prefix, i-1, i))
	}
	return strings.Join(out, "\n")
}

// includeTree is a Dockerfile including mids files AS m<i>, each including
// leaves files AS l<j>; every file has stages stages, its first copying
// from its includes' last.
func includeTree(mids, leaves, stagesPerFile int) (string, map[stages.FileRef]string) {
	files := map[stages.FileRef]string{}
	file := func(includes []string, from []string) string {
		lines := append([]string(nil), includes...)
		lines = append(lines, "FROM alpine AS s0")
		for _, f := range from {
			lines = append(lines, "COPY --from="+f+" /a /a")
		}
		return strings.Join(append(lines, stageChain("s", 1, stagesPerFile)), "\n") + "\n"
	}
	var mainIncludes, mainFrom []string
	for m := 0; m < mids; m++ {
		var incs, from []string
		for l := 0; l < leaves; l++ {
			leaf := fmt.Sprintf("m%d/l%d.Dockerfile", m, l)
			files[stages.FileRef{Path: leaf}] = file(nil, nil)
			incs = append(incs, fmt.Sprintf("INCLUDE l%d.Dockerfile AS l%d", l, l))
			from = append(from, fmt.Sprintf("l%d.s%d", l, stagesPerFile-1))
		}
		files[stages.FileRef{Path: fmt.Sprintf("m%d/m.Dockerfile", m)}] = file(incs, from)
		mainIncludes = append(mainIncludes, fmt.Sprintf("INCLUDE m%d/m.Dockerfile AS m%d", m, m))
		mainFrom = append(mainFrom, fmt.Sprintf("m%d.s%d", m, stagesPerFile-1))
	}
	return file(mainIncludes, mainFrom), files
}
