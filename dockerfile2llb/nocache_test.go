package dockerfile2llb

import (
	"slices"
	"testing"
)

// TestNoCacheFilter: every form of the no-cache option, against the
// stages of one Dockerfile. The plain forms are dockerui's.
func TestNoCacheFilter(t *testing.T) {
	names := []string{"deps", "build", "test-unit", "test-e2e", "kit.base", "kit.tools", "release"}
	for _, tc := range []struct {
		name      string
		value     string
		set       bool
		covered   []string
		unmatched []string
	}{
		{name: "not given", covered: nil},
		{name: "given empty: every stage", set: true, covered: names},
		{name: "plain names, any case", value: "deps,BUILD", set: true, covered: []string{"deps", "build"}},
		{name: "negation: every stage but deps", value: "!deps", set: true, covered: []string{"build", "test-unit", "test-e2e", "kit.base", "kit.tools", "release"}},
		{name: "two negations", value: "!deps,!release", set: true, covered: []string{"build", "test-unit", "test-e2e", "kit.base", "kit.tools"}},
		{name: "glob", value: "test-*", set: true, covered: []string{"test-unit", "test-e2e"}},
		{name: "namespace glob", value: "KIT.*", set: true, covered: []string{"kit.base", "kit.tools"}},
		{name: "glob and negation", value: "test-*,!kit.*", set: true, covered: []string{"deps", "build", "test-unit", "test-e2e", "release"}},
		{name: "negated glob", value: "!test-*", set: true, covered: []string{"deps", "build", "kit.base", "kit.tools", "release"}},
		{name: "blanks around items", value: " deps , ,build ", set: true, covered: []string{"deps", "build"}},
		{name: "a typo is reported", value: "deps,bulid,!relase,tset-*", set: true, covered: []string{"deps", "build", "test-unit", "test-e2e", "kit.base", "kit.tools", "release"}, unmatched: []string{"bulid", "tset-*", "relase"}},
		{name: "malformed glob matches only itself", value: "[", set: true, unmatched: []string{"["}},
	} {
		f := parseNoCache(tc.value, tc.set)
		var covered []string
		for _, n := range names {
			if f.covers(n) {
				covered = append(covered, n)
			}
		}
		if !slices.Equal(covered, tc.covered) {
			t.Errorf("%s (%q): covers %v, want %v", tc.name, tc.value, covered, tc.covered)
		}
		if got := f.unmatched(names); !slices.Equal(got, tc.unmatched) {
			t.Errorf("%s (%q): unmatched %v, want %v", tc.name, tc.value, got, tc.unmatched)
		}
	}
}
