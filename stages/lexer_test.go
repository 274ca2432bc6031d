package stages

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/myorg/multistage/internal/lexwords"
)

// TestLexerShortcut holds Lexer to BuildKit's lexer, set up alike, in each
// of its modes and for both escape tokens: every result of ProcessWord,
// ProcessWordWithMatches and ProcessWords, nil or empty included, and the
// error's text, for hand-picked words and every line and word of the
// differential cases.
func TestLexerShortcut(t *testing.T) {
	words := lexwords.Words(t, filepath.Join("..", "dockerfile2llb", "testdata", "diff"))
	env := NewArgs()
	env.Set("HOME", "/root")
	env.Set("A", "a")
	modes := map[string]func(*shell.Lex){
		"default":                     func(*shell.Lex) {},
		"raw quotes and escapes":      func(l *shell.Lex) { l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true },
		"quotes not processed":        func(l *shell.Lex) { l.SkipProcessQuotes = true },
		"raw escapes, unset variable": func(l *shell.Lex) { l.RawEscapes, l.SkipUnsetEnv = true, true },
	}
	errText := func(err error) string {
		if err == nil {
			return "<nil>"
		}
		return err.Error()
	}
	for _, escape := range []rune{'\\', '`'} {
		for mode, set := range modes {
			ours, theirs := NewLexer(escape), shell.NewLex(escape)
			set(ours.Lex)
			set(theirs)
			literal := 0
			for _, w := range words {
				if ours.literal(w) {
					literal++
				}
				what := fmt.Sprintf("escape %q, %s: %q", escape, mode, w)
				got, gotUnmatched, gotErr := ours.ProcessWord(w, env)
				want, wantUnmatched, wantErr := theirs.ProcessWord(w, env)
				if got != want || !reflect.DeepEqual(gotUnmatched, wantUnmatched) || errText(gotErr) != errText(wantErr) {
					t.Errorf("%s: ProcessWord gave %q %#v %v, BuildKit's lexer %q %#v %v", what, got, gotUnmatched, gotErr, want, wantUnmatched, wantErr)
				}
				res, gotErr := ours.ProcessWordWithMatches(w, env)
				wantRes, wantErr := theirs.ProcessWordWithMatches(w, env)
				if !reflect.DeepEqual(res, wantRes) || errText(gotErr) != errText(wantErr) {
					t.Errorf("%s: ProcessWordWithMatches gave %#v %v, BuildKit's lexer %#v %v", what, res, gotErr, wantRes, wantErr)
				}
				split, gotErr := ours.ProcessWords(w, env)
				wantSplit, wantErr := theirs.ProcessWords(w, env)
				if !reflect.DeepEqual(split, wantSplit) || errText(gotErr) != errText(wantErr) {
					t.Errorf("%s: ProcessWords gave %#v %v, BuildKit's lexer %#v %v", what, split, gotErr, wantSplit, wantErr)
				}
			}
			// Both sides of the shortcut must be exercised.
			if literal == 0 || literal == len(words) {
				t.Errorf("escape %q, %s: %d of %d words are literal", escape, mode, literal, len(words))
			}
		}
	}
}
