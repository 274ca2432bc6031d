package gateway

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/stages"
)

// What the frontend sends BuildKit travels in gRPC messages of at most
// 16 MiB; past that gRPC refuses the message and the build ends with
// "ResourceExhausted" and no line. stages.MaxInstructionBytes keeps real
// and hostile Dockerfiles well under it; these checks catch what is left
// (many large instructions) with a message that says what to shorten.

// maxMessageBytes is what a definition or a result's metadata may take of
// one message, leaving room for the message's other fields.
const maxMessageBytes = 16<<20 - 64<<10

// checkDefinitionSize fails a definition too large to send, naming the
// instruction whose op is largest: a RUN line of megabytes is carried by
// its op, its progress name and its history at once.
func checkDefinitionSize(def *pb.Definition) error {
	size := def.SizeVT()
	if size <= maxMessageBytes {
		return nil
	}
	var largest []byte
	for _, op := range def.Def {
		if len(op) > len(largest) {
			largest = op
		}
	}
	err := errors.Errorf("the build definition is %s bytes; BuildKit takes at most %s in one message (the largest op is %s bytes): shorten the instruction it comes from",
		stages.Thousands(size), stages.Thousands(maxMessageBytes), stages.Thousands(len(largest)))
	if ranges := stages.OpRanges(def.Source, digest.FromBytes(largest).String()); len(ranges) > 0 {
		err = parser.WithLocation(err, ranges)
	}
	return err
}

// checkResultSize fails a result whose metadata is too large to send back,
// naming its largest entry: the image config holds every instruction's
// text in its history.
func checkResultSize(res *client.Result) error {
	if res == nil {
		return nil
	}
	total, largest := 0, ""
	for k, v := range res.Metadata {
		total += len(v)
		if largest == "" || len(v) > len(res.Metadata[largest]) || len(v) == len(res.Metadata[largest]) && k < largest {
			largest = k
		}
	}
	if total <= maxMessageBytes {
		return nil
	}
	return errors.Errorf("the build result is %s bytes; BuildKit takes at most %s in one message (the largest part is %s, %s bytes; an image config repeats every instruction in its history): shorten the longest instructions",
		stages.Thousands(total), stages.Thousands(maxMessageBytes), largest, stages.Thousands(len(res.Metadata[largest])))
}
