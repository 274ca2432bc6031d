package stages

import (
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// TestStageArgValue: a build arg wins, then the default expanded in the
// stage's env (asked for only then), then the global ARG, else no value.
func TestStageArgValue(t *testing.T) {
	def := func(s string) *string { return &s }
	global := NewArgs([2]string{"V", "global"})
	for _, c := range []struct {
		name      string
		arg       instructions.KeyValuePairOptional
		buildArgs map[string]string
		global    *Args
		want      string // "" with from ArgUnset: no value
		from      ArgSource
		unmatched string
		asksEnv   bool
	}{
		{name: "build arg over default", arg: instructions.KeyValuePairOptional{Key: "V", Value: def("d")}, buildArgs: map[string]string{"V": "given"}, global: global, want: "given", from: ArgBuildArg},
		{name: "default over global", arg: instructions.KeyValuePairOptional{Key: "V", Value: def("$E-$NOPE")}, global: global, want: "env-", from: ArgDefault, unmatched: "NOPE", asksEnv: true},
		{name: "global when no default", arg: instructions.KeyValuePairOptional{Key: "V"}, global: global, want: "global", from: ArgGlobal},
		{name: "no global given", arg: instructions.KeyValuePairOptional{Key: "V"}, from: ArgUnset},
		{name: "neither", arg: instructions.KeyValuePairOptional{Key: "W"}, global: global, from: ArgUnset},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked := false
			env := func() shell.EnvGetter {
				asked = true
				return NewArgs([2]string{"E", "env"})
			}
			v, err := StageArgValue(shell.NewLex(parser.DefaultEscapeToken), c.arg, c.buildArgs, c.global, env)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if v.Value != nil {
				got = *v.Value
			}
			_, unmatched := v.Unmatched[c.unmatched]
			if got != c.want || v.From != c.from || (c.unmatched != "" && !unmatched) || asked != c.asksEnv || (c.from == ArgUnset) != (v.Value == nil) {
				t.Errorf("got %q from %d (unmatched %v, env asked %v), want %q from %d (unmatched %q, env asked %v)", got, v.From, v.Unmatched, asked, c.want, c.from, c.unmatched, c.asksEnv)
			}
		})
	}
}
