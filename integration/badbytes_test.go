package integration

import (
	"regexp"
	"testing"
)

// badBytes are Dockerfiles holding bytes that are not UTF-8. Through the
// image they used to end the frontend process ("exit code: 1") or fail
// while marshalling with no line; now each names its line. The harness
// writes line 1, so the Dockerfile's text starts at line 2.
var badBytes = []scenario{
	{
		name:       "bad-bytes-instruction",
		dockerfile: "FROM busybox\nFOO\xff bar\n",
		buildx:     true,
		want: expect{err: &wantError{
			contains: []string{"dockerfile parse error on line 3: invalid UTF-8 (byte 0xff at column 4)"},
			lines:    []int{3},
		}},
		skipUpstream: "upstream's frontend panics on this input (exit code 2)",
	},
	{
		name:       "bad-bytes-run",
		dockerfile: "FROM busybox\nRUN echo caf\xe9 > /out\n",
		buildx:     true,
		want: expect{err: &wantError{
			contains: []string{"dockerfile parse error on line 3: invalid UTF-8 (byte 0xe9 at column 13)"},
			lines:    []int{3},
		}},
		upstream: &expect{err: &wantError{
			matches: []*regexp.Regexp{re(`invalid UTF-8`)},
		}},
	},
}

func TestBadBytes(t *testing.T) { runScenarios(t, badBytes) }
