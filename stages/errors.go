package stages

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/suggest"
	"github.com/pkg/errors"
)

// Every error here carries the Dockerfile ranges involved, so BuildKit
// clients print a snippet of each line, and repeats the line numbers in the
// message for plain-text consumers.

func withLocations(err error, ls ...[]parser.Range) error {
	for _, l := range ls {
		if len(l) > 0 {
			err = parser.WithLocation(err, l)
		}
	}
	return err
}

// Describe names the instruction behind the edge and its line, as in
// "COPY --from=build (line 12)".
func (e *Edge) Describe() string {
	switch e.Kind {
	case EdgeFrom:
		return fmt.Sprintf("FROM %s (line %d)", e.Ref, e.Line())
	case EdgeMount:
		return fmt.Sprintf("RUN --mount from=%s (line %d)", e.Ref, e.Line())
	default:
		return fmt.Sprintf("%s --from=%s (line %d)", strings.ToUpper(e.Command.Name()), e.Ref, e.Line())
	}
}

func emptyAfterExpansion(what, word string, loc []parser.Range, unmatched map[string]struct{}) error {
	return withLocations(errors.Errorf("%s %s (line %d) is empty after expanding global ARGs; %s",
		what, word, firstLine(loc), unsetHint(sortedKeys(unmatched))), loc)
}

// unsetHint says how to give a value to the variables that expanded to
// nothing.
func unsetHint(unset []string) string {
	hint := "give the ARG a default before the first FROM or pass it with --build-arg"
	if len(unset) > 0 {
		hint = fmt.Sprintf("%s is not set: %s", strings.Join(unset, ", "), hint)
	}
	return hint
}

func badIndex(what string, idx, count int, loc []parser.Range) error {
	return withLocations(errors.Errorf("%s=%d (line %d): invalid stage index %d, the Dockerfile has stages 0 to %d",
		what, idx, firstLine(loc), idx, count-1), loc)
}

func selfReference(e *Edge) error {
	return withLocations(errors.Errorf("%s refers to its own stage %q (line %d); a stage cannot use itself, copy from an earlier stage instead",
		e.Describe(), e.From.DisplayName(), firstLine(e.From.Stage.Location)), e.Location, e.From.Stage.Location)
}

func forwardReference(e *Edge) error {
	to := e.To
	return withLocations(errors.Errorf("%s in stage %q refers to stage %q, which is defined later (line %d); a stage can only use stages above it: move %q before line %d",
		e.Describe(), e.From.DisplayName(), to.DisplayName(), firstLine(to.Stage.Location), to.DisplayName(), firstLine(e.From.Stage.Location)),
		e.Location, to.Stage.Location)
}

func cycleError(cycle []*Edge) error {
	names := []string{cycle[0].From.DisplayName()}
	var steps []string
	var locs [][]parser.Range
	for _, e := range cycle {
		names = append(names, e.To.DisplayName())
		steps = append(steps, e.Describe())
		locs = append(locs, e.Location)
	}
	return withLocations(errors.Errorf("stages form a cycle: %s (%s)", strings.Join(names, " -> "), strings.Join(steps, ", ")), locs...)
}

func unknownTarget(target string, names []string) error {
	list := "the Dockerfile has no named stages"
	if len(names) > 0 {
		list = "available stages: " + strings.Join(names, ", ")
	}
	return suggest.WrapError(errors.Errorf("target stage %q could not be found; %s", target, list), target, names, false)
}

func stageTypo(e *Edge, suggestion string, stage *Node) error {
	hint := fmt.Sprintf("to use an image of that name, write it in full, e.g. docker.io/library/%s", e.Ref)
	if strings.ToLower(e.Ref) == suggestion {
		// Image names cannot contain upper case, so there is no image
		// reading; stage names are lower case.
		hint = "stage names are lower case, and FROM matches them exactly"
	}
	err := errors.Errorf("%s is not a stage of this Dockerfile: did you mean stage %q? (defined at line %d; %s)",
		e.Describe(), suggestion, firstLine(stage.Stage.Location), hint)
	return withLocations(err, e.Location)
}
