package gateway

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/pkg/errors"
)

func lineRange(first, last int) []parser.Range {
	return []parser.Range{{Start: parser.Position{Line: first}, End: parser.Position{Line: last}}}
}

// TestAttachSourceStaysSmall checks what an error carries back to BuildKit
// for a large Dockerfile: one copy per distinct location, each holding only
// the lines around the location. A 3.6 MB Dockerfile used to make an error
// of 18 MB, which gRPC refused to send: the build ended without a message.
func TestAttachSourceStaysSmall(t *testing.T) {
	var df strings.Builder
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&df, "RUN echo line %d padding padding padding\n", i)
	}
	data := []byte(df.String())
	sm := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", data)
	sm.Definition = &llb.Definition{} // what dockerui marshals the Dockerfile's source to
	src := &dockerui.Source{SourceMap: sm}
	err := parser.WithLocation(errors.New("too much"), lineRange(50000, 50001))
	err = parser.WithLocation(err, lineRange(50000, 50001)) // the same location again
	err = parser.WithLocation(err, lineRange(10, 10))

	sources := errdefs.Sources(attachSource(err, src))
	if len(sources) != 2 {
		t.Fatalf("%d sources, want one per distinct location (2)", len(sources))
	}
	for _, s := range sources {
		got := s.Info.Data
		if len(got) > 4096+100000 { // the kept lines and a newline for each other
			t.Errorf("a source carries %d bytes of a %d-byte Dockerfile", len(got), len(data))
		}
		lines := bytes.Split(got, []byte("\n"))
		if len(lines) != 100001 {
			t.Fatalf("%d lines, want the Dockerfile's line count kept (100,001 with the last empty)", len(lines))
		}
		first := int(s.Ranges[0].Start.Line)
		for _, l := range []int{first - 4, first, first + 4} {
			if want := fmt.Sprintf("RUN echo line %d padding", l); l > 0 && !bytes.HasPrefix(lines[l-1], []byte(want)) {
				t.Errorf("line %d is %q, want it kept", l, lines[l-1])
			}
		}
		if far := first + 100; len(lines[far-1]) != 0 {
			t.Errorf("line %d, far from the location, is %q, want it empty", far, lines[far-1])
		}
	}

	small := []byte("FROM busybox\nRUN x\n")
	if got := snippetData(small, lineRange(2, 2)); !bytes.Equal(got, small) {
		t.Errorf("a small Dockerfile is cut to %q; want it whole", got)
	}
}
