package dockerfile2llb

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// withLine wraps err with a message and the Dockerfile ranges it concerns.
func withLine(err error, loc []parser.Range, format string, args ...any) error {
	return parser.WithLocation(errors.Wrapf(err, format, args...), loc)
}
