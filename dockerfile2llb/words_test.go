package dockerfile2llb

import (
	"reflect"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/myorg/multistage/internal/lexwords"
	"github.com/myorg/multistage/stages"
)

// TestLexerShortcut holds the converter's lexers (stages.Lexer in the modes
// newLexer, progressLexer and heredocLexer set up) and expandOrKeep to
// what BuildKit's lexer returns, set up as upstream's converter sets it,
// for the words of lexwords.
func TestLexerShortcut(t *testing.T) {
	words := lexwords.Words(t, "testdata/diff")
	env := llb.NewState(nil).AddEnv("HOME", "/root").AddEnv("A", "a")
	envList, err := env.Env(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Each mode is the converter's lexer and BuildKit's, set up alike.
	modes := map[string]func(escape rune) (lexer, *shell.Lex){
		"default": func(escape rune) (lexer, *shell.Lex) { return newLexer(stages.NewLexer(escape)), shell.NewLex(escape) },
		"progress": func(escape rune) (lexer, *shell.Lex) {
			l := shell.NewLex(escape)
			l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true
			return progressLexer(stages.NewLexer(escape)), l
		},
		"heredoc body": func(rune) (lexer, *shell.Lex) {
			l := shell.NewLex('\\')
			l.SkipProcessQuotes = true
			return heredocLexer(stages.NewLexer('\\')), l
		},
	}
	for _, escape := range []rune{'\\', '`'} {
		for mode, lexers := range modes {
			ours, theirs := lexers(escape)
			for _, w := range words {
				got, gotUnmatched, gotErr := ours.ProcessWord(w, envList)
				want, wantUnmatched, wantErr := theirs.ProcessWord(w, envList)
				if got != want || (gotErr == nil) != (wantErr == nil) || len(gotUnmatched) != len(wantUnmatched) ||
					(len(wantUnmatched) > 0 && !reflect.DeepEqual(gotUnmatched, wantUnmatched)) {
					t.Errorf("escape %q, %s: %q: got %q %v %v, BuildKit's lexer %q %v %v",
						escape, mode, w, got, gotUnmatched, gotErr, want, wantUnmatched, wantErr)
				}
				if wantErr != nil {
					want = w
				}
				if got := ours.expandOrKeep(w, envList); got != want {
					t.Errorf("escape %q, %s: %q: expandOrKeep gave %q, BuildKit's lexer (or the word on its error) %q", escape, mode, w, got, want)
				}
			}
		}
	}
}
