package gateway

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/myorg/multistage/internal/safe"
)

// dockerfileName is the Dockerfile's name as the client gave it (option
// "filename"), for errors that have no line to point at.
func dockerfileName(opts map[string]string) string {
	if name := opts["filename"]; name != "" {
		return name
	}
	return "Dockerfile"
}

// boundaryError is what Build hands back to the gateway: a caught panic
// names the Dockerfile, and a message that is not UTF-8 (a library quoting
// a bad byte) is repaired, since gRPC cannot send it and the frontend
// would exit instead of reporting. The wrapped error, with its locations
// and source, is kept.
func boundaryError(err error, dockerfile string) error {
	if err == nil {
		return nil
	}
	var pe *safe.PanicError
	if errors.As(err, &pe) {
		err = &boundary{err: err, msg: fmt.Sprintf("building %s: %s", dockerfile, err)}
	}
	if msg := err.Error(); !utf8.ValidString(msg) {
		err = &boundary{err: err, msg: strings.ToValidUTF8(msg, "\uFFFD")}
	}
	return err
}

type boundary struct {
	err error
	msg string
}

func (b *boundary) Error() string { return b.msg }
func (b *boundary) Unwrap() error { return b.err }
