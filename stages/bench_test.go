package stages

import (
	"fmt"
	"testing"

	"github.com/myorg/multistage/internal/benchdata"
)

// BenchmarkChain measures Parse plus Build on benchdata.Chain: n stages,
// each FROM the previous, with a RUN and a COPY --from two stages back.
// ns/stage should stay flat as n grows (the graph is linear).
func BenchmarkChain(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		dt := benchdata.Chain(n)
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d, err := Parse(dt, ParseOpt{})
				if err != nil {
					b.Fatal(err)
				}
				g, err := Build(FromDockerfile(d, "", nil))
				if err != nil {
					b.Fatal(err)
				}
				if len(g.Order) != n {
					b.Fatalf("%d stages ordered, want %d", len(g.Order), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/stage")
		})
	}
}
