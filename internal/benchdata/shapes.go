package benchdata

import (
	"bytes"
	"fmt"
	"strings"
)

// Shape is one family of Dockerfiles for the scaling table of issue 17
// (bench/scale.sh): a generator grown by n, the two sizes the table
// measures, and the conversion options the shape needs. A converter whose
// work is linear in the file grows about 10x from N to TenN.
type Shape struct {
	Name string
	// N and TenN are the sizes the table measures. What n counts is the
	// shape's own: lines, stages, nesting levels, characters.
	N, TenN    int
	Dockerfile func(n int) []byte
	// Target is the target option for size n; nil means the default.
	Target func(n int) string
	// Lint asks the conversion to report lint warnings.
	Lint bool
}

// Shapes lists every shape of the scaling table, in table order.
func Shapes() []Shape {
	return []Shape{
		{Name: "from-args-same-stage", N: 1000, TenN: 10000, Dockerfile: fromArgsSameStage},
		{Name: "from-args-other-stage", N: 1000, TenN: 10000, Dockerfile: fromArgsOtherStage},
		{Name: "from-copies", N: 10000, TenN: 100000, Dockerfile: fromCopies},
		{Name: "arg-bomb-from", N: 4, TenN: 40, Dockerfile: argBombFrom},
		{Name: "arg-bomb-global", N: 4, TenN: 40, Dockerfile: argBombGlobal},
		{Name: "typo-chain", N: 500, TenN: 5000, Dockerfile: typoChain},
		{Name: "typo-long", N: 6000, TenN: 60000, Dockerfile: typoLong},
		{Name: "unknown-targets", N: 500, TenN: 5000, Dockerfile: unknownTargets, Target: unknownTargetList},
		{Name: "args-times-runs", N: 1000, TenN: 10000, Dockerfile: argsTimesRuns},
		{Name: "lint-chain", N: 500, TenN: 5000, Dockerfile: lintChain, Lint: true},
		{Name: "lint-undefined", N: 1000, TenN: 10000, Dockerfile: lintUndefined, Lint: true},
		{Name: "nesting", N: 60000, TenN: 600000, Dockerfile: nesting},
		{Name: "env-lines", N: 10000, TenN: 100000, Dockerfile: lines("ENV k%[1]d=v%[1]d\n")},
		{Name: "env-keys", N: 10000, TenN: 100000, Dockerfile: envKeys},
		// Each line adds ten characters to P, which ends 10n long.
		{Name: "env-grow", N: 10000, TenN: 100000, Dockerfile: lines("ENV P=${P}xxxxxxxxxx\n")},
		// Each line goes one directory deeper.
		{Name: "workdir", N: 10000, TenN: 100000, Dockerfile: lines("WORKDIR a\n")},
		// Each line exposes every port of three protocols.
		{Name: "expose", N: 100, TenN: 1000, Dockerfile: lines("EXPOSE 0-65535/tcp 0-65535/udp 0-65535/sctp\n")},
		// n is the file's size in bytes, near enough: 6.6 KB and 66 KB.
		{Name: "regex", N: 6600, TenN: 66000, Dockerfile: regexSubst},
		// 300,000 lines are 4.8 MB, 3,000,000 are 51 MB.
		{Name: "run-lines", N: 300000, TenN: 3000000, Dockerfile: lines("RUN echo %[1]d\n")},
	}
}

// ShapeNamed finds a shape of Shapes by name.
func ShapeNamed(name string) (Shape, bool) {
	for _, s := range Shapes() {
		if s.Name == name {
			return s, true
		}
	}
	return Shape{}, false
}

// repeat writes format n times, with the index as its every argument
// (format uses %[1]d for each, or none).
func repeat(b *bytes.Buffer, n int, format string) {
	if !strings.Contains(format, "%") {
		b.WriteString(strings.Repeat(format, n))
		return
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, format, i)
	}
}

// lines is the shape FROM busybox and n lines of format (as repeat).
func lines(format string) func(n int) []byte {
	return func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("FROM busybox\n")
		repeat(&b, n, format)
		return b.Bytes()
	}
}

// argsThenCopies is a final stage of args ARGs, then copies --from lines
// that expand the first of them.
func argsThenCopies(args, copies int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox\n")
	repeat(&b, args, "ARG a%[1]d=b\n")
	repeat(&b, copies, "COPY --from=${a0} /a /b%[1]d\n")
	return b.Bytes()
}

// fromArgsSameStage: n ARGs, then one --from that expands one of them.
func fromArgsSameStage(n int) []byte { return argsThenCopies(n, 1) }

// fromCopies: 1,000 ARGs, then n --from lines that expand one of them.
func fromCopies(n int) []byte { return argsThenCopies(1000, n) }

// fromArgsOtherStage: the n ARGs sit in a stage the target never needs.
func fromArgsOtherStage(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox AS argsrc\n")
	repeat(&b, n, "ARG a%[1]d=b\n")
	b.WriteString("FROM busybox\nARG a0=busybox\nCOPY --from=${a0} /a /b\n")
	return b.Bytes()
}

// doublingArgs writes A0 of ten characters and A1..An, each twice the one
// before: An expands to 10 * 2^n characters.
func doublingArgs(b *bytes.Buffer, n int) { b.WriteString(DoublingArgs(n)) }

