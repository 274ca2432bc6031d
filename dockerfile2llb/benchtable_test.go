package dockerfile2llb_test

// The speed table of bench/table.sh: ours against upstream, convert plus
// marshal, on the real-world corpus, four synthetic shapes and an INCLUDE
// tree at two sizes, measured interleaved in one process (each round runs
// every workload with both converters, alternating which goes first) and
// reported as the best round of each. Upstream has no INCLUDE: on the
// tree's rows (marked *) it converts the same build inlined by hand into
// one Dockerfile.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/benchdata"
	"github.com/myorg/multistage/internal/fakeresolver"
)

var (
	flagTable  = flag.Bool("bench.table", false, "print the speed table (bench/table.sh)")
	flagRounds = flag.Int("bench.rounds", 5, "rounds of the speed table")
	flagOnly   = flag.String("bench.only", "", "run only the workloads whose name contains this (for profiles)")
	flagSide   = flag.String("bench.side", "", "ours or upstream: run one converter only (for profiles)")
)

type workload struct {
	name  string
	cases []diffCase
	// included, when set, is what our converter converts in place of
	// cases: a build that INCLUDEs files, cases being its inlined form.
	included *includedBuild
}

// includedBuild is a build with included files, through ours.
type includedBuild struct {
	conv  converter
	cases []diffCase
}

// inlinedMark ends the name of a workload whose upstream side converts the
// inlined form of ours' INCLUDE build.
const inlinedMark = "*"

// side is what one converter converts of w: w's cases, except that ours
// converts the INCLUDE build where w has one.
func (w workload) side(name string, conv converter) (converter, []diffCase) {
	if name == "ours" && w.included != nil {
		return w.included.conv, w.included.cases
	}
	return conv, w.cases
}

// includeTreeWorkload is an INCLUDE tree of files of 10 stages: the
// Dockerfile includes mids files, each of which includes leaves more.
func includeTreeWorkload(mids, leaves int) workload {
	tree := benchdata.NewIncludeTree(mids, leaves, 10)
	name := fmt.Sprintf("INCLUDE tree, %d files x 10%s", mids*(1+leaves), inlinedMark)
	return workload{name: name, cases: []diffCase{{Name: name, Data: tree.Inlined}},
		included: &includedBuild{conv: includeConverter(treeReader(tree)), cases: []diffCase{{Name: name, Data: tree.Main}}}}
}

func benchWorkloads(t *testing.T) []workload {
	synthetic := func(name string, dt func() []byte) workload {
		return workload{name: name, cases: []diffCase{{Name: name, Data: dt()}}}
	}
	var out []workload
	if strings.Contains("real-world corpus", *flagOnly) {
		out = append(out, corpusWorkload(t))
	}
	for _, w := range []struct {
		name string
		dt   func() []byte
	}{
		{"fan-in of 1,000 images", func() []byte { return benchdata.FanIn(1000) }},
		{"chain of 1,000 stages", func() []byte { return benchdata.Chain(1000) }},
		{"lattice of 150 stages", func() []byte { return benchdata.Lattice(150) }},
		{"200 stages x 200 ARGs", func() []byte { return benchdata.Args(200, 200) }},
	} {
		if strings.Contains(w.name, *flagOnly) {
			out = append(out, synthetic(w.name, w.dt))
		}
	}
	// 10 and 100 files, the same depth: how the include path grows.
	for _, size := range []struct{ mids, leaves int }{{2, 4}, {10, 9}} {
		if w := includeTreeWorkload(size.mids, size.leaves); strings.Contains(w.name, *flagOnly) {
			out = append(out, w)
		}
	}
	return out
}

// corpusWorkload is every real-world file that both converters convert: a
// failure is no measure of speed.
func corpusWorkload(t *testing.T) workload {
	var corpus []diffCase
	for _, dc := range loadCases(t) {
		if !strings.HasPrefix(dc.Name, "realworld/") {
			continue
		}
		if runConverter(ourConverter, dc).Err != nil || runConverter(upstreamConverter, dc).Err != nil {
			continue
		}
		corpus = append(corpus, dc)
	}
	return workload{name: fmt.Sprintf("real-world corpus (%d files)", len(corpus)), cases: corpus}
}

