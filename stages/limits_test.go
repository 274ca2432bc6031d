package stages

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestScanWord(t *testing.T) {
	for _, tc := range []struct {
		word                 string
		depth, substitutions int
		names, patterns      []string
	}{
		{word: "$A", names: []string{"A"}},
		{word: "${A}${B}", depth: 1, substitutions: 2, names: []string{"A", "B"}},
		{word: "${A:-${B:-${C}}}", depth: 3, substitutions: 3, names: []string{"A", "B", "C"}},
		{word: `\${A:-${B}}`, depth: 1, substitutions: 1, names: []string{"B"}},
		{word: "${A#v}${B%%.*}${C//a/b}", depth: 1, substitutions: 3, names: []string{"A", "B", "C"}, patterns: []string{"A", "B", "C"}},
		{word: "${A:-x}}}}${B}", depth: 1, substitutions: 2, names: []string{"A", "B"}},
		{word: "$ ${", depth: 1, substitutions: 1},
		{word: "$$ $1 ${_x9}", depth: 1, substitutions: 1, names: []string{"1", "_x9"}},
	} {
		got := scanWord(tc.word, '\\', true)
		if got.depth != tc.depth || got.substitutions != tc.substitutions ||
			!slices.Equal(got.names, tc.names) || !slices.Equal(got.patterns, tc.patterns) {
			t.Errorf("scanWord(%q) = %+v, want depth %d, substitutions %d, names %v, patterns %v",
				tc.word, got, tc.depth, tc.substitutions, tc.names, tc.patterns)
		}
	}
}

// TestLexerLimits runs words through the Lexer: within the limits it
// expands as BuildKit's lexer does, past them it names the limit and the
// variable, and it never hands the lexer more than one word's worth.
func TestLexerLimits(t *testing.T) {
	big := strings.Repeat("b", 300<<10)
	env := NewArgs([2]string{"BIG", big}, [2]string{"V", "v1.2.3"}, [2]string{"LONG", strings.Repeat("a", 5000)})
	for _, tc := range []struct {
		word, want, err string
	}{
		{word: "${V#v}", want: "1.2.3"},
		{word: "${BIG}${BIG}${BIG}", want: big + big + big},
		{word: "${BIG}${BIG}${BIG}${BIG}", err: "the text variables put into one word at $BIG reaches 1,228,800 bytes; multistage limits it to 1,048,576 bytes"},
		{word: "${LONG//" + strings.Repeat("*a", 2000) + "/x}", err: "a pattern substitution (value length times pattern length) at $LONG"},
		{word: strings.Repeat("${V:-", 65) + strings.Repeat("}", 65), err: "the nesting of ${...} in one word reaches 65 levels; multistage limits it to 64 levels"},
		{word: strings.Repeat("${V:-", 64) + strings.Repeat("}", 64), want: "v1.2.3"},
	} {
		got, _, err := NewLexer('\\').ProcessWord(tc.word, env)
		switch {
		case tc.err != "":
			var le *LimitError
			if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%.40q: error %v, want a LimitError containing %q", tc.word, err, tc.err)
			}
		case err != nil || got != tc.want:
			t.Errorf("%.40q = %.40q, %v; want %.40q", tc.word, got, err, tc.want)
		}
	}
}

// TestFileBudgetIsShared checks that the lexers of one Dockerfile draw on
// one MaxFileExpansion, so splitting the growth over lexers does not
// escape it.
func TestFileBudgetIsShared(t *testing.T) {
	d, err := Parse([]byte("FROM busybox\n"), ParseOpt{})
	if err != nil {
		t.Fatal(err)
	}
	env := NewArgs([2]string{"X", strings.Repeat("x", 1<<20)})
	var last error
	for i := 0; i < MaxFileExpansion>>20+1 && last == nil; i++ {
		lex := d.NewLex()
		if i%2 == 1 {
			lex = lex.WithEscape('`')
		}
		_, _, last = lex.ProcessWord("$X", env)
	}
	if last == nil || !strings.Contains(last.Error(), "the text variables put into the Dockerfile's words at $X") {
		t.Fatalf("64 MiB and one more through fresh lexers of one file: %v; want the file limit", last)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1048576: "1,048,576", -1234: "-1,234"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
