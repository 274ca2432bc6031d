package stages

import (
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// TestRunNoCache: which RUNs carry --no-cache after Parse, in every form
// the flag takes, and that other flags still reach BuildKit's parser.
func TestRunNoCache(t *testing.T) {
	for _, tc := range []struct {
		name, df string
		want     []bool // per RUN of the last stage
		err      string
	}{
		{name: "plain", df: df("FROM busybox", "RUN --no-cache apt-get update", "RUN true"), want: []bool{true, false}},
		{name: "with other flags", df: df("FROM busybox", "RUN --network=none --no-cache --mount=type=cache,target=/c true"), want: []bool{true}},
		{name: "true and false", df: df("FROM busybox", "RUN --no-cache=true a", "RUN --no-cache=false b"), want: []bool{true, false}},
		{name: "heredoc", df: df("FROM busybox", "RUN --no-cache <<EOF", "echo hi", "EOF"), want: []bool{true}},
		{name: "bad value", df: df("FROM busybox", "RUN --no-cache=sometimes a"), err: "RUN --no-cache=sometimes (line 2): --no-cache takes no value, or true or false"},
		{name: "unknown flag keeps upstream's words", df: df("FROM busybox", "RUN --no-cache --bogus a"), err: "unknown flag: --bogus"},
		{name: "not on COPY", df: df("FROM busybox", "COPY --no-cache a /a"), err: "unknown flag: --no-cache"},
	} {
		d, err := Parse([]byte(tc.df), ParseOpt{})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []bool
		for _, cmd := range d.Stages[len(d.Stages)-1].Commands {
			if run, ok := cmd.(*instructions.RunCommand); ok {
				got = append(got, RunNoCache(run))
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: no-cache per RUN %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestOnbuildRunNoCache: the flag works in a trigger too, run where a
// stage is built FROM the stage that declares it.
func TestOnbuildRunNoCache(t *testing.T) {
	cmd, _, err := parseTrigger("RUN --no-cache make", nil)
	if err != nil {
		t.Fatal(err)
	}
	if run, ok := cmd.(*instructions.RunCommand); !ok || !RunNoCache(run) {
		t.Fatalf("trigger parsed to %#v; want a RUN with no-cache", cmd)
	}
}
