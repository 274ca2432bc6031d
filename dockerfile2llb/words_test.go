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
		`"a\nb"`, `"a\"b"`, `"end\`, `'a\nb'`, `'open`, `"open`, "\\", "a\\", "``", `"a` + "`" + `nb"`, "<<-EOF x", "a << b",
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
	// Each mode is the converter's lexer and BuildKit's, set up alike.
	modes := map[string]func(escape rune) (lexer, *shell.Lex){
		"default": func(escape rune) (lexer, *shell.Lex) { return newLexer(escape), shell.NewLex(escape) },
		"progress": func(escape rune) (lexer, *shell.Lex) {
			l := shell.NewLex(escape)
			l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true
			return progressLexer(escape), l
		},
		"heredoc body": func(rune) (lexer, *shell.Lex) {
			l := shell.NewLex('\\')
			l.SkipProcessQuotes = true
			return heredocLexer(), l
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
	if len(files) == 0 {
		t.Fatal("no differential cases under testdata/diff")
	}
}
