package dockerfile2llb

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
)

// TestStageEnvOrder holds stageEnv to llb.EnvList, whose order the LLB
// and the image config follow: after every step of each case, the keys,
// values and Get of both agree. A "?" step reads Keys in between, which
// must not disturb what comes after.
func TestStageEnvOrder(t *testing.T) {
	cases := map[string]struct {
		base  []string // KEY=value of the stage's first state
		steps []string // KEY=value to set, or "?" to read Keys
	}{
		"new keys append":         {steps: []string{"A=1", "B=2", "C=3"}},
		"a key set again moves":   {steps: []string{"A=1", "B=2", "A=3"}},
		"set again after reading": {steps: []string{"A=1", "B=2", "?", "A=3", "?", "B=4", "C=5"}},
		"the base comes first":    {base: []string{"PATH=/bin", "HOME=/"}, steps: []string{"PATH=/x", "?", "U=1"}},
		"the same key many times": {steps: []string{"P=a", "P=ab", "?", "P=abc", "P=abcd", "Q=", "P="}},
		"empty values stay set":   {base: []string{"E="}, steps: []string{"F=", "?"}},
	}
	for name, tc := range cases {
		list := &llb.EnvList{}
		for _, kv := range tc.base {
			k, v, _ := strings.Cut(kv, "=")
			list = list.AddOrReplace(k, v)
		}
		env := newStageEnv(list)
		var kept [][]string // what each "?" returned, which must not change
		var keptWant [][]string
		for i, step := range tc.steps {
			if step == "?" {
				kept = append(kept, env.Keys())
				keptWant = append(keptWant, slices.Clone(list.Keys()))
				continue
			}
			k, v, _ := strings.Cut(step, "=")
			list = list.AddOrReplace(k, v)
			env.set(k, v)
			if got, want := env.ToArray(), list.ToArray(); !slices.Equal(got, want) {
				t.Errorf("%s, step %d: %q, want %q", name, i, got, want)
			}
			if got, ok := env.Get(k); !ok || got != v {
				t.Errorf("%s, step %d: Get(%q) = %q, %v", name, i, k, got, ok)
			}
			if env.Len() != len(list.Keys()) {
				t.Errorf("%s, step %d: Len %d, want %d", name, i, env.Len(), len(list.Keys()))
			}
		}
		for i := range kept {
			if !slices.Equal(kept[i], keptWant[i]) {
				t.Errorf("%s: keys read earlier changed to %q, were %q", name, kept[i], keptWant[i])
			}
		}
		if _, ok := env.Get("NOT_SET"); ok {
			t.Errorf("%s: an unset key was found", name)
		}
	}
}

// TestConfigEnvSet holds configEnv.set to what a scan of the config's Env
// does: replace the first entry of the key, or append.
func TestConfigEnvSet(t *testing.T) {
	cases := map[string]struct {
		base []string
		sets []string // KEY=value, in order
		want []string
	}{
		"append new keys":                     {base: []string{"PATH=/bin"}, sets: []string{"A=1", "B=2"}, want: []string{"PATH=/bin", "A=1", "B=2"}},
		"replace in place":                    {base: []string{"PATH=/bin", "HOME=/"}, sets: []string{"PATH=/x"}, want: []string{"PATH=/x", "HOME=/"}},
		"a key set twice":                     {sets: []string{"A=1", "B=2", "A=3"}, want: []string{"A=3", "B=2"}},
		"the first of duplicates in the base": {base: []string{"A=1", "A=2"}, sets: []string{"A=3"}, want: []string{"A=3", "A=2"}},
		"empty values":                        {base: []string{"E="}, sets: []string{"E=x", "F="}, want: []string{"E=x", "F="}},
	}
	for name, tc := range cases {
		var idx configEnv
		env := slices.Clone(tc.base)
		for _, kv := range tc.sets {
			k, v, _ := strings.Cut(kv, "=")
			env = idx.set(env, k, v)
		}
		if !slices.Equal(env, tc.want) {
			t.Errorf("%s: %q, want %q", name, env, tc.want)
		}
	}
}
