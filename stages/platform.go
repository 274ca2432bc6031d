package stages

import (
	"maps"
	"slices"
	"sort"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/suggest"
	"github.com/pkg/errors"
)

// expandPlatform evaluates FROM --platform in the global scope of the
// stage's file and checks that the result parses. Its messages are
// upstream's word for word: BuildKit's own suite compares the lint
// subrequest's error with them exactly, and scripts grep for them. A
// variable that is not set but is close to one that is gets "(did you
// mean X?)".
func (b *builder) expandPlatform(st *instructions.Stage, global *Args) (string, error) {
	res, err := b.in.Lex.ProcessWordWithMatches(st.Platform, global)
	if err != nil {
		return "", parser.WithLocation(errors.Wrapf(err, "failed to process arguments for platform %s", res.Result), st.Location)
	}
	unset := slices.Sorted(maps.Keys(res.Unmatched))
	if res.Result == "" {
		err := errors.Errorf("empty platform value from expression %s", st.Platform)
		if ok, wrapped := suggestArg(err, unset, global.Keys()); ok {
			return "", parser.WithLocation(wrapped, st.Location)
		}
		return "", parser.WithLocation(errors.Errorf("%s; %s", err, unsetHint(unset)), st.Location)
	}
	if _, err := platforms.Parse(res.Result); err != nil {
		_, err = suggestArg(err, unset, global.Keys())
		return "", parser.WithLocation(errors.Wrapf(err, "failed to parse platform %s", st.Platform), st.Location)
	}
	return res.Result, nil
}

// suggestArg adds "(did you mean X?)" for the first unset variable that is
// a near miss of a defined one.
func suggestArg(err error, unset, defined []string) (bool, error) {
	sort.Strings(defined)
	for _, k := range unset {
		if ok, wrapped := suggest.WrapErrorMaybe(err, k, defined, true); ok {
			return true, wrapped
		}
	}
	return false, err
}
