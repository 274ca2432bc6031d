package docsexamples

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// proseLine is one line of a page outside its fenced blocks.
type proseLine struct {
	n    int // 1-based
	text string
}

// prose is the page's lines outside fenced blocks (an unclosed fence runs
// to the end, as renderers take it).
func prose(src string) []proseLine {
	var out []proseLine
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	fence := ""
	for i, l := range lines {
		switch {
		case fence != "":
			if closes(l, fence) {
				fence = ""
			}
		case fenceOpen.MatchString(l):
			fence = fenceOpen.FindStringSubmatch(l)[2]
		default:
			out = append(out, proseLine{i + 1, l})
		}
	}
	return out
}

// segment is a run of a line that is inline code or not.
type segment struct {
	text string
	code bool
}

// splitCode cuts a line into code spans (backtick runs closed by a run of
// the same length) and the text between them.
func splitCode(line string) []segment {
	var out []segment
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			return append(out, segment{line, false})
		}
		run := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
		ticks := line[i : i+run]
		end := closingTicks(line[i+run:], ticks)
		if end < 0 {
			// No closing run: the backticks are literal.
			out = append(out, segment{line[:i+run], false})
			line = line[i+run:]
			continue
		}
		out = append(out, segment{line[:i], false}, segment{line[i+run : i+run+end], true})
		line = line[i+run+end+run:]
	}
}

// closingTicks is the index in s of a backtick run exactly as long as
// ticks, or -1.
func closingTicks(s, ticks string) int {
	for off := 0; ; {
		j := strings.Index(s[off:], ticks)
		if j < 0 {
			return -1
		}
		j += off
		k := j + len(ticks)
		if (j == 0 || s[j-1] != '`') && (k == len(s) || s[k] != '`') {
			return j
		}
		off = k + len(strings.TrimLeft(s[k:], "`"))
		if off >= len(s) {
			return -1
		}
	}
}

var (
	atxHeading    = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextUnder   = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	htmlTag       = regexp.MustCompile(`</?[A-Za-z][^>]*>`)
	inlineLink    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	escapedPunct  = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	htmlAnchor    = regexp.MustCompile(`<a\s[^>]*(?:name|id)="([^"]+)"`)
	emphasisMarks = strings.NewReplacer("**", "", "__", "")
)

// Anchors is every #fragment a page offers: GitHub's slugs of its headings
// (a repeated slug gets -1, -2, ...) and the name or id of its <a> tags.
func Anchors(src string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	add := func(heading string) {
		slug := Slug(heading)
		if n := seen[slug]; n > 0 {
			seen[slug] = n + 1
			slug = slug + "-" + strconv.Itoa(n)
		} else {
			seen[slug] = 1
		}
		out[slug] = true
	}
	lines := prose(src)
	for i, l := range lines {
		for _, m := range htmlAnchor.FindAllStringSubmatch(l.text, -1) {
			out[m[1]] = true
		}
		if m := atxHeading.FindStringSubmatch(l.text); m != nil {
			add(m[2])
			continue
		}
		if i > 0 && lines[i-1].n == l.n-1 && setextUnder.MatchString(l.text) && isParagraph(lines[i-1].text) {
			add(strings.TrimSpace(lines[i-1].text))
		}
	}
	return out
}

// isParagraph: a line that a setext underline turns into a heading.
func isParagraph(s string) bool {
	t := strings.TrimSpace(s)
	return t != "" && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, "-") && !strings.HasPrefix(t, "<") &&
		!atxHeading.MatchString(s)
}

// Slug is the anchor GitHub gives a heading: the rendered text, lower
// case, punctuation other than - and _ dropped, spaces made hyphens.
func Slug(heading string) string {
	var text strings.Builder
	for _, seg := range splitCode(heading) {
		if seg.code {
			text.WriteString(seg.text)
			continue
		}
		s := inlineLink.ReplaceAllString(seg.text, "$1")
		s = htmlTag.ReplaceAllString(s, "")
		s = escapedPunct.ReplaceAllString(s, "$1")
		text.WriteString(emphasisMarks.Replace(s))
	}
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text.String())) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-', r == '_', unicode.IsLetter(r), unicode.IsNumber(r), unicode.Is(unicode.M, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
