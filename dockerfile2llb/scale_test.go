package dockerfile2llb_test

// One measurement of the scaling table (bench/scale.sh): one shape of
// internal/benchdata at one size through one converter, in a process of its
// own so that peak RSS, an out-of-memory kill or a timeout belongs to it.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/benchdata"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// scaleConverters are the differential tests' converters, given the
// options a shape needs.
var scaleConverters = map[string]converter{"ours": ourConverter, "upstream": upstreamConverter}

// scaleConvert converts and marshals dt: a conversion that does not
// marshal has not finished its work. Lint is on when the shape says so:
// both converters check the rules only for a caller that listens.
func scaleConvert(conv converter, dt []byte, s benchdata.Shape, n int) error {
	ctx := context.Background()
	var opts caseOpts
	if s.Target != nil {
		opts.Target = s.Target(n)
	}
	var warn func(string, string, string, string, []parser.Range)
	if s.Lint {
		warn = func(string, string, string, string, []parser.Range) {}
	}
	st, _, _, err := conv(ctx, dt, opts, fakeresolver.New(), nil, warn)
	if err != nil {
		return err
	}
	_, err = st.Marshal(ctx)
	return err
}

// TestScale prints one line for bench/scale.sh to read:
//
//	scale <shape> <n> <which> <wall ms> <bytes allocated> <peak RSS KiB> <CPU ms> ok|error: <first 100 characters>
//
// CPU is the process's user and system time during the conversion (the
// garbage collector's included): a busy machine stretches wall time far
// more than it does CPU time.
//
// It asserts nothing about time or memory; the table is read by people.
func TestScale(t *testing.T) {
	name, size, which := os.Getenv("MULTISTAGE_SCALE_SHAPE"), os.Getenv("MULTISTAGE_SCALE_N"), os.Getenv("MULTISTAGE_SCALE_WHICH")
	if name == "" || size == "" || which == "" {
		t.Skip("measures one shape: set MULTISTAGE_SCALE_SHAPE, MULTISTAGE_SCALE_N (N, 10N or a number) and MULTISTAGE_SCALE_WHICH (ours|upstream); bench/scale.sh runs them all")
	}
	s, ok := benchdata.ShapeNamed(name)
	if !ok {
		t.Fatalf("no shape %q in benchdata.Shapes", name)
	}
	convert, ok := scaleConverters[which]
	if !ok {
		t.Fatalf("MULTISTAGE_SCALE_WHICH=%q: want ours or upstream", which)
	}
	n, err := scaleSize(s, size)
	if err != nil {
		t.Fatal(err)
	}
	dt := s.Dockerfile(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start, cpu := time.Now(), processCPU(t)
	err = scaleConvert(convert, dt, s, n)
	took, cpuTook := time.Since(start), processCPU(t)-cpu
	runtime.ReadMemStats(&after)
	fmt.Printf("scale %s %d %s %.1f %d %d %.1f %s\n", name, n, which, float64(took.Microseconds())/1000,
		after.TotalAlloc-before.TotalAlloc, peakRSSKiB(t), float64(cpuTook.Microseconds())/1000, scaleOutcome(err))
}

// TestScaleList prints the shapes for bench/scale.sh, one per line:
// "shape <name> <N> <10N>".
func TestScaleList(t *testing.T) {
	if os.Getenv("MULTISTAGE_SCALE_LIST") == "" {
		t.Skip("lists the shapes of bench/scale.sh: set MULTISTAGE_SCALE_LIST=1")
	}
	for _, s := range benchdata.Shapes() {
		fmt.Printf("shape %s %d %d\n", s.Name, s.N, s.TenN)
	}
}

func scaleSize(s benchdata.Shape, size string) (int, error) {
	switch size {
	case "N":
		return s.N, nil
	case "10N":
		return s.TenN, nil
	}
	n, err := strconv.Atoi(size)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("MULTISTAGE_SCALE_N=%q: want N, 10N or a size", size)
	}
	return n, nil
}

// scaleOutcome is "ok" or the start of the error on one line.
func scaleOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if len(msg) > 100 {
		msg = msg[:100]
	}
	return "error: " + msg
}

// peakRSSKiB is VmHWM, the process's peak resident set.
func peakRSSKiB(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kib
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
