package dockerfile2llb

import (
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// lexer is the Dockerfile's shell lexer with a shortcut: most words of a
// real Dockerfile (paths, image names, plain RUN lines in progress names)
// contain nothing the lexer would change, and running its rune-by-rune
// scanner over them was a tenth of a conversion.
type lexer struct {
	*shell.Lex
	escape rune
	// raw is set when quotes and escapes are kept as written.
	raw bool
}

func newLexer(escape rune) lexer {
	return lexer{Lex: shell.NewLex(escape), escape: escape}
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

// ProcessWord is shell.Lex.ProcessWord; a literal word is returned as it is,
// with nothing unmatched, which is what the lexer returns for it.
func (l lexer) ProcessWord(word string, env shell.EnvGetter) (string, map[string]struct{}, error) {
	if isLiteralWord(word, l.escape) {
		return word, nil, nil
	}
	return l.Lex.ProcessWord(word, env)
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

// isLiteralWord reports whether the lexer, in any of its modes, leaves word
// unchanged: ASCII without NUL, and no variable, quote, heredoc or escape
// character. Non-ASCII is left to the lexer, which rewrites invalid UTF-8.
func isLiteralWord(word string, escape rune) bool {
	for i := 0; i < len(word); i++ {
		switch b := word[i]; {
		case b == 0, b >= utf8.RuneSelf, b == '$', b == '\'', b == '"', b == '<', rune(b) == escape:
			return false
		}
	}
	return true
}
