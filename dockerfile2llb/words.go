package dockerfile2llb

import (
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/myorg/multistage/stages"
)

// lexer is the Dockerfile's lexer (stages.Lexer, which returns a literal
// word as it is) in one of the modes the converter uses.
type lexer struct {
	stages.Lexer
	// raw is set when quotes and escapes are kept as written.
	raw bool
}

func newLexer(escape rune) lexer {
	return lexer{Lexer: stages.NewLexer(escape)}
}

// progressLexer expands progress names without touching quotes or
// escapes, and leaves unset variables as written.
func progressLexer(escape rune) lexer {
	l := newLexer(escape)
	l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true
	l.raw = true
	return l
}

// heredocLexer replaces only variables: heredoc bodies keep their quotes.
// Its escape is always a backslash, whatever the Dockerfile's.
func heredocLexer() lexer {
	l := newLexer('\\')
	l.SkipProcessQuotes = true
	return l
}

// expandOrKeep is word with its variables expanded, or word as written
// when the lexer rejects it (an unclosed quote): what progress names show.
// With raw quoting more words come back as written than ProcessWord can
// assume, because an error here keeps the word too: a RUN line without a
// variable, quotes and all, is most of a real Dockerfile's progress text.
func (l lexer) expandOrKeep(word string, env shell.EnvGetter) string {
	if l.raw && keptRaw(word) {
		return word
	}
	if out, _, err := l.ProcessWord(word, env); err == nil {
		return out
	}
	return word
}

// keptRaw reports whether a lexer with raw quotes and escapes returns word
// as written or fails on it: true for ASCII without NUL or variables.
func keptRaw(word string) bool {
	for i := 0; i < len(word); i++ {
		if b := word[i]; b == 0 || b >= utf8.RuneSelf || b == '$' {
			return false
		}
	}
	return true
}
