package stages

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
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
		return fmt.Sprintf("FROM %s (%s)", e.Ref, e.Where())
	case EdgeMount:
		return fmt.Sprintf("RUN --mount from=%s (%s)", e.Ref, e.Where())
	default:
		return fmt.Sprintf("%s --from=%s (%s)", strings.ToUpper(e.Command.Name()), e.Ref, e.Where())
	}
}

func emptyAfterExpansion(what, word string, loc []parser.Range, where string, unmatched map[string]struct{}) error {
	upstream := ""
	if what == "FROM" {
		upstream = fmt.Sprintf("base name (%s) should not be blank; ", word)
	}
	return withLocations(errors.Errorf("%s%s %s (%s) is empty after expanding global ARGs; %s",
		upstream, what, word, where, unsetHint(slices.Sorted(maps.Keys(unmatched)))), loc)
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

// badIndex reports --from=N past the stages of u, the file that counts
// them.
func badIndex(what string, idx, count int, loc []parser.Range, u *Unit, where string) error {
	file := "the Dockerfile"
	if u.Kind != UnitMain {
		file = u.Source.Name
	}
	return withLocations(errors.Errorf("invalid stage index %d; %s=%d (%s): %s has stages 0 to %d",
		idx, what, idx, where, file, count-1), loc)
}

// Where upstream rejects the same Dockerfile, messages start with its
// words (users' scripts and BuildKit's suite grep for them) and add ours.

// circular is upstream's message for a stage that depends on itself.
func circular(n *Node) string {
	name := n.Name
	if name == "" {
		name = n.DisplayName()
	}
	return "circular dependency detected on stage: " + name
}

func selfReference(e *Edge) error {
	return withLocations(errors.Errorf("%s; %s refers to its own stage %q (%s); a stage cannot use itself, copy from an earlier stage instead",
		circular(e.From), e.Describe(), e.From.DisplayName(), e.From.Where()), e.Location, e.From.Stage.Location)
}

// forwardReference reports an edge to a later stage. Upstream rejects
// COPY --from and --mount from= such edges in the stages the target needs
// (a FROM would pull an image of that name), so those start with its words.
func forwardReference(e *Edge) error {
	to := e.To
	upstream := ""
	switch e.Kind {
	case EdgeCopy:
		upstream = fmt.Sprintf("cannot copy from stage %q, it needs to be defined before current stage %q; ", e.Raw, e.From.Name)
	case EdgeMount:
		upstream = fmt.Sprintf("cannot mount from stage %q to %q, stage needs to be defined before current command; ", e.Raw, e.MountTarget)
	}
	return withLocations(errors.Errorf("%s%s in stage %q refers to stage %q, which is defined later (%s); a stage can only use stages above it: move %q before %s",
		upstream, e.Describe(), e.From.DisplayName(), to.DisplayName(), to.Where(), to.DisplayName(), e.From.Where()),
		e.Location, to.Stage.Location)
}

// cycleError names root, the first stage (in Dockerfile order) from which
// the cycle is reached, as upstream does, then the cycle itself.
func cycleError(root *Node, cycle []*Edge) error {
	names := []string{cycle[0].From.DisplayName()}
	var steps []string
	var locs [][]parser.Range
	for _, e := range cycle {
		names = append(names, e.To.DisplayName())
		steps = append(steps, e.Describe())
		locs = append(locs, e.Location)
	}
	return withLocations(errors.Errorf("%s; stages form a cycle: %s (%s)", circular(root), strings.Join(names, " -> "), strings.Join(steps, ", ")), locs...)
}

// errNoStages is upstream's message for a Dockerfile without FROM, and
// ours after it.
var errNoStages = errors.New("dockerfile contains no stages to build; the Dockerfile has no FROM instruction")

// shownUnknownTargets is how many unknown target names an error spells
// out; the others are counted, so the message stays small however long
// the list.
const shownUnknownTargets = 10

// unknownTargets reports the requested targets that are no stage: each in
// upstream's words, with suggest's "(did you mean x?)" when a stage name
// is near, then the stages, once.
func unknownTargets(targets, names []string) error {
	list := "the Dockerfile has no named stages"
	if len(names) > 0 {
		list = "the stages are: " + strings.Join(names, ", ")
	}
	index := newNameIndex(names)
	var lines []string
	for _, target := range targets[:min(len(targets), shownUnknownTargets)] {
		line := fmt.Sprintf("target stage %q could not be found", target)
		if match := index.search(target, ""); match != "" {
			line += " (did you mean " + match + "?)"
		}
		lines = append(lines, line)
	}
	if more := len(targets) - shownUnknownTargets; more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more target stages could not be found", more))
	}
	return errors.Errorf("%s; %s", strings.Join(lines, "\n"), list)
}

func stageTypo(e *Edge, suggestion string, stage *Node) error {
	hint := fmt.Sprintf("to use an image of that name, write it in full, e.g. docker.io/library/%s", e.Ref)
	if strings.ToLower(e.Ref) == suggestion {
		// Image names cannot contain upper case, so there is no image
		// reading; stage names are lower case.
		hint = "stage names are lower case, and FROM matches them exactly"
	}
	upstream := ""
	if _, err := reference.ParseNormalizedNamed(e.Ref); err != nil && e.Kind == EdgeFrom {
		// Upstream fails on the name as an image reference.
		upstream = fmt.Sprintf("failed to parse stage name %q: %v; ", e.Ref, err)
	}
	err := errors.Errorf("%s%s is not a stage of this Dockerfile: did you mean stage %q? (defined at %s; %s)",
		upstream, e.Describe(), suggestion, stage.Where(), hint)
	return withLocations(err, e.Location)
}
