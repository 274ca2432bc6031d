package stages

import (
	"bytes"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// CheckUTF8 rejects a Dockerfile that is not UTF-8 text, naming the first
// line that is not. Invalid bytes would otherwise travel into error
// messages, warnings and LLB strings, which protobuf refuses to marshal:
// the build would end with "exit code: 1", or with "string field contains
// invalid UTF-8" and no line. Every line counts, comments and heredoc
// bodies too, so the answer does not depend on where the bytes sit.
func CheckUTF8(dt []byte) error {
	if utf8.Valid(dt) {
		return nil
	}
	for i, line := range bytes.Split(dt, []byte("\n")) {
		if utf8.Valid(line) {
			continue
		}
		n := i + 1
		at := invalidAt(line)
		err := errors.Errorf("dockerfile parse error on line %d: invalid UTF-8 (byte %#x at column %d); a Dockerfile must be UTF-8 text: re-save it in that encoding",
			n, line[at], utf8.RuneCount(line[:at])+1)
		return parser.WithLocation(err, []parser.Range{{Start: parser.Position{Line: n}, End: parser.Position{Line: n}}})
	}
	return nil
}

// invalidAt is the offset of the first byte of b that does not start a
// valid UTF-8 sequence.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
