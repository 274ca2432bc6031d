// Package safe turns panics into errors where our code starts a goroutine
// or takes control from the gateway. A panic that got past those points
// would end the frontend process, and the user would read nothing but
// "exit code: 2" (or 1) with no hint of the cause.
package safe

import (
	"fmt"
	"runtime/debug"

	"github.com/sirupsen/logrus"
)

// PanicError is a panic caught by Recover.
type PanicError struct {
	// While says what was being done, as in "resolving alpine".
	While string
	Value any
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error while %s: panic: %v; please report it, with the Dockerfile", e.While, e.Value)
}

// Recover, deferred directly (recover only works there), turns a panic
// into an error in *errp. The stack goes to the log, which buildkitd
// keeps; the error carries what the user needs.
func Recover(errp *error, while string) {
	r := recover()
	if r == nil {
		return
	}
	logrus.Errorf("panic while %s: %v\n%s", while, r, debug.Stack())
	*errp = &PanicError{While: while, Value: r}
}
