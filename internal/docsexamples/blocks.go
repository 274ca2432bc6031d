package docsexamples

import (
	"fmt"
	"regexp"
	"strings"
)

// Error is a problem at one line of one page.
type Error struct {
	Doc  string // the page, as the caller named it
	Line int    // 1-based
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Doc, e.Line, e.Msg) }

// block is one fenced code block with the markers just above its fence.
type block struct {
	lang    string // first word of the info string, lower case
	line    int    // line of the opening fence
	text    string // content, the fence's indentation removed
	markers []marker
}

// marker is one `<!-- ... -->` comment the convention gives meaning to.
type marker struct {
	kind  string // markFile, markNotRun or markImage
	value string // the path, or the reason
	line  int
}

const (
	markFile   = "file"
	markNotRun = "not-run"
	markImage  = "image"
)

var (
	fenceOpen  = regexp.MustCompile("^( *)(`{3,}|~{3,})\\s*([^`]*)$")
	fileMark   = regexp.MustCompile(`^<!--\s*file:\s*(.*?)\s*-->$`)
	imageMark  = regexp.MustCompile(`^<!--\s*docs-image:\s*(.*?)\s*-->$`)
	docsTest   = regexp.MustCompile(`^<!--\s*docs-test:\s*(.*?)\s*-->$`)
	notRunMark = regexp.MustCompile(`^not-run(?:\s+(.*))?$`)
)

// parseMarker reads a line that may be a marker; ok is false for any other
// line. A `docs-test:` comment that says anything but not-run is an error
// rather than a silently ignored comment.
func parseMarker(line string, n int) (m marker, ok bool, err string) {
	s := strings.TrimSpace(line)
	if g := fileMark.FindStringSubmatch(s); g != nil {
		return marker{markFile, g[1], n}, true, ""
	}
	if g := imageMark.FindStringSubmatch(s); g != nil {
		return marker{markImage, g[1], n}, true, ""
	}
	g := docsTest.FindStringSubmatch(s)
	if g == nil {
		return marker{}, false, ""
	}
	nr := notRunMark.FindStringSubmatch(g[1])
	if nr == nil {
		return marker{}, false, fmt.Sprintf("unknown marker %q; the only docs-test marker is <!-- docs-test: not-run REASON -->", s)
	}
	if strings.TrimSpace(nr[1]) == "" {
		// Still a not-run marker, so the block adds no second error.
		return marker{markNotRun, "", n}, true, "<!-- docs-test: not-run --> needs a reason: <!-- docs-test: not-run REASON -->"
	}
	return marker{markNotRun, strings.TrimSpace(nr[1]), n}, true, ""
}

// scanBlocks splits a page into its fenced blocks, each with the markers on
// the lines just above its fence. A marker not followed by a fence, and a
// fence never closed, are errors.
func scanBlocks(doc, src string) (blocks []block, errs []error, complete bool) {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var pending []marker
	fail := func(n int, format string, args ...any) {
		errs = append(errs, &Error{doc, n, fmt.Sprintf(format, args...)})
	}
	for i := 0; i < len(lines); i++ {
		n := i + 1
		m, isMarker, bad := parseMarker(lines[i], n)
		if bad != "" {
			fail(n, "%s", bad)
		}
		if isMarker {
			pending = append(pending, m)
			continue
		}
		g := fenceOpen.FindStringSubmatch(lines[i])
		if g == nil {
			for _, m := range pending {
				fail(m.line, "marker is not on the line just before a fence (```); move it there")
			}
			pending = nil
			continue
		}
		b, end, ok := readFence(lines, i, g)
		if !ok {
			fail(n, "fence opened here is never closed")
			return blocks, errs, false
		}
		b.markers, pending = pending, nil
		blocks = append(blocks, b)
		i = end
	}
	return blocks, errs, true
}

// readFence reads the block whose opening fence is lines[i] (matched as g)
// and returns it with the index of its closing fence.
func readFence(lines []string, i int, g []string) (block, int, bool) {
	indent, fence := len(g[1]), g[2]
	lang := ""
	if f := strings.Fields(g[3]); len(f) > 0 {
		lang = strings.ToLower(f[0])
	}
	var body []string
	for j := i + 1; j < len(lines); j++ {
		if closes(lines[j], fence) {
			return block{lang: lang, line: i + 1, text: strings.Join(body, "\n") + textEnd(body)}, j, true
		}
		body = append(body, dedent(lines[j], indent))
	}
	return block{}, 0, false
}

// textEnd gives a non-empty block its final newline, as a file on disk has.
func textEnd(body []string) string {
	if len(body) == 0 {
		return ""
	}
	return "\n"
}

// dedent removes up to n leading spaces: a fence indented inside a list
// item has its content indented as much.
func dedent(s string, n int) string {
	k := 0
	for k < n && k < len(s) && s[k] == ' ' {
		k++
	}
	return s[k:]
}

// closes reports whether line closes a block opened with fence: the same
// character, at least as many times, nothing else but spaces.
func closes(line, fence string) bool {
	s := strings.TrimSpace(line)
	return len(s) >= len(fence) && strings.Trim(s, fence[:1]) == ""
}
