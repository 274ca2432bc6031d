package gateway

import (
	"strings"

	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/util/grpcerrors"
	"github.com/moby/buildkit/util/stack"
	"google.golang.org/grpc/codes"
)

// Capabilities lists what a client may require of this frontend. Keep it in
// step with the moby.buildkit.frontend.caps label of the image.
var Capabilities = []string{
	"moby.buildkit.frontend.inputs",
	"moby.buildkit.frontend.subrequests",
	"moby.buildkit.frontend.contexts",
}

// checkCaps refuses capabilities we lack. A "+forward" capability may still
// be served by the frontend a "# syntax=" line forwards to.
func checkCaps(requested string) (forwardable bool, err error) {
	if requested == "" {
		return false, nil
	}
	for _, c := range strings.Split(requested, ",") {
		name, _, _ := strings.Cut(c, "+")
		if hasCapability(name) {
			continue
		}
		err = stack.Enable(grpcerrors.WrapCode(errdefs.NewUnsupportedFrontendCapError(name), codes.Unimplemented))
		if !strings.Contains(c, "+forward") {
			return false, err
		}
		forwardable = true
	}
	return forwardable, err
}

func hasCapability(name string) bool {
	for _, c := range Capabilities {
		if c == name {
			return true
		}
	}
	return false
}
