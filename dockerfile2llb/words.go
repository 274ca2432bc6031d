package dockerfile2llb

import (
	"strings"
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

func newLexer(l stages.Lexer) lexer {
	return lexer{Lexer: l}
}

// progressLexer expands progress names without touching quotes or
// escapes, and leaves unset variables as written.
func progressLexer(fresh stages.Lexer) lexer {
	l := newLexer(fresh)
	l.RawQuotes, l.RawEscapes, l.SkipUnsetEnv = true, true, true
	l.raw = true
	return l
}

// heredocLexer replaces only variables: heredoc bodies keep their quotes.
// Its escape is always a backslash, whatever the Dockerfile's.
func heredocLexer(file stages.Lexer) lexer {
	l := newLexer(file.WithEscape('\\'))
	l.SkipProcessQuotes = true
	return l
}

// expandOrKeep is word with its variables expanded, or word as written
// when the lexer rejects it (an unclosed quote): what progress names show.
// With raw quoting more words come back as written than ProcessWord can
// assume, because an error here keeps the word too: a RUN line that uses
// no variable of the stage, quotes, $(...) and shell variables and all, is
// most of a real Dockerfile's progress text.
func (l lexer) expandOrKeep(word string, env shell.EnvGetter) string {
	if l.raw && keptRaw(word, l.Escape(), env) {
		return word
	}
	if out, _, err := l.ProcessWord(word, env); err == nil {
		return out
	}
	return word
}

// keptRaw reports whether a lexer with raw quotes and escapes, which
// leaves unset variables as written, returns word as written or fails on
// it: true for ASCII without NUL in which no variable that env sets is
// referred to. The word of a ${VAR:-word} loses its escapes even so.
func keptRaw(word string, escape rune, env shell.EnvGetter) bool {
	dollar, escaped := false, false
	for i := 0; i < len(word); i++ {
		switch b := word[i]; {
		case b == 0, b >= utf8.RuneSelf:
			return false
		case b == '$':
			dollar = true
		case rune(b) == escape:
			escaped = true
		}
	}
	if !dollar {
		return true
	}
	if escaped && strings.Contains(word, "${") {
		return false
	}
	// The names the word refers to, looked up one by one: a loop over the
	// environment's keys made each RUN cost the size of the environment.
	for _, name := range stages.VariablesIn(word, escape) {
		if _, set := env.Get(name); set {
			return false
		}
	}
	return true
}
