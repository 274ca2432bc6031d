package integration

import (
	"github.com/myorg/multistage/internal/benchdata"
	"testing"
)

// limitScenarios are Dockerfiles past one of the documented limits
// (stages/limits.go). Through the image each gets an error that names the
// limit and the line, from a frontend that is still answering: without
// the guards the nesting killed the process with a stack overflow and the
// bomb ran it out of memory, and buildx showed only an exit code. The
// harness writes line 1, so the Dockerfile's text starts at line 2.
var limitScenarios = []scenario{
	{
		// 150,000 levels keep the instruction under 1 MiB.
		name:       "limit-nesting-150000",
		dockerfile: "FROM busybox\nENV X=" + benchdata.NestedDefaults(150000) + "\n",
		buildx:     true,
		want: expect{err: &wantError{
			contains: []string{"the number of ${ in one word reaches 150,000 substitutions; multistage limits it to 20,000 substitutions"},
			lines:    []int{3},
		}},
		skipUpstream: "upstream's frontend dies of a stack overflow on this input",
	},
	{
		// A RUN is not expanded, so its nesting is only text; but the text
		// travels in the op, its progress name and its history, which
		// together passed the 16 MiB gRPC message back to BuildKit.
		name:       "limit-instruction-size",
		dockerfile: "FROM busybox\nRUN echo " + benchdata.NestedDefaults(600000) + "\n",
		buildx:     true,
		want: expect{err: &wantError{
			contains: []string{"one instruction (RUN) reaches 3,600,010 bytes", "multistage limits it to 1,048,576 bytes"},
			lines:    []int{3}, // buildx shows the first lines of a long range
		}},
		skipUpstream: "upstream's frontend ends without a message (gRPC refuses what it sends back)",
	},
	{
		name:       "limit-arg-bomb",
		dockerfile: "FROM busybox\n" + benchdata.DoublingArgs(40) + "RUN true\n",
		buildx:     true,
		want: expect{err: &wantError{
			contains: []string{"the text variables put into one word at $A16 reaches", "multistage limits it to 1,048,576 bytes"},
			lines:    []int{20},
		}},
		skipUpstream: "upstream's frontend runs out of memory on this input",
	},
}

func TestLimitErrors(t *testing.T) { runScenarios(t, limitScenarios) }
