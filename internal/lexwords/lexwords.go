// Package lexwords is what the tests of the lexer shortcut (stages.Lexer)
// feed it and BuildKit's lexer alike: hand-picked words, each one at an
// edge of the shortcut, and every line and word of the differential cases.
package lexwords

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// handPicked are literal words and, beside them, words with one character
// the shortcut must leave to the lexer: a variable, a quote, an escape of
// either token, a heredoc, NUL, non-ASCII and invalid UTF-8.
var handPicked = []string{
	"", " ", "  lead and trail  ", "plain", "/usr/local/bin", "a b  c", "alpine:3.20", "golang:1.22-alpine",
	"linux/arm64/v8", "--from=build", "$HOME", "${A:-x}", "'q'", `"q"`, `a\ b`, "a`b", "<<EOF", "x\x00y",
	"caf\xc3\xa9", "bad\xff", "\ufeffbom", "nbsp\u00a0x", "tab\there", "v\vf\fr\rn\nx", "semi;colon|pipe&amp",
	"~/x", "*.go", "a=b", "#comment", `"a\nb"`, `"a\"b"`, `"end\`, `'a\nb'`, `'open`, `"open`, "\\", "a\\",
	"``", `"a` + "`" + `nb"`, "<<-EOF x", "a << b", "a<b", "$", "a$", "${", "80/tcp 443/udp",
	// Variables the environment of the tests (HOME and A) does not set,
	// beside ones it does, in every form and modifier the lexer knows.
	"make -j$(nproc)", "$UNSET", "${UNSET}", "${UNSET:-d}", "${UNSET-d}", "${UNSET:+x}", "${UNSET?m}", "${UNSET:?m}",
	"${UNSET#p}", "${UNSET%%s}", "${UNSET:-$HOME}", "${UNSET:-'q'}", `${UNSET:-"q"}`, `${UNSET:-a\}b}`, "$1 $@ $$ $# $? $-",
	"${#}", "${}", "${:x}", "$HOMEX", "${HOME}x", `"$UNSET" '$HOME'`, "for f in *; do echo $f; done", "$(( 1 + 2 ))",
}

// Words is handPicked, then every line of the *.Dockerfile files in dir
// and every word of those lines. It fails tb when dir holds none.
func Words(tb testing.TB, dir string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.Dockerfile"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no differential cases under %s (%v)", dir, err)
	}
	words := append([]string(nil), handPicked...)
	for _, f := range files {
		dt, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(dt), "\n") {
			words = append(words, line)
			words = append(words, strings.Fields(line)...)
		}
	}
	return words
}
