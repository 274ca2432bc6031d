// Package errdetail adds our detail after an error's message rather than
// before it. Where BuildKit's own frontend rejects a Dockerfile too, users'
// scripts and BuildKit's suite grep for its words, so ours must start with
// them; the error chain, and the Dockerfile locations in it, stay intact.
package errdetail

import "fmt"

// Append returns err with "; detail" after its message; nil stays nil.
func Append(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &detailed{err: err, detail: fmt.Sprintf(format, args...)}
}

type detailed struct {
	err    error
	detail string
}

func (d *detailed) Error() string { return d.err.Error() + "; " + d.detail }
func (d *detailed) Unwrap() error { return d.err }
