package stages

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// The limits below bound what one Dockerfile can make the frontend do. No
// real Dockerfile comes near them (TestLimitsLeaveRealFilesAlone measures
// the real-world corpus against each), and each one that is reached fails
// the build with an error naming the line, the variable and the limit,
// instead of a frontend that runs out of memory, spins for minutes, or
// dies of a stack overflow the Go runtime cannot recover from.
const (
	// MaxWordExpansion is how many bytes variables may put into one
	// expanded word. Values that double on every ARG line pass it after
	// about twenty lines.
	MaxWordExpansion = 1 << 20
	// MaxFileExpansion is how many bytes variables may put into all the
	// words one conversion expands: a value that grows by a little on each
	// of many lines (ENV P=${P}x) costs the square of the line count.
	MaxFileExpansion = 64 << 20
	// MaxNesting is how deeply ${...} may nest inside one word. BuildKit's
	// shell lexer recurses once per level, and a stack overflow kills the
	// process without a message.
	MaxNesting = 64
	// MaxSubstitutions is how many ${ one word may hold. It backs
	// MaxNesting, whose count does not follow quotes: with quoted closing
	// braces a word could nest deeper than the count says, never deeper
	// than this.
	MaxSubstitutions = 20000
	// MaxPatternWork bounds one pattern substitution (${V#p}, ${V%p},
	// ${V/p/r}): the length of the value times the length of the pattern
	// and replacement, about what the regular expression behind it walks.
	MaxPatternWork = 1 << 24
	// MaxExposedPorts is how many ports the EXPOSE lines of one
	// conversion may list, ranges counted port by port: every protocol's
	// full range once, and more.
	MaxExposedPorts = 1 << 18
	// MaxDockerfileBytes is the size of the largest Dockerfile taken.
	// BuildKit's own reader stops at 16 MiB; parsing costs about 120
	// bytes of memory per byte of short lines.
	MaxDockerfileBytes = 8 << 20
	// MaxDockerfileLines bounds the instructions, and so the ops, of one
	// Dockerfile: the LLB definition goes to BuildKit in one gRPC message
	// of at most 16 MiB, which about this many RUN ops fill.
	MaxDockerfileLines = 1 << 16
	// MaxInstructionBytes is the size of one instruction, its
	// continuation lines and heredocs included. An instruction's text
	// travels several times to BuildKit (in its op, its progress name and
	// its history entry), in messages of at most 16 MiB.
	MaxInstructionBytes = 1 << 20
	// MaxWorkdirBytes is the longest working directory a WORKDIR may set:
	// Linux's PATH_MAX, past which the directory could not be created in
	// the container anyway. Each relative WORKDIR lengthens the path and
	// every op after it carries the path: 100,000 lines of "WORKDIR a"
	// made ops of up to 200 KB each, which ran the conversion out of memory.
	MaxWorkdirBytes = 4096
	// MaxCarriedBytes bounds the environment and working directory that
	// the RUN and WORKDIR ops and the stages built FROM another stage
	// carry, summed over them: each holds its stage's whole environment
	// and its path, so a few kilobytes of ENV inherited down a chain of
	// stages, or a long path under thousands of WORKDIR lines, make an LLB
	// of gigabytes, and the conversion holds several bytes for each byte
	// carried.
	MaxCarriedBytes = 4 << 20
)

// checkInstructionSizes rejects an instruction over MaxInstructionBytes,
// naming its lines.
func checkInstructionSizes(root *parser.Node) error {
	for _, n := range root.Children {
		if size := InstructionSize(n); size > MaxInstructionBytes {
			err := &LimitError{What: "one instruction (" + strings.ToUpper(n.Value) + ")", Got: size, Max: MaxInstructionBytes, Unit: "bytes"}
			return parser.WithLocation(err, n.Location())
		}
	}
	return nil
}

// InstructionSize is the bytes of instruction n: its lines, continuations
// included, and its heredocs.
func InstructionSize(n *parser.Node) int {
	size := len(n.Original)
	for _, h := range n.Heredocs {
		size += len(h.Content)
	}
	return size
}

