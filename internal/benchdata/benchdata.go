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

// FanIn returns a Dockerfile whose only stage copies a file from each of n
// distinct images: n resolutions, one stage.
func FanIn(n int) []byte {
	var b bytes.Buffer
	b.WriteString("FROM scratch\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "COPY --from=example.com/fanin/img%d:1 /f /f%d\n", i, i)
	}
	return b.Bytes()
}

// Lattice returns a Dockerfile of n stages where each stage copies a file
// from every earlier one: n*(n-1)/2 COPY --from edges.
func Lattice(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "FROM alpine:3.20 AS s%d\nRUN echo %d > /f\n", i, i)
		for j := 0; j < i; j++ {
			fmt.Fprintf(&b, "COPY --from=s%d /f /f%d\n", j, j)
		}
	}
	return b.Bytes()
}

// Args returns a Dockerfile with args global ARGs and stages stages, each
// FROM an image, declaring every global ARG and running one command that
// uses the first and the last; the last stage copies from all the others,
// so every stage is converted: ARG scoping and RUN history over many ARGs.
func Args(stages, args int) []byte {
	var b bytes.Buffer
	for j := 0; j < args; j++ {
		fmt.Fprintf(&b, "ARG G%d=v%d\n", j, j)
	}
	for i := 0; i < stages; i++ {
		fmt.Fprintf(&b, "FROM alpine:3.20 AS s%d\n", i)
		for j := 0; j < args; j++ {
			fmt.Fprintf(&b, "ARG G%d\n", j)
		}
		fmt.Fprintf(&b, "RUN echo $G0 $G%d > /f\n", args-1)
		if i == stages-1 {
			for k := 0; k < i; k++ {
				fmt.Fprintf(&b, "COPY --from=s%d /f /f%d\n", k, k)
			}
		}
	}
	return b.Bytes()
}
