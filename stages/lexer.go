package stages

import (
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Lexer is the Dockerfile's shell lexer with a shortcut: most words of a
// real Dockerfile (image names, platforms, paths) contain nothing the
// lexer would change, and its rune-by-rune scanner allocates on every
// word. A literal word is answered here with what shell.Lex answers for
// it. Like shell.Lex it is not safe for concurrent use.
//
// Every word that is not literal passes the expansion limits (limits.go)
// before the lexer sees it.
type Lexer struct {
	*shell.Lex
	escape rune
	// budget is the file's share of MaxFileExpansion, shared by every
	// lexer of one Dockerfile.
	budget *expansionBudget
}

// NewLexer is a Lexer for a Dockerfile whose escape token is escape, with
// a budget of its own.
func NewLexer(escape rune) Lexer {
	return newLexer(escape, newExpansionBudget())
}

func newLexer(escape rune, budget *expansionBudget) Lexer {
	return Lexer{Lex: shell.NewLex(escape), escape: escape, budget: budget}
}

// WithEscape is a new lexer for escape that shares l's budget: the same
// Dockerfile read with another escape token (heredoc bodies).
func (l Lexer) WithEscape(escape rune) Lexer { return newLexer(escape, l.budget) }

// Escape is the Dockerfile's escape token.
func (l Lexer) Escape() rune { return l.escape }

// ProcessWord is shell.Lex.ProcessWord: a literal word comes back as it
// is, with nothing unmatched.
func (l Lexer) ProcessWord(word string, env shell.EnvGetter) (string, map[string]struct{}, error) {
	if l.literal(word) {
		return word, nil, nil
	}
	capped, err := guard(word, l.escape, env, l.budget)
	if err != nil {
		return "", nil, err
	}
	out, unmatched, err := l.Lex.ProcessWord(word, capped)
	if over := capped.check(l.budget); over != nil {
		err = over // what the lexer said was about emptied values
	}
	return out, unmatched, err
}

// ProcessWordWithMatches is shell.Lex.ProcessWordWithMatches: a literal
// word comes back as it is, split into words at white space, with nothing
// matched or unmatched.
func (l Lexer) ProcessWordWithMatches(word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	if l.literal(word) {
		return shell.ProcessWordResult{Result: word, Words: literalWords(word)}, nil
	}
	capped, err := guard(word, l.escape, env, l.budget)
	if err != nil {
		return shell.ProcessWordResult{}, err
	}
	res, err := l.Lex.ProcessWordWithMatches(word, capped)
	if over := capped.check(l.budget); over != nil {
		err = over // what the lexer said was about emptied values
	}
	return res, err
}

// ProcessWords is shell.Lex.ProcessWords: a literal word is split at
// white space.
func (l Lexer) ProcessWords(word string, env shell.EnvGetter) ([]string, error) {
	if l.literal(word) {
		return literalWords(word), nil
	}
	capped, err := guard(word, l.escape, env, l.budget)
	if err != nil {
		return nil, err
	}
	words, err := l.Lex.ProcessWords(word, capped)
	if over := capped.check(l.budget); over != nil {
		err = over // what the lexer said was about emptied values
	}
	return words, err
}

// literal reports whether the lexer, in any of its modes, leaves word
// unchanged: ASCII without NUL, and no variable, quote, heredoc or escape
// character. Non-ASCII is left to the lexer, which rewrites invalid UTF-8.
func (l Lexer) literal(word string) bool {
	for i := 0; i < len(word); i++ {
		switch b := word[i]; {
		case b == 0, b >= utf8.RuneSelf, b == '$', b == '\'', b == '"', b == '<', rune(b) == l.escape:
			return false
		}
	}
	return true
}

// literalWords splits a literal word as the lexer does: at ASCII white
// space, nil when there is no word.
func literalWords(word string) []string {
	if words := strings.Fields(word); len(words) > 0 {
		return words
	}
	return nil
}