// CheckSize rejects a Dockerfile over MaxDockerfileBytes or
// MaxDockerfileLines before the parser spends memory on it; the error
// names the first line past the limit.
func CheckSize(dt []byte) error {
	if len(dt) > MaxDockerfileBytes {
		return &LimitError{What: "the Dockerfile", Got: len(dt), Max: MaxDockerfileBytes, Unit: "bytes"}
	}
	lines := bytes.Count(dt, []byte("\n"))
	if len(dt) > 0 && dt[len(dt)-1] != '\n' {
		lines++
	}
	if lines <= MaxDockerfileLines {
		return nil
	}
	first := MaxDockerfileLines + 1
	loc := []parser.Range{{Start: parser.Position{Line: first}, End: parser.Position{Line: first}}}
	return parser.WithLocation(&LimitError{What: "the Dockerfile", Got: lines, Max: MaxDockerfileLines, Unit: "lines"}, loc)
}

// LimitError is a word whose expansion would pass one of the limits. The
// caller adds the Dockerfile line.
type LimitError struct {
	// Variable is the variable that passed the limit, "" for the nesting
	// and substitution counts.
	Variable string
	What     string // what was measured, as the message says it
	Got, Max int
	Unit     string // "bytes", "levels"...
}

func (e *LimitError) Error() string {
	who := ""
	if e.Variable != "" {
		who = fmt.Sprintf(" at $%s", e.Variable)
	}
	return fmt.Sprintf("%s%s reaches %s %s; multistage limits it to %s %s (see Limits in docs/reference.md)",
		e.What, who, Thousands(e.Got), e.Unit, Thousands(e.Max), e.Unit)
}

// Thousands writes n with comma separators, as the limits are documented.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// expansionBudget is what is left of MaxFileExpansion for one Dockerfile,
// and the largest of each measure the guard took, which show how far a
// real Dockerfile stays from each limit. Platforms convert in parallel
// from one parse, so it is shared and atomic.
type expansionBudget struct {
	used                          atomic.Int64
	word, depth, subs, patternWrk atomic.Int64
}

// ExpansionStats are the largest values a Dockerfile's words reached
// against each expansion limit.
type ExpansionStats struct {
	FileBytes, WordBytes, Depth, Substitutions, PatternWork int64
}

// ExpansionStats reports what the words expanded so far reached.
func (d *Dockerfile) ExpansionStats() ExpansionStats {
	b := d.budget
	return ExpansionStats{FileBytes: b.used.Load(), WordBytes: b.word.Load(), Depth: b.depth.Load(),
		Substitutions: b.subs.Load(), PatternWork: b.patternWrk.Load()}
}

// raise sets m to v when v is larger.
func raise(m *atomic.Int64, v int) {
	for cur := m.Load(); int64(v) > cur; cur = m.Load() {
		if m.CompareAndSwap(cur, int64(v)) {
			return
		}
	}
}

func newExpansionBudget() *expansionBudget { return &expansionBudget{} }

// charge records n more bytes put into words and fails once the file's
// total passes MaxFileExpansion.
func (b *expansionBudget) charge(variable string, n int) error {
	if b == nil || n == 0 {
		return nil
	}
	raise(&b.word, n)
	if used := b.used.Add(int64(n)); used > MaxFileExpansion {
		return &LimitError{Variable: variable, What: "the text variables put into the Dockerfile's words", Got: int(min(used, 1<<62)), Max: MaxFileExpansion, Unit: "bytes"}
	}
	return nil
}

// wordShape is what the guard reads off a word before the lexer sees it.
type wordShape struct {
	depth, substitutions int
	// patterns are the variables a pattern substitution applies to.
	patterns []string
	// names are the variables the word refers to, in order, repeated.
	names []string
}

