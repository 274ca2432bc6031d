package dockerfile2llb

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// TestLexerShortcut holds the lexer's shortcut to what BuildKit's lexer
// returns, in every mode the converter uses, for hand-picked words and for
// every line and word of the differential cases.
func TestLexerShortcut(t *testing.T) {
	words := []string{
		"", "plain", "/usr/local/bin", "a b  c", "alpine:3.20", "--from=build",
		"$HOME", "${A:-x}", "'q'", `"q"`, `a\ b`, "a`b", "<<EOF", "x\x00y", "caf\xc3\xa9", "bad\xff",
		"\ufeffbom", "tab\there", "semi;colon|pipe&amp", "~/x", "*.go", "a=b", "#comment",
	}
	files, _ := filepath.Glob("testdata/diff/*.Dockerfile")
	for _, f := range files {
		dt, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(dt), "\n") {
			words = append(words, line)
			words = append(words, strings.Fields(line)...)
		}
	}
	env := llb.NewState(nil).AddEnv("HOME", "/root").AddEnv("A", "a")
	envList, err := env.Env(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]func(*shell.Lex){
		"default":      func(*shell.Lex) {},
		"raw":          func(l *shell.Lex) { l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true },
		"heredoc body": func(l *shell.Lex) { l.SkipProcessQuotes = true },
	}
	for _, escape := range []rune{'\\', '`'} {
		for mode, set := range modes {
			ours, theirs := newLexer(escape), shell.NewLex(escape)
			set(ours.Lex)
			set(theirs)
			for _, w := range words {
				got, gotUnmatched, gotErr := ours.ProcessWord(w, envList)
				want, wantUnmatched, wantErr := theirs.ProcessWord(w, envList)
				if got != want || (gotErr == nil) != (wantErr == nil) || len(gotUnmatched) != len(wantUnmatched) ||
					(len(wantUnmatched) > 0 && !reflect.DeepEqual(gotUnmatched, wantUnmatched)) {
					t.Errorf("escape %q, %s: %q: got %q %v %v, BuildKit's lexer %q %v %v",
						escape, mode, w, got, gotUnmatched, gotErr, want, wantUnmatched, wantErr)
				}
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no differential cases under testdata/diff")
	}
}