// TestSpeedTable prints the table; it asserts nothing about time.
func TestSpeedTable(t *testing.T) {
	if !*flagTable {
		t.Skip("run with -bench.table (bench/table.sh)")
	}
	ws := benchWorkloads(t)
	sides := []struct {
		name string
		conv converter
	}{{"ours", ourConverter}, {"upstream", upstreamConverter}}
	best := map[string]time.Duration{}
	// ratios are ours/upstream of each round, both measured back to back:
	// on a shared machine their median moves less than the bests do.
	ratios := map[string][]float64{}
	for round := 0; round < *flagRounds; round++ {
		for _, w := range ws {
			took := map[string]time.Duration{}
			for i := range sides {
				side := sides[(i+round)%len(sides)]
				if *flagSide != "" && side.name != *flagSide {
					continue
				}
				d := timeWorkload(t, side.conv, w, side.name)
				t.Logf("round %d: %s, %s: %s", round+1, w.name, side.name, d.Round(time.Millisecond))
				took[side.name] = d
				if k := w.name + "/" + side.name; best[k] == 0 || d < best[k] {
					best[k] = d
				}
			}
			if o, u := took["ours"], took["upstream"]; o > 0 && u > 0 {
				ratios[w.name] = append(ratios[w.name], float64(o)/float64(u))
			}
			if *flagSide == "" {
				if d, k := timeFloor(t, w), w.name+"/floor"; best[k] == 0 || d < best[k] {
					best[k] = d
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-32s %12s %12s %8s %8s %12s %8s\n", "workload (best of "+fmt.Sprint(*flagRounds)+")", "ours", "upstream", "ratio", "median", "allocs", "floor")
	for _, w := range ws {
		o, u := best[w.name+"/ours"], best[w.name+"/upstream"]
		ratio, median := "-", "-"
		if o > 0 && u > 0 {
			ratio = fmt.Sprintf("%.2fx", float64(o)/float64(u))
		}
		if rs := ratios[w.name]; len(rs) > 0 {
			slices.Sort(rs)
			median = fmt.Sprintf("%.2fx", rs[len(rs)/2])
		}
		allocs, floor := "-", "-"
		if f := best[w.name+"/floor"]; f > 0 && u > 0 {
			floor = fmt.Sprintf("%.2fx", float64(f)/float64(u))
		}
		if *flagSide == "" {
			// Allocations do not move with the machine's load as times do.
			allocs = fmt.Sprintf("%.2fx", float64(countAllocs(t, ourConverter, w, "ours"))/float64(countAllocs(t, upstreamConverter, w, "upstream")))
		}
		fmt.Fprintf(&b, "%-32s %12s %12s %8s %8s %12s %8s\n", w.name, o.Round(time.Microsecond), u.Round(time.Microsecond), ratio, median, allocs, floor)
	}
	if slices.ContainsFunc(ws, func(w workload) bool { return w.included != nil }) {
		fmt.Fprintf(&b, "%s ours INCLUDEs the files; upstream, which has no INCLUDE, converts the same build inlined into one Dockerfile\n", inlinedMark)
	}
	t.Log(b.String())
}

// timeWorkload converts and marshals every case of w once, as side sees w.
// It starts on a collected heap, so neither side pays for the garbage of
// the other.
func timeWorkload(t *testing.T, conv converter, w workload, side string) time.Duration {
	ctx := context.Background()
	runtime.GC()
	var total time.Duration
	conv, cases := w.side(side, conv)
	for _, dc := range cases {
		res := fakeresolver.New()
		sm := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dc.Data)
		start := time.Now()
		st, _, _, err := conv(ctx, dc.Data, dc.Opts, res, sm, nil)
		if err == nil {
			_, err = st.Marshal(ctx)
		}
		total += time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
	}
	return total
}

// timeFloor is the part of a conversion that no Dockerfile frontend built
// on BuildKit's packages can skip: parser.Parse and instructions.Parse of
// each file, and marshalling the converted result (converted untimed).
// Against upstream's time it is the lowest ratio the table can show. For
// an INCLUDE tree it is the floor of its inlined form: the same text to
// parse and the same ops to marshal.
func timeFloor(t *testing.T, w workload) time.Duration {
	ctx := context.Background()
	var total time.Duration
	for _, dc := range w.cases {
		start := time.Now()
		ast, err := parser.Parse(bytes.NewReader(dc.Data))
		if err == nil {
			_, _, err = instructions.Parse(ast.AST, linter.New(&linter.Config{}))
		}
		total += time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
		sm := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dc.Data)
		st, _, _, err := ourConverter(ctx, dc.Data, dc.Opts, fakeresolver.New(), sm, nil)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
		start = time.Now()
		_, err = st.Marshal(ctx)
		total += time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", dc.Name, err)
		}
	}
	return total
}

// countAllocs is the number of heap allocations one run of w makes.
func countAllocs(t *testing.T, conv converter, w workload, side string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	timeWorkload(t, conv, w, side)
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}
