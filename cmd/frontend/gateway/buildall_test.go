package gateway

import (
	"context"
	"testing"

	"github.com/moby/buildkit/util/grpcerrors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// An off-path stage's failure reaches the client with our words first:
// the gateway sends the deepest gRPC status it finds, which a plain wrap
// would leave unchanged.
func TestWithContextKeepsOurWords(t *testing.T) {
	solveErr := grpcerrors.FromGRPC(status.Error(codes.Internal, "process \"/bin/sh -c exit 3\" did not complete successfully"))
	sent := grpcerrors.ToGRPC(context.Background(), withContext(solveErr, `stage "check" (line 2), built because MULTISTAGE_BUILD_ALL=1, failed`))
	st, _ := status.FromError(sent)
	want := `stage "check" (line 2), built because MULTISTAGE_BUILD_ALL=1, failed: process "/bin/sh -c exit 3" did not complete successfully`
	if st.Message() != want || st.Code() != codes.Internal {
		t.Fatalf("sent %v %q, want Internal %q", st.Code(), st.Message(), want)
	}
}
