package dockerfile2llb_test

import (
	"fmt"
	"github.com/myorg/multistage/internal/benchdata"
	"slices"
	"strings"
	"testing"
)

// limitInput is a Dockerfile that passes one of the documented limits
// (stages/limits.go). Upstream is not run on these: several of them run
// it out of memory or kill it with a stack overflow.
type limitInput struct {
	name  string
	df    string
	args  map[string]string
	want  []string // substrings of the error: the limit, the variable
	lines []int
}

// span is the lines from first to last.
func span(first, last int) []int {
	var out []int
	for l := first; l <= last; l++ {
		out = append(out, l)
	}
	return out
}

// limitInputs is a function, not a package variable: its files are
// megabytes, and a table built at init would sit in the heap of every
// run of this test binary, bench/scale.sh's included, where it hands the
// small sizes a garbage collector's head start the large ones do not get.
func limitInputs() []limitInput {
	return []limitInput{
		{
			// 10 bytes doubled 17 times is 1,310,720: the first value past 1 MiB.
			name:  "arg-bomb-under-from-in-pruned-stage",
			df:    "FROM busybox AS unused\n" + benchdata.DoublingArgs(40) + "COPY --from=${A40} /a /b\nFROM busybox AS final\nRUN true\n",
			want:  []string{`ARG A17 (line 19) of stage "unused": the text variables put into one word at $A16`, "1,048,576 bytes", "in COPY --from ${A40}"},
			lines: []int{19, 43},
		},
		{
			name:  "arg-bomb-global-unused",
			df:    benchdata.DoublingArgs(40) + "FROM busybox\nRUN true\n",
			want:  []string{"$A16", "1,048,576 bytes"},
			lines: []int{18},
		},
		{
			name:  "arg-bomb-stage",
			df:    "FROM busybox\n" + benchdata.DoublingArgs(40) + "RUN true\n",
			want:  []string{"$A16", "1,048,576 bytes"},
			lines: []int{19},
		},
		{
			name:  "nesting-over-the-limit",
			df:    "FROM busybox\nRUN echo " + benchdata.NestedDefaults(65) + "\nWORKDIR " + benchdata.NestedDefaults(65) + "\n",
			want:  []string{"nesting of ${...}", "65 levels", "64 levels"},
			lines: []int{3},
		},
		{
			// 600,000 levels: a stack overflow in the shell lexer without
			// the guard, which no recover() can catch.
			name:  "nesting-150000",
			df:    "FROM busybox\nENV V=" + benchdata.NestedDefaults(150000) + "\n",
			want:  []string{"number of ${ in one word", "150,000 substitutions", "20,000 substitutions"},
			lines: span(2, 302), // the ENV, continued over 301 lines
		},
		{
			// Without the guards, 600,000 levels (3.6 MB) died of a stack
			// overflow in the lexer.
			name:  "nesting-600000",
			df:    "FROM busybox\nENV V=" + benchdata.NestedDefaults(600000) + "\n",
			want:  []string{"one instruction (ENV) reaches 3,600,", "multistage limits it to 1,048,576 bytes"},
			lines: span(2, 1202),
		},
		{
			name:  "nesting-in-global-arg",
			df:    "ARG V=" + benchdata.NestedDefaults(100) + "\nFROM busybox\n",
			want:  []string{"nesting of ${...}", "100 levels"},
			lines: []int{1},
		},
		{
			name:  "pattern-substitution",
			df:    "FROM busybox\nARG B=" + strings.Repeat("a", 30000) + "\nENV X=${B//" + strings.Repeat("*a", 15000) + "b/x}\n",
			want:  []string{"pattern substitution", "$B", "16,777,216 steps"},
			lines: []int{3},
		},
		{
			name:  "env-grows-on-every-line",
			df:    "FROM busybox\nENV P=x\n" + strings.Repeat("ENV P=${P}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 2000),
			want:  []string{"$P", "67,108,864 bytes", "the text variables put into the Dockerfile's words"},
			lines: []int{1245},
		},
		{
			name:  "expose-every-port-many-times",
			df:    "FROM busybox\n" + strings.Repeat("EXPOSE 0-65535/tcp 0-65535/udp 0-65535/sctp\n", 1000),
			want:  []string{"the ports the EXPOSE lines list reaches 327,680 ports; multistage limits it to 262,144 ports"},
			lines: []int{3},
		},
		{
			name:  "too-many-lines",
			df:    "FROM busybox\n" + strings.Repeat("RUN true\n", 1<<16),
			want:  []string{"the Dockerfile reaches 65,537 lines; multistage limits it to 65,536 lines"},
			lines: []int{65537},
		},
		{
			name: "too-many-bytes",
			df:   "FROM busybox\nRUN echo " + strings.Repeat("x", 8<<20) + "\n",
			want: []string{"the Dockerfile reaches 8,388,631 bytes; multistage limits it to 8,388,608 bytes"},
		},
		{
			// Found by FuzzBoundedWork: 4,080 ENV keys inherited down 508
			// stages made a 62 KB file cost 3.3 GB.
			name:  "env-carried-down-a-chain",
			df:    envDownAChain(2000, 600),
			want:  []string{"the environment and working directories the steps carry reaches", "multistage limits it to 4,194,304 bytes"},
			lines: []int{90}, // FROM s43 AS s44
		},
		{
			name:  "build-arg-too-large-for-one-word",
			df:    "FROM busybox\nARG BIG\nENV X=${BIG}${BIG}\n",
			args:  map[string]string{"BIG": strings.Repeat("b", 600<<10)},
			want:  []string{"$BIG", "1,048,576 bytes"},
			lines: []int{3},
		},
	}
}

// TestLimits checks that each limit, once passed, fails the conversion
// with an error naming the limit, the variable and the line.
func TestLimits(t *testing.T) {
	for _, li := range limitInputs() {
		t.Run(li.name, func(t *testing.T) {
			dc := diffCase{Name: li.name, Data: []byte(li.df), Opts: caseOpts{BuildArgs: li.args}}
			our := runConverter(ourConverter, dc)
			if our.Err == nil {
				t.Fatalf("converted; want an error containing %q on lines %v", li.want, li.lines)
			}
			msg := our.Err.Error()
			if len(msg) > 2000 {
				t.Errorf("error is %d bytes long; it must stay short whatever the input", len(msg))
			}
			for _, w := range li.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %.500q does not contain %q", msg, w)
				}
			}
			if got := errorLines(our.Err); !slices.Equal(got, li.lines) {
				t.Errorf("error names lines %v, want %v: %.500s", got, li.lines, msg)
			}
		})
	}
}

// envDownAChain is one ENV of keys keys, then a chain of stages, each
// FROM the one before with a RUN.
func envDownAChain(keys, stages int) string {
	var b strings.Builder
	b.WriteString("FROM busybox AS s0\nENV")
	for i := 0; i < keys; i++ {
		fmt.Fprintf(&b, " key%d=value-of-key-%d", i, i)
	}
	b.WriteString("\nRUN true\n")
	for i := 1; i < stages; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nRUN true\n", i-1, i)
	}
	return b.String()
}
