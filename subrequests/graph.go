package subrequests

import (
	"github.com/moby/buildkit/frontend/subrequests"
	"github.com/myorg/multistage/stages"
)

// RequestGraph is the frontend.graph subrequest, reached with
// "docker buildx build --call=graph[,format=json]".
const RequestGraph = "frontend.graph"

// GraphDefinition describes frontend.graph for frontend.subrequests.describe.
var GraphDefinition = subrequests.Request{
	Name:        RequestGraph,
	Version:     "1.0.0",
	Type:        subrequests.TypeRPC,
	Description: "Show the stage graph of the build target: stages, images, named contexts and edges (DOT in result.txt, JSON in result.json)",
	Opts: []subrequests.Named{
		{Name: "target", Description: "Target build stage"},
	},
	Metadata: []subrequests.Named{
		{Name: "result.json"},
		{Name: "result.txt"},
	},
}

// GraphMetadata is the frontend.graph answer for g: result.txt (DOT),
// result.json (the same data) and version.
func GraphMetadata(g *stages.Graph) (map[string][]byte, error) {
	dt, err := g.JSON()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		"result.json": dt,
		"result.txt":  []byte(g.DOT()),
		"version":     []byte(GraphDefinition.Version),
	}, nil
}
