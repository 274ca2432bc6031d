package dockerfile2llb_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/myorg/multistage/internal/benchdata"
)

// BenchmarkShapes converts every shape of bench/scale.sh at N and 10N,
// ours only, in one process: the growth column of that table from many
// runs instead of one wall-clock run per cell. Besides ns/op it reports
// cpu-ns/op, the process's CPU time (user and system, garbage collection
// included) per conversion, which other processes on a busy machine
// disturb far less than wall time. Compare the sizes of one shape:
//
//	go test -run '^$' -bench 'Shapes/lint-chain' -count 6 ./dockerfile2llb
//
// A shape that ends in an error (a limit, an unknown target) is measured
// all the same: failing fast is its cost.
func BenchmarkShapes(b *testing.B) {
	for _, s := range benchdata.Shapes() {
		for _, size := range []struct {
			name string
			n    int
		}{{"N", s.N}, {"10N", s.TenN}} {
			b.Run(s.Name+"/"+size.name, func(b *testing.B) {
				dt := s.Dockerfile(size.n)
				b.ReportAllocs()
				cpu := processCPU(b)
				for b.Loop() {
					_ = scaleConvert(ourConverter, dt, s, size.n)
				}
				b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// processCPU is the user and system time this process has used so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
