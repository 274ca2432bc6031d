package dockerfile2llb_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/pkg/errors"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// envShape is a Dockerfile that stresses the stage environment: many ARG,
// ENV or WORKDIR lines, or, under --check, many stages or variable uses.
type envShape struct {
	name string
	// sizes are N and 10N: a linear path grows about 10x between them.
	sizes []int
	// upstreamMax is the largest size upstream's converter is run at; it
	// is quadratic on some shapes and would take minutes.
	upstreamMax int
	// check lints instead of converting (--check: ours.Lint, upstream's
	// DockerfileLint), which dispatches every stage but marshals nothing.
	check bool
	gen   func(n int) []byte
}

var envShapes = []envShape{
	// Every RUN carries the 1,000 ARGs, so the LLB grows with the RUNs.
	{name: "1000-args-then-runs", sizes: []int{100, 1000}, upstreamMax: 1000, gen: argsThenRuns},
	// 60,000 keys stay under the limits on lines and instruction size.
	{name: "env-lines", sizes: []int{6000, 60000}, upstreamMax: 6000, gen: envLines},
	// Every line reads the environment the line before it changed.
	{name: "env-lines-reading-env", sizes: []int{6000, 60000}, upstreamMax: 6000, gen: envLinesReadingEnv},
	{name: "env-keys-on-one-line", sizes: []int{6000, 60000}, upstreamMax: 6000, gen: envKeysOnOneLine},
	// Quadratic by nature: the last value holds 10 bytes per line. At
	// 10,000 lines the expansion budget of stages.Lexer stops it.
	{name: "env-self-reference", sizes: []int{300, 3000}, upstreamMax: 3000, gen: envSelfReference},
	// Each WORKDIR adds 2 bytes to the path, which the next ops carry.
	{name: "relative-workdirs", sizes: []int{100, 1000}, upstreamMax: 1000, gen: relativeWorkdirs},
	{name: "absolute-workdirs", sizes: []int{1000, 10000}, upstreamMax: 10000, gen: absoluteWorkdirs},
	{name: "check-chain", sizes: []int{1000, 10000}, upstreamMax: 1000, check: true, gen: lintChain},
	// UndefinedVar searches every key for a suggestion: quadratic in
	// upstream's rule too.
	{name: "check-env-then-undefined", sizes: []int{1000, 10000}, upstreamMax: 10000, check: true, gen: envThenUndefined},
}

// BenchmarkEnvScale converts each shape at N and 10N with our converter
// and, where it completes in reasonable time, upstream's: convert plus
// marshal, or the lint pass for the check shapes. ns/line is the time per
// Dockerfile line: flat when linear.
//
//	go test -run '^$' -bench EnvScale -benchmem -benchtime 1x ./dockerfile2llb
func BenchmarkEnvScale(b *testing.B) {
	for _, sh := range envShapes {
		for _, n := range sh.sizes {
			dt := sh.gen(n)
			b.Run(fmt.Sprintf("%s/ours/N=%d", sh.name, n), func(b *testing.B) {
				benchEnvShape(b, dt, func(ctx context.Context) error { return oursEnvShape(ctx, dt, sh.check) })
			})
			if n > sh.upstreamMax {
				continue
			}
			b.Run(fmt.Sprintf("%s/upstream/N=%d", sh.name, n), func(b *testing.B) {
				benchEnvShape(b, dt, func(ctx context.Context) error { return upstreamEnvShape(ctx, dt, sh.check) })
			})
		}
	}
}

func oursEnvShape(ctx context.Context, dt []byte, check bool) error {
	opt := ours.ConvertOpt{
		Config:         benchConfig(),
		TargetPlatform: benchPlatform(),
		MetaResolver:   fakeresolver.New(),
		LLBCaps:        benchCaps(),
	}
	if check {
		res, err := ours.Lint(ctx, dt, opt)
		return lintFailure(res, err)
	}
	res, err := ours.Convert(ctx, dt, opt)
	if err != nil {
		return err
	}
	_, err = res.State.Marshal(ctx)
	return err
}

func upstreamEnvShape(ctx context.Context, dt []byte, check bool) error {
	opt := upstream.ConvertOpt{
		Config:         benchConfig(),
		TargetPlatform: benchPlatform(),
		MetaResolver:   fakeresolver.New(),
		LLBCaps:        benchCaps(),
	}
	if check {
		// Upstream's lint pass needs a source map to attach warnings to.
		opt.SourceMap = llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dt)
		opt.SourceMap.Definition = &llb.Definition{}
		res, err := upstream.DockerfileLint(ctx, dt, opt)
		return lintFailure(res, err)
	}
	res, err := upstream.Dockerfile2LLB(ctx, dt, opt)
	if err != nil {
		return err
	}
	_, err = res.State.Marshal(ctx)
	return err
}

// lintFailure is the error of a lint pass, or nil when it answered
// without a build error.
func lintFailure(res *lint.LintResults, err error) error {
	if err != nil {
		return err
	}
	if res.Error != nil {
		return errors.New(res.Error.Message)
	}
	return nil
}

func benchEnvShape(b *testing.B, dt []byte, convert func(context.Context) error) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := convert(ctx); err != nil {
			b.Fatal(err)
		}
	}
	lines := bytes.Count(dt, []byte("\n"))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lines), "ns/line")
}

// stageLines is a stage FROM busybox with the lines line(0) to
// line(n-1), each ending in a newline, then "RUN true".
func stageLines(n int, line func(i int) string) []byte {
	var b strings.Builder
	b.WriteString("FROM busybox\n")
	for i := 0; i < n; i++ {
		b.WriteString(line(i) + "\n")
	}
	b.WriteString("RUN true\n")
	return []byte(b.String())
}

func argsThenRuns(runs int) []byte {
	return stageLines(1000+runs, func(i int) string {
		if i < 1000 {
			return fmt.Sprintf("ARG a%d=b", i)
		}
		return fmt.Sprintf("RUN echo %d", i)
	})
}

func envLines(n int) []byte {
	return stageLines(n, func(i int) string { return fmt.Sprintf("ENV k%d=v%d", i, i) })
}

func envLinesReadingEnv(n int) []byte {
	return stageLines(n, func(i int) string {
		if i == 0 {
			return "ENV k0=v"
		}
		return fmt.Sprintf("ENV k%d=$k0", i)
	})
}

// envKeysOnOneLine is one ENV of n keys. A physical line may hold 64 KiB:
// the instruction continues on a new line every 20 keys.
func envKeysOnOneLine(n int) []byte {
	var b strings.Builder
	b.WriteString("ENV")
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			b.WriteString(" \\\n")
		}
		fmt.Fprintf(&b, " k%d=v%d", i, i)
	}
	return stageLines(1, func(int) string { return b.String() })
}

func envSelfReference(n int) []byte {
	return stageLines(n, func(int) string { return "ENV P=${P}xxxxxxxxxx" })
}

func relativeWorkdirs(n int) []byte {
	return stageLines(n, func(int) string { return "WORKDIR a" })
}

func absoluteWorkdirs(n int) []byte {
	return stageLines(n, func(int) string { return "WORKDIR /a" })
}

// lintChain is n stages, each FROM the one before it.
func lintChain(n int) []byte {
	var b strings.Builder
	b.WriteString("FROM busybox AS s0\nRUN echo 0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nRUN echo %d\n", i-1, i, i)
	}
	return []byte(b.String())
}

func envThenUndefined(n int) []byte {
	return stageLines(2*n, func(i int) string {
		if i < n {
			return fmt.Sprintf("ENV k%d=v", i)
		}
		return fmt.Sprintf("RUN echo $u%d", i-n)
	})
}
