// Package benchdata generates the Dockerfiles the benchmarks share, so the
// graph, our converter and upstream's are measured on identical input.
package benchdata

import (
	"bytes"
	"fmt"
)

// Chain returns a Dockerfile of n stages s0..s(n-1): s0 is FROM an image,
// every later stage is FROM the one before it, runs a command, and, from
// s2 on, copies a file from the stage two back. Every stage is reachable
// from the last, which is the default target.
func Chain(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM alpine:3.20 AS s0\nRUN echo 0 > /f0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\n", i-1, i)
		fmt.Fprintf(&b, "RUN echo %d > /f%d\n", i, i)
		if i >= 2 {
			fmt.Fprintf(&b, "COPY --from=s%d /f%d /from%d\n", i-2, i-2, i-2)
		}
	}
	return b.Bytes()
}
