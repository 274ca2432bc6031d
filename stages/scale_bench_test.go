package stages

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// scaleShape is a family of Dockerfiles of issue 17 whose cost is the
// stages package's own: the --from ARG scopes, the stage-typo check and
// the unknown-target error.
type scaleShape struct {
	name       string
	n          int // the size measured, and ten times it
	dockerfile func(n int) []byte
	target     func(n int) string // nil for the default target
}

var scaleShapes = []scaleShape{
	// n ARGs, then a --from that expands one of them, in one stage.
	{"from-args-same-stage", 1000, func(n int) []byte {
		return lines("FROM busybox", repeat(n, "ARG a%[1]d=b"), "COPY --from=${a0} /a /b")
	}, nil},
	// The n ARGs sit in a stage the target never needs.
	{"from-args-other-stage", 1000, func(n int) []byte {
		return lines("FROM busybox AS argsrc", repeat(n, "ARG a%[1]d=b"), "FROM busybox", "ARG a0=busybox", "COPY --from=${a0} /a /b")
	}, nil},
	// 1,000 ARGs, then n --from lines that expand one of them (10n stays
	// under the 65,536-line limit).
	{"from-copies", 6000, func(n int) []byte {
		return lines("FROM busybox", repeat(1000, "ARG a%[1]d=b"), repeat(n, "COPY --from=${a0} /a /b%[1]d"))
	}, nil},
	// n stages, each on its own image and copying from the one before:
	// n image names for the typo check against n stage names.
	{"typo-chain", 500, func(n int) []byte {
		return lines("FROM img0 AS s0", repeatFrom(1, n, "FROM img%[1]d AS s%[1]d\nCOPY --from=s%[2]d /a /b"))
	}, nil},
	// Four stages whose names are n characters long, the last copying
	// from the other three and from 50 images of 200 characters.
	{"typo-long", 6000, typoLong, nil},
	// n stages, and a target list of n names that are none of them.
	{"unknown-targets", 500, func(n int) []byte {
		return lines(repeat(n, "FROM busybox AS s%[1]d\nRUN true"))
	}, func(n int) string {
		return strings.ReplaceAll(repeat(n, "u%[1]d"), "\n", ",")
	}},
}

// BenchmarkStagesScale runs Parse plus Build on each shape at n and 10n.
// Linear work grows about 10x in ns/op from one to the other.
// STAGES_SCALE_DIVIDE=k divides every size by k, for a quick look.
func BenchmarkStagesScale(b *testing.B) {
	divide := 1
	if v, err := strconv.Atoi(os.Getenv("STAGES_SCALE_DIVIDE")); err == nil && v > 0 {
		divide = v
	}
	for _, shape := range scaleShapes {
		for _, n := range []int{shape.n / divide, 10 * shape.n / divide} {
			dt := shape.dockerfile(n)
			target := ""
			if shape.target != nil {
				target = shape.target(n)
			}
			b.Run(fmt.Sprintf("%s/n=%d", shape.name, n), func(b *testing.B) {
				b.ReportAllocs()
				msg := 0
				for b.Loop() {
					msg = parseAndBuild(b, dt, target, shape.target != nil)
				}
				b.ReportMetric(float64(msg), "errbytes")
			})
		}
	}
}

// parseAndBuild converts dt and returns the length of its error: the
// unknown-target shape must fail, every other shape must not.
func parseAndBuild(b *testing.B, dt []byte, target string, wantErr bool) int {
	d, err := Parse(dt, ParseOpt{Target: target})
	if err == nil {
		_, err = Build(FromDockerfile(d, target, nil))
	}
	if (err != nil) != wantErr {
		b.Fatalf("error %v, want one: %v", err, wantErr)
	}
	if err != nil {
		return len(err.Error())
	}
	return 0
}

func typoLong(n int) []byte {
	var stages []string
	for _, first := range "abcd" {
		stages = append(stages, string(first)+strings.Repeat("x", n-1))
	}
	var b bytes.Buffer
	for _, s := range stages {
		fmt.Fprintf(&b, "FROM busybox AS %s\n", s)
	}
	for _, s := range stages[:3] {
		fmt.Fprintf(&b, "COPY --from=%s /a /b\n", s)
	}
	for i := range 50 {
		fmt.Fprintf(&b, "COPY --from=img%02d%s /a /b%d\n", i, strings.Repeat("y", 195), i)
	}
	return b.Bytes()
}

// lines joins its lines into a Dockerfile.
func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// repeat is format for 0 .. n-1, a line each.
func repeat(n int, format string) string { return repeatFrom(0, n, format) }

// repeatFrom is format for i in from .. n-1, a line each, with i and i-1
// as its arguments.
func repeatFrom(from, n int, format string) string {
	var b strings.Builder
	for i := from; i < n; i++ {
		if i > from {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, format, i, i-1)
	}
	return b.String()
}
