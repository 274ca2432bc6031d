package dockerfile2llb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/internal/fakeresolver"

	ours "github.com/myorg/multistage/dockerfile2llb"
)

// BenchmarkConvertIncludes converts 1,000 stages written as one file and
// as a Dockerfile that INCLUDEs 100 files of 10 stages: the included build
// should cost about what the single file does (each file is parsed once,
// each op gets its file's source map by one binary search).
func BenchmarkConvertIncludes(b *testing.B) {
	const files, perFile = 100, 10
	var single, main []string
	var lastOf []string
	included := []string{}
	for f := 0; f < files; f++ {
		body := fileStages(fmt.Sprintf("f%d_", f), perFile)
		single = append(single, body)
		name := fmt.Sprintf("lib/f%d.Dockerfile", f)
		included = append(included, name, fileStages("", perFile))
		main = append(main, fmt.Sprintf("INCLUDE %s AS f%d", name, f))
		lastOf = append(lastOf, fmt.Sprintf("f%d.s%d", f, perFile-1))
	}
	final := "FROM alpine AS final\n"
	for _, l := range lastOf {
		final += "COPY --from=" + l + " /a /" + l + "\n"
	}
	singleDt := strings.Join(single, "") + strings.ReplaceAll(final, ".s", "_s")
	mainDt := strings.Join(main, "\n") + "\n" + final
	for _, c := range []struct {
		name string
		dt   string
		r    *fakefiles.Reader
	}{
		{"one-file-1000-stages", singleDt, nil},
		{"include-100-files-1000-stages", mainDt, fakefiles.New(included...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			opt := ours.ConvertOpt{MetaResolver: fakeresolver.New(), LLBCaps: allCaps()}
			if c.r != nil {
				opt.Includes = c.r.Platformless()
			}
			for b.Loop() {
				if _, err := ours.Convert(context.Background(), []byte(c.dt), opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fileStages is stages prefix+s0 ... prefix+s<n-1>, each running a step
// and copying from the one before.
func fileStages(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "FROM alpine AS %ss%d\nRUN echo %d > /a\n", prefix, i, i)
		if i > 0 {
			fmt.Fprintf(&b, "COPY --from=%ss%d /a /prev\n", prefix, i-1)
		}
	}
	return b.String()
}