// scanWord reads the ${ nesting, the pattern substitutions and, with
// withNames, the variables of word. It does not follow quotes: a closing
// brace in quotes still counts as closing, which MaxSubstitutions makes
// safe. The guard asks for the names only when a pattern needs them, so
// most words cost no allocation here.
func scanWord(word string, escape rune, withNames bool) wordShape {
	var w wordShape
	depth := 0
	for i := 0; i < len(word); i++ {
		switch c := word[i]; {
		case rune(c) == escape:
			i++ // the next byte is literal
		case c == '}' && depth > 0:
			depth--
		case c == '$' && i+1 < len(word):
			braced := word[i+1] == '{'
			start := i + 1
			if braced {
				start++
				depth++
				w.substitutions++
				w.depth = max(w.depth, depth)
			}
			end := start
			for end < len(word) && isNameByte(word[end]) {
				end++
			}
			if end == start {
				continue
			}
			if withNames {
				w.names = append(w.names, word[start:end])
			}
			if braced && end < len(word) && strings.IndexByte("/#%", word[end]) >= 0 {
				w.patterns = append(w.patterns, word[start:end])
			}
			i = end - 1
		}
	}
	return w
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// guard checks word against the limits before the lexer expands it in env,
// and returns the env the lexer must use: one that stops handing out
// values once the word has taken MaxWordExpansion bytes of them, so even
// an expansion the scan could not foresee stays bounded. over reports
// what it stopped on.
func guard(word string, escape rune, env shell.EnvGetter, budget *expansionBudget) (*cappedEnv, error) {
	shape := scanWord(word, escape, false)
	if budget != nil {
		raise(&budget.depth, shape.depth)
		raise(&budget.subs, shape.substitutions)
	}
	if shape.substitutions > MaxSubstitutions {
		return nil, &LimitError{What: "the number of ${ in one word", Got: shape.substitutions, Max: MaxSubstitutions, Unit: "substitutions"}
	}
	if shape.depth > MaxNesting {
		return nil, &LimitError{What: "the nesting of ${...} in one word", Got: shape.depth, Max: MaxNesting, Unit: "levels"}
	}
	if len(shape.patterns) > 0 {
		// The pattern and replacement are at most the word and what its
		// variables put in it.
		operands := len(word)
		for _, n := range scanWord(word, escape, true).names {
			v, _ := env.Get(n)
			operands += len(v)
		}
		for _, n := range shape.patterns {
			v, _ := env.Get(n)
			work := len(v) * operands
			if budget != nil {
				raise(&budget.patternWrk, work)
			}
			if work > MaxPatternWork || work < 0 {
				return nil, &LimitError{Variable: n, What: "a pattern substitution (value length times pattern length)", Got: min(work, 1<<62), Max: MaxPatternWork, Unit: "steps"}
			}
		}
	}
	return &cappedEnv{EnvGetter: env}, nil
}

// check is the limit the word passed once expanded, if any, and charges
// what it took to the file's budget.
func (c *cappedEnv) check(budget *expansionBudget) error {
	if c.over != "" {
		return &LimitError{Variable: c.over, What: "the text variables put into one word", Got: c.used, Max: MaxWordExpansion, Unit: "bytes"}
	}
	return budget.charge(c.last, c.used)
}

// cappedEnv hands out values until a word has taken MaxWordExpansion
// bytes of them, then empty ones, and remembers the variable it stopped
// on.
type cappedEnv struct {
	shell.EnvGetter
	used       int
	over, last string
}

func (c *cappedEnv) Get(key string) (string, bool) {
	v, ok := c.EnvGetter.Get(key)
	if c.over != "" {
		return "", ok
	}
	c.used += len(v)
	if len(v) > 0 {
		c.last = key
	}
	if c.used > MaxWordExpansion {
		c.over = key
		return "", ok
	}
	return v, ok
}

// VariablesIn are the names of the variables word refers to, in order,
// repeated, as the expansion guard reads them (quotes are not followed).
func VariablesIn(word string, escape rune) []string {
	return scanWord(word, escape, true).names
}