// DoublingArgs is the ARG chain A0=xxxxxxxxxx, A<i>=${A<i-1>}${A<i-1>} up
// to A<n>, one ARG a line, each value twice as long as the one before.
func DoublingArgs(n int) string {
	var b strings.Builder
	b.WriteString("ARG A0=xxxxxxxxxx\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "ARG A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	return b.String()
}

// argBombFrom: the doubling chain in a stage the target does not need,
// with a --from that expands its last ARG.
func argBombFrom(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox AS unused\n")
	doublingArgs(&b, n)
	fmt.Fprintf(&b, "COPY --from=${A%d} /a /b\n", n)
	b.WriteString("FROM busybox AS final\nRUN true\n")
	return b.Bytes()
}

// argBombGlobal: the doubling chain as global ARGs that nothing uses.
func argBombGlobal(n int) []byte {
	var b bytes.Buffer
	doublingArgs(&b, n)
	b.WriteString("FROM busybox\nRUN true\n")
	return b.Bytes()
}

// typoChain: n stages, each on its own image, each copying from the one
// before: n image names for the stage-typo check to compare with n stages.
func typoChain(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "FROM img%d AS s%d\n", i, i)
		if i > 0 {
			fmt.Fprintf(&b, "COPY --from=s%d /a /b\n", i-1)
		}
	}
	return b.Bytes()
}

// typoLong: four stages whose names are n characters long, the last
// copying from 50 images whose names are 200 characters long. The stages
// are not chained: a FROM line naming two of them would pass BuildKit's
// 64 KiB line limit.
func typoLong(n int) []byte {
	var b bytes.Buffer
	for _, first := range "abcd" {
		fmt.Fprintf(&b, "FROM busybox AS %c%s\n", first, strings.Repeat("x", n-1))
	}
	for i := 0; i < 50; i++ {
		image := fmt.Sprintf("img%02d", i) + strings.Repeat("y", 195)
		fmt.Fprintf(&b, "COPY --from=%s /a /b%d\n", image, i)
	}
	return b.Bytes()
}

// unknownTargets: n stages; unknownTargetList names n stages that are not
// among them.
func unknownTargets(n int) []byte {
	var b bytes.Buffer
	repeat(&b, n, "FROM busybox AS s%[1]d\nRUN true\n")
	return b.Bytes()
}

func unknownTargetList(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("u%d", i)
	}
	return strings.Join(names, ",")
}

// argsTimesRuns: n ARGs in the stage, then 1,000 RUNs that each carry
// every one of them.
func argsTimesRuns(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox\n")
	repeat(&b, n, "ARG a%[1]d=b\n")
	repeat(&b, 1000, "RUN echo %[1]d\n")
	return b.Bytes()
}

// lintChain: n stages, each FROM the one before, each with a RUN.
func lintChain(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox AS s0\nRUN echo 0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nRUN echo %d\n", i-1, i, i)
	}
	return b.Bytes()
}

// lintUndefined: n ENV keys, then n RUNs that each use a variable nothing
// defines.
func lintUndefined(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox\n")
	repeat(&b, n, "ENV k%[1]d=v%[1]d\n")
	repeat(&b, n, "RUN echo $u%[1]d\n")
	return b.Bytes()
}

// nesting is a RUN whose word nests n default expansions ${V:-...} around
// an x: six bytes per level. BuildKit's parser takes no line over 64 KiB,
// so the word goes on over continuation lines of 1,000 levels each.
func nesting(n int) []byte {
	var b bytes.Buffer
	b.Grow(6*n + 32)
	b.WriteString("FROM busybox\nRUN echo ")
	b.WriteString(NestedDefaults(n))
	b.WriteString("\n")
	return b.Bytes()
}

// NestedDefaults is ${V:-${V:-...x...}} with n levels, continued on a new
// line every 1,000 levels: BuildKit's parser takes no line over 64 KiB, but
// a continued instruction has no such limit.
func NestedDefaults(n int) string {
	var b bytes.Buffer
	b.Grow(6*n + 8)
	for i := 0; i < n; i++ {
		b.WriteString("${V:-")
		continueLine(&b, i)
	}
	b.WriteString("x")
	for i := 0; i < n; i++ {
		b.WriteString("}")
		continueLine(&b, i)
	}
	return b.String()
}

// continueLine ends the physical line after every 1,000th item i of a
// long instruction.
func continueLine(b *bytes.Buffer, i int) {
	if i%1000 == 999 {
		b.WriteString("\\\n")
	}
}

// envKeys: one ENV of n keys, over continuation lines of 1,000 keys.
func envKeys(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM busybox\nENV")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " k%d=v%d", i, i)
		continueLine(&b, i)
	}
	b.WriteString("\n")
	return b.Bytes()
}

// regexSubst: a value of n/2 a's and a pattern *a*a*a...b of n/2
// characters that never matches it, so a backtracking matcher tries every
// way to place the stars.
func regexSubst(n int) []byte {
	var b bytes.Buffer
	half := n / 2
	fmt.Fprintf(&b, "FROM busybox\nARG B=%s\n", strings.Repeat("a", half))
	pattern := strings.Repeat("*a", (half-1)/2) + "b"
	fmt.Fprintf(&b, "RUN echo ${B//%s/x}\n", pattern)
	return b.Bytes()
}
