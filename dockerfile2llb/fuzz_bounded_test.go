package dockerfile2llb_test

// FuzzBoundedWork: no Dockerfile may make our converter allocate more than
// a fixed multiple of what the file asks for (issue 17). The fuzzer's bytes
// are a program that grows a Dockerfile from the pieces hostile files are
// made of; the bound is checked with allocation counts, never wall time.

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/myorg/multistage/internal/fakeresolver"
)

// The bound on one conversion is
//
//	boundedBase + boundedRate * (Dockerfile bytes + LLB bytes + asked bytes)
//
// where the LLB bytes are the marshalled Definition and the asked bytes are
// what the file's own semantics demand beyond its text (grower.asked): the
// words its variables expand to and the environment every RUN carries.
// Output may be large (every RUN carries every ARG before it, upstream's
// too); the work to make it may not grow faster than it. No more than
// llbMax of LLB, or of environment carried, counts: a larger Definition
// cannot reach BuildKit, which takes it in one gRPC message of 16 MiB.
// Apart from the bound, no conversion may hold more than guardHeapMax
// live (guardHeap): the frontend shares its node with every other build.
//
// Measured with TestBoundedWorkCorpus on /work/shared/corpus/realworld
// (72 files, lint on): the most a real file allocates per byte of its text
// is about 600 bytes, for a 255-byte file (030-...-kaniko-test-multistage),
// as a conversion of one short line allocates 85-160 KB whatever it says.
// Beyond the first 110 KB, the most is about 60 bytes per byte of
// Dockerfile and LLB (002-docker-buildx). boundedRate is ten times that,
// and the corpus test fails if a real file comes within a quarter of it;
// boundedBase is about eight times the one-line conversion.
const (
	boundedBase = 1 << 20
	boundedRate = 640
	// boundedFixed is the part of a one-line conversion the corpus rate
	// is measured beyond.
	boundedFixed = 110 << 10
	llbMax       = 16 << 20
	// grownMax stops a program once its Dockerfile is this long: the
	// superlinear paths show long before, and each run stays short.
	grownMax = 256 << 10
)

// FuzzBoundedWork grows a Dockerfile from the program's bytes (growDockerfile),
// converts it with our converter (convert + marshal, lint on) and fails when
// the conversion allocates more than the bound (runtime.MemStats
// TotalAlloc) or panics. An error is fine: limits end conversions with one.
//
// Seeds: the shapes of internal/benchdata (bench/scale.sh) at small sizes.
//
//	go test ./dockerfile2llb -run '^$' -fuzz '^FuzzBoundedWork$' -fuzztime 2m
func FuzzBoundedWork(f *testing.F) {
	for _, seed := range boundedSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, program []byte) {
		g := growDockerfile(program)
		checkBounded(t, g)
	})
}

// TestBoundedWorkCorpus measures every real-world file against the bound,
// with nothing asked beyond the text, and logs the largest rate it finds.
func TestBoundedWorkCorpus(t *testing.T) {
	worst, worstName, perText, perTextName := 0.0, "", 0.0, ""
	for _, dc := range loadCases(t) {
		if !strings.HasPrefix(dc.Name, "realworld/") {
			continue
		}
		// Twice: the first conversion of a process also fills its caches.
		measureConversion(dc.Data, dc.Opts)
		alloc, llbBytes, _ := measureConversion(dc.Data, dc.Opts)
		if rate := float64(int64(alloc)-boundedFixed) / float64(len(dc.Data)+llbBytes); rate > worst {
			worst, worstName = rate, dc.Name
		}
		if rate := float64(alloc) / float64(len(dc.Data)); rate > perText {
			perText, perTextName = rate, dc.Name
		}
	}
	if worstName == "" {
		t.Skip("no real-world corpus")
	}
	t.Logf("largest rate of the corpus: %.0f bytes allocated per byte of Dockerfile and LLB beyond the first %d (%s); %.0f per byte of Dockerfile, all counted (%s)",
		worst, boundedFixed, worstName, perText, perTextName)
	if worst > boundedRate/4 {
		t.Errorf("%s allocates %.0f bytes per byte of Dockerfile and LLB beyond the first %d; boundedRate (%d) is meant to be at least four times any real file's", worstName, worst, boundedFixed, boundedRate)
	}
}

// checkBounded converts g's Dockerfile and fails when it allocates past
// the bound.
func checkBounded(t *testing.T, g *grower) {
	dt := []byte(g.b.String())
	stop := make(chan struct{})
	defer close(stop)
	go guardHeap(stop, g)
	alloc, llbBytes, err := measureConversion(dt, caseOpts{Target: g.target})
	if bound := boundedBase + boundedRate*(len(dt)+min(llbBytes, llbMax)+g.asked()); int(alloc) > bound {
		t.Fatalf("%s\nconversion: %v", overBound(g, alloc, bound), err)
	}
}

// measureConversion converts and marshals dt with lint on, and reports the
// bytes allocated and the size of the marshalled LLB (0 on an error).
func measureConversion(dt []byte, opts caseOpts) (alloc uint64, llbBytes int, err error) {
	ctx := context.Background()
	warn := func(string, string, string, string, []parser.Range) {}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	st, _, _, err := ourConverter(ctx, dt, opts, fakeresolver.New(), nil, warn)
	if err == nil {
		llbBytes, err = marshalledBytes(ctx, st)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, llbBytes, err
}

// marshalledBytes is the size of st's Definition.
func marshalledBytes(ctx context.Context, st llb.State) (int, error) {
	def, err := st.Marshal(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, op := range def.Def {
		n += len(op)
	}
	return n, nil
}

// guardHeapMax is the live heap at which guardHeap gives up on a run:
// twice the 500 MiB issue 17 allows a conversion whose LLB is small.
const guardHeapMax = 1 << 30

// guardHeap panics, and so ends the fuzzing process with its input kept,
// once the live heap passes guardHeapMax, before an exponential expansion
// or a quadratic one near grownMax takes the machine's memory.
func guardHeap(stop <-chan struct{}, g *grower) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if heap := sample[0].Value.Uint64(); heap > guardHeapMax {
			panic("the live heap passed its cap, stopped before the machine runs out of memory: " + overBound(g, heap, guardHeapMax))
		}
	}
}

// overBound says what a program grew and what it cost.
func overBound(g *grower, alloc uint64, bound int) string {
	n := g.b.Len()
	return fmt.Sprintf("a %d-byte Dockerfile (%s; target %.40q) allocated %d bytes, over its bound of %d: %.0f per byte of it",
		n, strings.Join(g.recipe, ", "), g.target, alloc, bound, float64(alloc)/float64(n))
}
